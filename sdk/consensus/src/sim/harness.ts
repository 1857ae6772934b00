// A loaded run in the simulator: every proposer gets exactly `slots × batch` txs it owns, delays are
// a fixed δ (or δ + jitter), and the harness reports latency in message delays, messages and
// signature verifications per node per slot, wall/CPU time. Shared by tests and the benchmark.
import { ownersOf } from '../ownership.ts'
import type { SignatureScheme } from '../signature.ts'
import type { Hex, Tx } from '../types.ts'
import type { ValidatorSet } from '../validator-set.ts'
import { type Role, type SimNodeImpl, Simulator } from './simulator.ts'
import { Workload } from './workload.ts'

export interface LoadOptions {
  readonly n: number
  readonly scheme: SignatureScheme
  readonly slots: number
  readonly batch: number
  readonly window?: number
  readonly delta?: number
  readonly jitter?: number
  readonly silent?: number
  readonly seed?: number
  /** Leader baselines take every tx at every node instead of owner routing. */
  readonly routeToAll?: boolean
  readonly makeNode?: (args: {
    privateKey: Uint8Array
    validatorSet: (epoch: number) => ValidatorSet | undefined
    scheme: SignatureScheme
    chainId: number
  }) => SimNodeImpl
  readonly retainSlots?: number
}

export interface LoadResult {
  readonly committedTxs: number
  readonly committedSlots: number
  /** Per committed proposal (or leader batch): commit time − proposal time, in δ. */
  readonly latencies: number[]
  readonly messagesPerNodePerSlot: number
  readonly verificationsPerNodePerSlot: number
  readonly wallMs: number
  readonly cpuMs: number
  readonly agreement: boolean
  readonly sim: Simulator
}

export function runLoad(o: LoadOptions): LoadResult {
  const delta = o.delta ?? 10
  const roles: Role[] = new Array(o.n).fill('honest')
  if (o.silent) for (let i = 0; i < o.silent; i++) roles[i] = 'silent'
  const sim = new Simulator({
    seed: o.seed ?? 1,
    n: o.n,
    scheme: o.scheme,
    delay: { base: delta, jitter: o.jitter ?? 0, linkSkew: 0 },
    tickMs: delta / 2,
    roles,
    validator: {
      window: o.window ?? 4,
      maxBatch: o.batch,
      proposalTimeoutMs: 10 * delta,
      inactiveTimeoutMs: 3 * delta,
      retransmitMs: 50 * delta,
      retainSlots: o.retainSlots ?? 2 * (o.window ?? 4),
      dedupHorizon: 2 * (o.window ?? 4),
    },
    ...(o.makeNode ? { makeNode: o.makeNode } : {}),
  })
  const set = sim.validatorSet(0)!
  const live = sim.copies.filter((c) => c.node)
  const want = o.slots * o.batch
  const perOwner = new Map<Hex, Tx[]>(set.validators.map((a) => [a, []]))
  const work = new Workload(`load-${o.n}-${o.seed ?? 1}`, Math.max(64, o.n * 64))
  let total = 0
  if (o.routeToAll) {
    const txs: Tx[] = []
    for (let i = 0; i < want * live.length; i++) txs.push(work.next())
    for (const tx of txs)
      sim.submit(
        tx,
        live.map((c) => c.id),
      )
    total = txs.length
  } else {
    // Route each tx to its primary owner; keep drawing until every live proposer has a full load.
    const senderOwner = work.senders.map((s) => ownersOf(sim.chainId, set, s, 1)[0]!)
    const liveAddrs = new Set(live.map((c) => c.address))
    for (let i = 0; [...liveAddrs].some((a) => perOwner.get(a)!.length < want); i++) {
      const idx = i % work.senders.length
      const owner = senderOwner[idx]!
      if (!liveAddrs.has(owner) || perOwner.get(owner)!.length >= want) continue
      perOwner.get(owner)!.push(work.next(idx))
    }
    for (const c of live) {
      const txs = perOwner.get(c.address)!
      for (const tx of txs) sim.submit(tx, [c.id])
      total += txs.length
    }
  }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const done = () => live.every((c) => c.log.reduce((a, b) => a + b.txs.length, 0) >= total)
  sim.run(1_000_000, done)
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const ref = live[0]!
  const latencies: number[] = []
  ref.log.forEach((b, i) => {
    for (const p of b.proposals) latencies.push((ref.commitTimes[i]! - p.timestamp) / delta)
  })
  const slots = ref.log.length
  let agreement = true
  for (const c of live)
    c.log.forEach((b, i) => {
      if (ref.log[i] && ref.log[i]!.hash !== b.hash) agreement = false
    })
  const msgs = live.reduce((a, c) => a + c.messagesSent, 0)
  const verifs = live.reduce((a, c) => a + c.verifications, 0)
  return {
    committedTxs: ref.log.reduce((a, b) => a + b.txs.length, 0),
    committedSlots: slots,
    latencies,
    messagesPerNodePerSlot: msgs / live.length / Math.max(1, slots),
    verificationsPerNodePerSlot: verifs / live.length / Math.max(1, slots),
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    agreement,
    sim,
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
