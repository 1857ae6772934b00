// Seeded fault scenarios and the safety/liveness oracle, shared by `npm test`, `npm run sim` and
// the benchmark. One seed fixes everything: the fault, its timing, the delays, the stake.
import { consensusDigest, Phase } from '../digest.ts'
import { verifyEquivocationEvidence } from '../evidence.ts'
import { defaultOwnerCount, ownersOf } from '../ownership.ts'
import { proposalHash } from '../proposal.ts'
import { macSchemeForSimulation, type SignatureScheme, secp256k1Scheme } from '../signature.ts'
import type { Hex } from '../types.ts'
import { txKey } from '../validator.ts'
import { Prng } from './prng.ts'
import { type Role, Simulator } from './simulator.ts'
import { Workload } from './workload.ts'

export const FAULTS = [
  'none',
  'drops',
  'crash-f',
  'crash-restart',
  'partition-minority',
  'partition-split',
  'twins',
  'equivocator',
  'withholder',
  'garbage',
  'replay',
] as const
export type Fault = (typeof FAULTS)[number]

export interface ScenarioSpec {
  readonly seed: number
  readonly n: number
  readonly fault?: Fault
  readonly realSignatures?: boolean
  readonly txCount?: number
}

export interface ScenarioResult {
  readonly spec: Required<Omit<ScenarioSpec, 'realSignatures'>> & { realSignatures: boolean }
  readonly failures: string[]
  /** Hash of every honest log plus the delivery trace: equal for equal seeds. */
  readonly fingerprint: string
  readonly committedSlots: number
  readonly endTime: number
}

const DELTA = 10
const macScheme = macSchemeForSimulation()

export function faultForSeed(seed: number): Fault {
  return FAULTS[seed % FAULTS.length]!
}

