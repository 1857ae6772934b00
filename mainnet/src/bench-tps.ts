// `npm run bench:tps`: pre-signed native and ERC20 transfers from many senders, sent in JSON-RPC
// batches, against our devnet with 1 validator, with 4 validators, and anvil --block-time 1, in one
// run. Measures accepted→finalized throughput and p50/p99 latency to each finality tier.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { devTokenArtifact } from '@spnkit/chain/testing'
import { startAnvil } from '@spnkit/contracts/anvil'
import { encodeDeployData, encodeFunctionData, getContractAddress, type Hex, keccak256, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { startDevnet } from './devnet.ts'
import { devAccounts, MAINNET_CHAIN_ID } from './genesis.ts'

const { values } = parseArgs({
  options: {
    senders: { type: 'string', default: '50' },
    'native-per-sender': { type: 'string', default: '60' },
    'erc20-per-sender': { type: 'string', default: '30' },
    batch: { type: 'string', default: '250' },
    /** For profiling one target; the reported JSON line needs all three. */
    only: { type: 'string' },
  },
})
const SENDERS = Number(values.senders)
const NATIVE_PER = Number(values['native-per-sender'])
const ERC20_PER = Number(values['erc20-per-sender'])
const BATCH = Number(values.batch)
const chainId = MAINNET_CHAIN_ID
const funder = privateKeyToAccount(devAccounts(1)[0]!.privateKey)
// Deterministic sender keys (seeded, not random), so every target sees the same transactions.
const senders = Array.from({ length: SENDERS }, (_, i) =>
  privateKeyToAccount(keccak256(toHex(`spnkit-bench-sender-${i}`))),
)
const token = devTokenArtifact()
const tokenAddress = getContractAddress({ from: funder.address, nonce: 0n })
const GWEI = 1_000_000_000n
const fees = { maxFeePerGas: 50n * GWEI, maxPriorityFeePerGas: 1n * GWEI }

type Signed = { raw: Hex; hash: Hex }

async function sign(
  account: ReturnType<typeof privateKeyToAccount>,
  nonce: number,
  to: Hex,
  data: Hex | undefined,
  value: bigint,
  gas: bigint,
): Promise<Signed> {
  const raw = await account.signTransaction({ type: 'eip1559', chainId, nonce, gas, to, value, data, ...fees })
  return { raw, hash: keccak256(raw) }
}

/** Setup (not timed): deploy the token, fund every sender with ether and tokens. */
async function setupTxs(): Promise<Signed[]> {
  const out: Signed[] = []
  let n = 0
  const deploy = await funder.signTransaction({
    type: 'eip1559',
    chainId,
    nonce: n++,
    gas: 3_000_000n,
    data: encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: [10n ** 30n] }),
    ...fees,
  })
  out.push({ raw: deploy, hash: keccak256(deploy) })
  for (const s of senders) out.push(await sign(funder, n++, s.address, undefined, 10n ** 19n, 21_000n))
  for (const s of senders)
    out.push(
      await sign(
        funder,
        n++,
        tokenAddress,
        encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [s.address, 10n ** 24n] } as never),
        0n,
        100_000n,
      ),
    )
  return out
}

async function workload(kind: 'native' | 'erc20'): Promise<Signed[]> {
  const per = kind === 'native' ? NATIVE_PER : ERC20_PER
  const base = kind === 'native' ? 0 : NATIVE_PER
  const txs: Signed[] = []
  // Interleave senders so every batch carries many senders (as real traffic does).
  for (let k = 0; k < per; k++)
    for (const [i, s] of senders.entries()) {
      const to = senders[(i + 1) % senders.length]!.address
      txs.push(
        kind === 'native'
          ? await sign(s, base + k, to, undefined, 1n, 21_000n)
          : await sign(
              s,
              base + k,
              tokenAddress,
              encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [to, 1n] } as never),
              0n,
              60_000n,
            ),
      )
    }
  return txs
}

async function rpcBatch(
  url: string,
  calls: { method: string; params: unknown[] }[],
): Promise<{ result?: unknown; error?: { message: string } }[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: '2.0', id, ...c }))),
  })
  const body = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[]
  return body.sort((a, b) => a.id - b.id)
}

type Tier = 'ordered' | 'executed' | 'finalized'
type Result = { tps: number; p50: Record<Tier, number>; p99: Record<Tier, number>; count: number; seconds: number }

