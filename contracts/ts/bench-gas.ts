// Gas benchmark (`npm run bench:gas` at the root runs this and merges the JSON line with restaking's).
// Runs the `test_gas_*` Foundry tests with `--isolate`, so each measured call is its own transaction with cold
// storage, exactly as on a live chain; figures are whole-transaction gas (21k base + calldata + execution),
// with no-op recipients so `process` excludes the recipient's own work. Hyperlane's published figures are
// printed beside ours for reference (research note: solidity/.gas-snapshot and multisigIsmVerifyCosts.ts).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { foundryBinary } from './foundry.ts'

const projectDir = path.resolve(import.meta.dirname, '..')
const lockFile = '/tmp/spnkit-forge.lock'

type Row = { key: string; what: string; target: string; peer: string }
const rows: Row[] = [
  {
    key: 'dispatch',
    what: 'Mailbox.dispatch (64-byte body)',
    target: '≤ 60,000 (goal 45,000)',
    peer: '≈43,600 warm, no 21k base (Hyperlane dispatch+MerkleTreeHook)',
  },
  {
    key: 'process_mainnet',
    what: 'Mailbox.process on mainnet (SPN proof)',
    target: '≤ 120,000 (goal 90,000)',
    peer: '151,966 (Hyperlane process, 1/1 multisig ISM)',
  },
  { key: 'process_spn_import', what: 'Mailbox.process on an SPN (mainnet proof)', target: '—', peer: '151,966 (same)' },
  {
    key: 'checkpoint_11_of_16',
    what: 'SPNAdapter.submitCheckpoint, 11 of 16 sigs',
    target: '≤ 300,000',
    peer: '≈217,598 for 10/14 (Hyperlane multisig table)',
  },
  { key: 'escape_withdraw', what: 'EscapeHatch.escapeWithdraw (store proof)', target: '—', peer: '—' },
]

const forge = foundryBinary('forge')
const args = ['test', '--match-test', '^test_gas_', '--isolate']
const useLock = spawnSync('flock', ['--version']).status === 0
const result = useLock
  ? spawnSync('flock', [lockFile, forge, ...args], { cwd: projectDir, encoding: 'utf8' })
  : spawnSync(forge, args, { cwd: projectDir, encoding: 'utf8' })
if (result.status !== 0) {
  process.stderr.write(`${result.stdout}\n${result.stderr}\n`)
  console.error('bench-gas: forge test --match-test ^test_gas_ --isolate failed (see output above)')
  process.exit(1)
}

const figures: Record<string, number> = {}
for (const file of ['GasBenchTest.json', 'EscapeHatchTest.json']) {
  const full = path.join(projectDir, 'snapshots', file)
  if (!existsSync(full)) continue
  for (const [key, value] of Object.entries(JSON.parse(readFileSync(full, 'utf8')) as Record<string, string>)) {
    figures[key] = Number(value)
  }
}
const missing = rows.filter((r) => figures[r.key] === undefined).map((r) => r.key)
if (missing.length > 0) {
  console.error(`bench-gas: no figure recorded for ${missing.join(', ')} (expected in contracts/snapshots/*.json)`)
  process.exit(1)
}

const table = rows.map((r) => ({
  figure: r.key,
  measures: r.what,
  gas: (figures[r.key] as number).toLocaleString('en-US'),
  target: r.target,
  'Hyperlane (reference)': r.peer,
}))
console.table(table)
console.log(JSON.stringify(Object.fromEntries(rows.map((r) => [r.key, figures[r.key]]))))