export function runScenario(input: ScenarioSpec): ScenarioResult {
  const fault = input.fault ?? faultForSeed(input.seed)
  const spec = {
    seed: input.seed,
    n: input.n,
    fault,
    txCount: input.txCount ?? 24,
    realSignatures: input.realSignatures ?? false,
  }
  const scheme: SignatureScheme = spec.realSignatures ? secp256k1Scheme : macScheme
  const rng = new Prng(spec.seed * 7919 + spec.n)
  const n = spec.n
  const f = Math.floor((n - 1) / 3)
  const roles: Role[] = new Array(n).fill('honest')
  const byzantine = rng.int(0, n - 1)
  const byzRole: Partial<Record<Fault, Role>> = {
    twins: 'twin',
    equivocator: 'equivocator',
    withholder: 'withholder',
    garbage: 'garbage',
    replay: 'replayer',
  }
  if (byzRole[fault]) roles[byzantine] = byzRole[fault]!
  const crashed: number[] = []
  if (fault === 'crash-f') for (let k = 0; k < f; k++) crashed.push((byzantine + k) % n)
  for (const i of crashed) roles[i] = 'silent'
  const faulty = new Set(roles.flatMap((r, i) => (r === 'honest' ? [] : [i])))
  const epochLength = rng.pick([3, 5, 1000])
  // A split into halves must leave both sides below quorum, so that scenario keeps equal stake.
  const varyStake = rng.chance(1, 2) && fault !== 'partition-split'
  const power = (epoch: number, i: number): bigint => (varyStake && !faulty.has(i) ? BigInt(1 + ((epoch + i) % 3)) : 1n)
  const sim = new Simulator({
    seed: spec.seed,
    n,
    scheme,
    delay: { base: DELTA, jitter: fault === 'none' ? 0 : DELTA, linkSkew: DELTA / 2 },
    dropPermille: fault === 'drops' ? 50 : 0,
    tickMs: DELTA / 2,
    roles,
    power,
    validator: {
      epochLength,
      window: 3,
      maxBatch: 16,
      backupAfterSlots: 3,
      proposalTimeoutMs: 12 * DELTA,
      inactiveTimeoutMs: 5 * DELTA,
      retransmitMs: 15 * DELTA,
      retainSlots: 64,
    },
  })
  const failures: string[] = []
  // Byzantine stake must stay ≤ total − quorum in every epoch the run can reach.
  for (let e = 0; e < 40; e++) {
    const set = sim.validatorSet(e)!
    let bad = 0n
    for (const i of faulty) bad += set.powerOf(sim.addresses[i]!)
    if (bad > set.total - set.quorum) failures.push(`scenario: faulty stake ${bad} exceeds ${set.total - set.quorum}`)
  }

  const work = new Workload(`seed${spec.seed}`, 24)
  const honestCopies = sim.copies.filter((c) => c.role === 'honest').map((c) => c.id)
  let issued = 0
  const submitAt = new Map<Hex, number>()
  for (let k = 0; k < spec.txCount; k++) {
    const tx = work.next()
    const when = rng.int(0, 15) * DELTA
    sim.at(when, () => {
      // Clients hand every tx to all validators; only owners propose it. Twin copies get disjoint halves.
      const targets = sim.copies
        .filter(
          (c) =>
            c.role !== 'twin' || (k % 2 === 0) === (sim.copies.find((x) => x.identity === c.identity)!.id === c.id),
        )
        .map((c) => c.id)
      sim.submit(tx, targets)
      submitAt.set(tx.hash, Math.max(...honestCopies.map((id) => sim.copies[id]!.log.length)))
    })
    issued++
  }

  let partitionedAt = -1
  let minority: number[] = []
  const minorityLen = new Map<number, number>()
  if (fault === 'crash-restart') {
    const victim = byzantine
    roles[victim] = 'honest'
    sim.at(rng.int(5, 40) * DELTA, () => sim.crash(victim))
    sim.at(rng.int(60, 120) * DELTA, () => sim.restart(victim))
  }
  if (fault === 'partition-minority' || fault === 'partition-split') {
    const ids = Array.from({ length: n }, (_, i) => (i + byzantine) % n)
    const cut = fault === 'partition-minority' ? f : Math.ceil(n / 2)
    minority = ids.slice(0, cut)
    const majority = ids.slice(cut)
    const start = rng.int(5, 30) * DELTA
    const heal = start + rng.int(40, 90) * DELTA
    sim.at(start, () => {
      sim.partition([minority, majority])
      partitionedAt = sim.now
    })
    // Messages already in flight may still finish the slots open at the cut; after that, no progress.
    sim.at(start + 6 * DELTA, () => {
      for (const c of sim.copies) minorityLen.set(c.id, c.log.length)
    })
    sim.at(heal - 1, () => {
      const stuck = fault === 'partition-minority' ? minority : Array.from({ length: n }, (_, i) => i)
      for (const c of sim.copies)
        if (stuck.includes(c.identity) && c.log.length !== minorityLen.get(c.id))
          failures.push(
            `partition: ${c.address} committed without a quorum (${minorityLen.get(c.id)} → ${c.log.length})`,
          )
    })
    sim.at(heal, () => sim.heal())
  }

  const honest = () => sim.copies.filter((c) => roles[c.identity] === 'honest' && c.role === 'honest')
  const done = () => honest().every((c) => c.node !== null && c.log.reduce((a, b) => a + b.txs.length, 0) === issued)
  sim.run(60_000, done)
  void partitionedAt

  // ── oracle ──────────────────────────────────────────────────────────────────────────────────
  const honestAddrs = new Set(honest().map((c) => c.address))
  if (!done()) {
    const counts = honest().map((c) => `${c.log.reduce((a, b) => a + b.txs.length, 0)}`)
    failures.push(`liveness: not every honest node committed all ${issued} txs by t=${sim.now} (have ${counts})`)
  }
  const bySlot = new Map<number, Hex>()
  for (const c of honest()) {
    const keys = new Set<string>()
    let lastTs = -1
    c.log.forEach((b, i) => {
      if (b.slot !== i + 1) failures.push(`log: ${c.address} slot ${b.slot} at position ${i}`)
      const other = bySlot.get(b.slot)
      if (other && other !== b.hash) failures.push(`agreement: slot ${b.slot} differs at ${c.address}`)
      bySlot.set(b.slot, b.hash)
      if (b.timestamp <= lastTs) failures.push(`timestamp: slot ${b.slot} not increasing at ${c.address}`)
      lastTs = b.timestamp
      const inProposals = new Set<Hex>()
      for (const { hash, proposer } of b.proposals) {
        const p = sim.proposalsByHash.get(hash)
        if (!p) {
          failures.push(`integrity: slot ${b.slot} commits an unknown proposal ${hash}`)
          continue
        }
        const recomputed = proposalHash(p.chainId, p.epoch, p.slot, p.proposer, p.timestamp, p.txs)
        const signer = scheme.recover(
          consensusDigest(p.chainId, p.epoch, p.slot, p.proposer, Phase.PROPOSE, hash),
          p.sig,
        )
        if (recomputed !== hash || signer !== proposer || p.slot !== b.slot)
          failures.push(`integrity: badly signed proposal ${hash} in slot ${b.slot}`)
        const set = sim.validatorSet(p.epoch)!
        for (const tx of p.txs) {
          inProposals.add(tx.hash)
          if (!ownersOf(sim.chainId, set, tx.sender, defaultOwnerCount(set)).includes(proposer))
            failures.push(`ownership: ${proposer} committed unowned tx ${tx.hash} in slot ${b.slot}`)
          if (!sim.issued.has(tx)) failures.push(`integrity: tx ${tx.hash} was never issued by a client`)
        }
      }
      for (const tx of b.txs) {
        if (!inProposals.has(tx.hash)) failures.push(`integrity: tx ${tx.hash} not from a committed proposal`)
        const key = txKey(tx)
        if (keys.has(key) || keys.has(tx.hash)) failures.push(`duplicate: tx ${key} committed twice at ${c.address}`)
        keys.add(key)
        keys.add(tx.hash)
      }
    })
    if (c.guardTrips > 0) failures.push(`wal: ${c.address} tripped the signing guard ${c.guardTrips} times`)
  }
  for (const conflict of sim.signedConflicts) {
    const signer = conflict.slice(0, 42) as Hex
    if (honestAddrs.has(signer)) failures.push(`double-sign by honest ${conflict}`)
  }
  const caught = new Set<Hex>()
  for (const c of honest())
    for (const e of c.evidence) {
      if (verifyEquivocationEvidence(e, scheme) !== e.signer) failures.push(`evidence: does not verify ${e.signer}`)
      if (honestAddrs.has(e.signer)) failures.push(`evidence: blames honest ${e.signer} (phase ${e.phase})`)
      caught.add(e.signer)
    }
  const proposers = new Set<Hex>()
  for (const conflict of sim.signedConflicts) {
    const [signer, , proposer, phase] = conflict.split(' ')[0]!.split('|')
    if (Number(phase) === Phase.PROPOSE && signer === proposer) proposers.add(signer as Hex)
  }
  for (const p of proposers) if (!caught.has(p)) failures.push(`evidence: equivocating proposer ${p} not caught`)
  // Censorship: a withheld tx commits within K + W + 2 slots of its arrival via a backup owner
  // (K = 3 slots of waiting, then at most W = 3 slots until the backup's proposal slot opens).
  if (fault === 'withholder') {
    const c = honest()[0]
    if (c) {
      const slotOf = new Map<Hex, number>()
      for (const b of c.log) for (const tx of b.txs) slotOf.set(tx.hash, b.slot)
      for (const [hash, from] of submitAt) {
        const at = slotOf.get(hash)
        if (at !== undefined && at > from + 1 + 3 + 3 + 2)
          failures.push(`censorship: tx ${hash} submitted at slot ${from} committed only at ${at}`)
      }
    }
  }

  let fp = sim.trace.toString(16)
  for (const c of honest()) fp += `|${c.log.map((b) => b.hash.slice(2, 10)).join('')}`
  return {
    spec,
    failures,
    fingerprint: fp,
    committedSlots: Math.max(0, ...honest().map((c) => c.log.length)),
    endTime: sim.now,
  }
}

/** Runs seeds [from, to) at n; returns one line per failing seed, with its replay command. */
export function runSeedRange(from: number, to: number, n: number): string[] {
  const failed: string[] = []
  for (let seed = from; seed < to; seed++) {
    const r = runScenario({ seed, n })
    if (r.failures.length > 0)
      failed.push(
        `seed ${seed} n=${n} (${r.spec.fault}): ${r.failures.slice(0, 3).join('; ')}\n  replay: npm run sim -- --seed ${seed} --n ${n}`,
      )
    if (seed % 25 === 0 && runScenario({ seed, n }).fingerprint !== r.fingerprint)
      failed.push(`seed ${seed} n=${n}: not deterministic (logs or delivery trace differ between two runs)`)
  }
  return failed
}