/** Sends `txs` in batches and waits until every one is in a finalized block. */
async function measure(
  target: { rpc: string; submit: string[]; ws: string; tiers: boolean },
  txs: Signed[],
): Promise<Result> {
  const accepted = new Map<Hex, number>()
  const at: Record<Tier, Map<Hex, number>> = { ordered: new Map(), executed: new Map(), finalized: new Map() }
  const wanted = new Set(txs.map((t) => t.hash))
  let ws: WebSocket | undefined
  if (target.tiers) {
    ws = new WebSocket(target.ws)
    await new Promise((r) => ws!.addEventListener('open', r, { once: true }))
    ws.addEventListener('message', (e) => {
      const msg = JSON.parse(String(e.data)) as { params?: { result: { tier: Tier; hashes: Hex[] } } }
      const ev = msg.params?.result
      if (!ev) return
      const now = performance.now()
      for (const h of ev.hashes) if (wanted.has(h) && !at[ev.tier].has(h)) at[ev.tier].set(h, now)
    })
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['spnFinality'] }))
    await new Promise((r) => setTimeout(r, 100))
  }
  const started = performance.now()
  // Poll blocks for inclusion (anvil's only tier; a cross-check for ours).
  let polling = true
  let next = Number((await rpcBatch(target.rpc, [{ method: 'eth_blockNumber', params: [] }]))[0]!.result as string) + 1
  const poller = (async () => {
    while (polling) {
      const head = Number(
        (
          await rpcBatch(target.rpc, [
            { method: target.tiers ? 'spn_finalizedBlockNumber' : 'eth_blockNumber', params: [] },
          ])
        )[0]!.result as string,
      )
      for (; next <= head; next++) {
        const [block] = await rpcBatch(target.rpc, [
          { method: 'eth_getBlockByNumber', params: [`0x${next.toString(16)}`, false] },
        ])
        const now = performance.now()
        for (const h of (block!.result as { transactions: Hex[] }).transactions)
          if (wanted.has(h) && !at.finalized.has(h)) at.finalized.set(h, now)
      }
      if (at.finalized.size >= wanted.size) break
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  // 4 batches in flight; within a sender nonces go out in order because batches are sent in order.
  const batches: Signed[][] = []
  for (let i = 0; i < txs.length; i += BATCH) batches.push(txs.slice(i, i + BATCH))
  let cursor = 0
  let rejected = 0
  let firstError = ''
  const worker = async () => {
    while (cursor < batches.length) {
      const index = cursor++
      const batch = batches[index]!
      const sentAt = performance.now()
      // Batches go round-robin to the validators' RPC endpoints (clients spread over nodes).
      const replies = await rpcBatch(
        target.submit[index % target.submit.length]!,
        batch.map((t) => ({ method: 'eth_sendRawTransaction', params: [t.raw] })),
      )
      replies.forEach((r, i) => {
        if (r.error) {
          rejected++
          firstError ||= r.error.message
          wanted.delete(batch[i]!.hash)
        } else accepted.set(batch[i]!.hash, sentAt)
      })
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()])
  const deadline = performance.now() + 120_000
  while (at.finalized.size < wanted.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  polling = false
  await poller
  ws?.close()
  if (rejected) process.stderr.write(`  ${rejected} transactions refused (first: ${firstError})\n`)
  if (at.finalized.size < wanted.size)
    throw new Error(`only ${at.finalized.size}/${wanted.size} transactions finalized within 120 s`)
  const end = Math.max(...at.finalized.values())
  const lat = (tier: Tier) => {
    const source = tier !== 'finalized' && !target.tiers ? at.finalized : at[tier]
    const xs = [...source.entries()].map(([h, t]) => t - (accepted.get(h) ?? started)).sort((a, b) => a - b)
    return { p50: xs[Math.floor(xs.length * 0.5)] ?? 0, p99: xs[Math.floor(xs.length * 0.99)] ?? 0 }
  }
  const tiers: Tier[] = ['ordered', 'executed', 'finalized']
  return {
    tps: wanted.size / ((end - started) / 1000),
    count: wanted.size,
    seconds: (end - started) / 1000,
    p50: Object.fromEntries(tiers.map((t) => [t, lat(t).p50])) as Record<Tier, number>,
    p99: Object.fromEntries(tiers.map((t) => [t, lat(t).p99])) as Record<Tier, number>,
  }
}

async function runTarget(
  name: string,
  start: () => Promise<{ rpc: string; submit: string[]; ws: string; tiers: boolean; stop: () => Promise<void> }>,
) {
  process.stderr.write(`▶ ${name}: starting\n`)
  const target = await start()
  try {
    // Setup comes from one funder: send it to one node, so its nonces arrive in order.
    const setup = await setupTxs()
    await measure({ ...target, submit: [target.rpc] }, setup)
    process.stderr.write(`  setup done; native…\n`)
    const native = await measure(target, await workload('native'))
    process.stderr.write(`  native ${native.tps.toFixed(0)} tx/s; erc20…\n`)
    const erc20 = await measure(target, await workload('erc20'))
    process.stderr.write(`  erc20 ${erc20.tps.toFixed(0)} tx/s\n`)
    return { native, erc20 }
  } finally {
    await target.stop()
  }
}

const outDir = mkdtempSync(path.join(tmpdir(), 'spnkit-bench-'))
const ours = (validators: number) => async () => {
  const devnet = await startDevnet({
    validators,
    followers: 0,
    rpcPort: 0,
    adminPort: 0,
    logLevel: 'warn',
    outDir,
    emptyBlockMs: 1000,
    quiet: true,
    readyTimeoutMs: 120_000,
  })
  return {
    rpc: devnet.nodes[0]!.rpc,
    submit: devnet.nodes.filter((n) => n.role === 'validator').map((n) => n.rpc),
    ws: devnet.nodes[0]!.ws,
    tiers: true,
    stop: devnet.stop,
  }
}
const anvil = async () => {
  const a = await startAnvil({ chainId, blockTime: 1, args: ['--hardfork', 'cancun', '--gas-limit', '1000000000'] })
  // anvil funds the dev accounts too; the bench only needs account 0 (the funder).
  return { rpc: a.rpcUrl, submit: [a.rpcUrl], ws: a.wsUrl, tiers: false, stop: a.stop }
}

if (values.only) {
  const targets = { ours_1v: ours(1), ours_4v: ours(4), anvil }
  const start = targets[values.only as keyof typeof targets]
  if (!start) throw new Error(`--only must be one of ${Object.keys(targets).join(', ')}`)
  const r = await runTarget(values.only, start)
  rmSync(outDir, { recursive: true, force: true })
  process.stdout.write(`${JSON.stringify({ target: values.only, native: r.native, erc20: r.erc20 })}\n`)
  process.exit(0)
}
const results = {
  ours_1v: await runTarget('ours, 1 validator', ours(1)),
  ours_4v: await runTarget('ours, 4 validators', ours(4)),
  anvil: await runTarget('anvil --block-time 1', anvil),
}
rmSync(outDir, { recursive: true, force: true })

const fmt = (n: number) => n.toFixed(0).padStart(8)
const rows = [
  ['target', 'workload', 'tx', 'tx/s', 'p50 ord', 'p50 exec', 'p50 final', 'p99 final'],
  ...Object.entries(results).flatMap(([name, r]) =>
    (['native', 'erc20'] as const).map((w) => [
      name,
      w,
      String(r[w].count),
      fmt(r[w].tps),
      fmt(r[w].p50.ordered),
      fmt(r[w].p50.executed),
      fmt(r[w].p50.finalized),
      fmt(r[w].p99.finalized),
    ]),
  ),
]
process.stdout.write(
  `\nTPS benchmark (${SENDERS} senders, JSON-RPC batches of ${BATCH}; latencies in ms from submission of the batch; anvil has one tier: mined)\n\n`,
)
for (const r of rows) process.stdout.write(`  ${r.map((c, i) => (i < 2 ? c.padEnd(10) : c.padStart(9))).join(' ')}\n`)
const round = (n: number) => Math.round(n * 100) / 100
const line = {
  bench: 'tps',
  native: {
    ours_1v: round(results.ours_1v.native.tps),
    ours_4v: round(results.ours_4v.native.tps),
    anvil: round(results.anvil.native.tps),
  },
  erc20: {
    ours_1v: round(results.ours_1v.erc20.tps),
    ours_4v: round(results.ours_4v.erc20.tps),
    anvil: round(results.anvil.erc20.tps),
  },
  ratio_1v: round(results.ours_1v.native.tps / results.anvil.native.tps),
  ratio_4v: round(results.ours_4v.native.tps / results.anvil.native.tps),
  p50_finalized_ms: round(results.ours_4v.native.p50.finalized),
}
process.stdout.write(`\n${JSON.stringify(line)}\n`)
