// Generates the shared proof test vectors for the Solidity verifier from the real TypeScript store:
//   npx node sdk/store/scripts/gen-vectors.ts [--keys N] [--out path]
// Default: a 20,000-key store plus small edge-case trees, written to
// contracts/test/vectors/state-proofs.json (read by contracts/test/StateProofVerifier.t.sol). The
// benchmark measures gas on proofs from its own 1M-key store.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { keccak256, toHex } from '@spnkit/crypto'
import { keyOf, loadBlocks } from '../bench/workload.ts'
import { type Op, openStore, type Store, verifyProof } from '../src/index.ts'

type Case = { name: string; root: string; key: string; present: number; value: string; proof: string }

const args = process.argv.slice(2)
const flag = (name: string, def: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? (args[i + 1] ?? def) : def
}
const bigKeys = Number(flag('--keys', '20000'))
const out = path.resolve(
  flag('--out', path.join(import.meta.dirname, '../../../contracts/test/vectors/state-proofs.json')),
)

const cases: Case[] = []
function add(store: Store, name: string, key: Uint8Array): void {
  const root = store.root()
  const value = store.get(key) ?? null
  const proof = store.proof(key)
  if (!verifyProof(root, key, value, proof)) throw new Error(`generated proof for ${name} does not verify`)
  cases.push({
    name,
    root: toHex(root),
    key: toHex(key),
    present: value ? 1 : 0,
    value: value ? toHex(value) : '0x',
    proof: toHex(proof),
  })
}

async function withStore(fn: (s: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spnkit-vectors-'))
  const s = openStore(dir)
  try {
    await fn(s)
  } finally {
    await s.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const k = (label: string) => keccak256(new TextEncoder().encode(label))
const word = (n: number) => {
  const w = new Uint8Array(32)
  w[31] = n
  return w
}

// Edge cases first (small and fast), then the big tree.
await withStore(async (s) => {
  add(s, 'empty tree: absent', k('a'))
  await s.apply(1, [{ key: k('a'), value: word(1) }])
  add(s, 'single key: present (storage word)', k('a'))
  add(s, 'single key: absent', k('b'))
})
await withStore(async (s) => {
  // Two keys sharing their first 10 bytes (20 nibbles): a deep, sparse path.
  const a = k('deep-a')
  const b = a.slice()
  b[10] = (b[10] as number) ^ 0x01
  const c = a.slice()
  c[31] = (c[31] as number) ^ 0xff
  const d = a.slice()
  d[10] = (d[10] as number) ^ 0x10
  await s.apply(1, [
    { key: a, value: word(7) },
    { key: b, value: new Uint8Array(80).fill(9) },
    { key: k('other'), value: word(3) },
  ])
  add(s, 'deep: present a', a)
  add(s, 'deep: present b', b)
  add(s, 'deep: absent, other leaf on the path', c)
  add(s, 'deep: absent, empty slot deep down', d)
  await s.apply(2, [{ key: b, value: null }])
  add(s, 'deep: deleted key (tree collapsed)', b)
  add(s, 'deep: survivor after collapse', a)
})
await withStore(async (s) => {
  let version = 0
  for (const ops of loadBlocks(bigKeys, 10_000)) await s.apply(++version, ops as Op[])
  for (let i = 0; i < 6; i++) add(s, `${bigKeys} keys: present #${i}`, keyOf(i * 104_729))
  let empty = 0
  let other = 0
  for (let i = 0; empty < 3 || other < 3; i++) {
    const key = k(`absent-${i}`)
    const kind = s.proof(key)[0]
    if (kind === 1 && empty < 3) add(s, `${bigKeys} keys: absent (empty slot) #${empty++}`, key)
    if (kind === 2 && other < 3) add(s, `${bigKeys} keys: absent (other leaf) #${other++}`, key)
  }
})

writeFileSync(out, `${JSON.stringify({ count: cases.length, cases }, null, 1)}\n`)
console.log(`wrote ${cases.length} vectors to ${out}`)
