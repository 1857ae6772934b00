// Deterministic in-memory network for validators: one seeded PRNG draws every delay, drop and fault;
// a virtual clock advances from event to event; all events of one instant are delivered, then every
// touched node drains once (so "one signed vote batch per sender per tick" holds exactly). Messages
// travel as objects (no serialization) — the TCP transport covers the wire format.
import { keccak256Concat } from '@spnkit/crypto'
import { consensusDigest, Phase } from '../digest.ts'
import { bytesToHex } from '../hex.ts'
import { proposalHash } from '../proposal.ts'
import type { SignatureScheme } from '../signature.ts'
import type { CommittedBlock, EquivocationEvidence, Hex, Message, Outbound, Proposal, Tx, WalRecord } from '../types.ts'
import { Validator, type ValidatorConfig } from '../validator.ts'
import { ValidatorSet } from '../validator-set.ts'
import { EventHeap } from './heap.ts'
import { Prng } from './prng.ts'

/** What the simulator needs from a consensus node (our Validator and the leader baseline both fit). */
export interface SimNodeImpl {
  readonly address: Hex
  submitTx(tx: Tx): boolean
  onMessage(message: Message, from?: Hex): void
  tick(now: number): void
  drain(): { wal: WalRecord[]; messages: Outbound[]; blocks: CommittedBlock[]; evidence: EquivocationEvidence[] }
  readonly stats: { verifications: number; signatures: number; guardTrips: number }
  readonly committedSlot: number
}

/**
 * Behaviour of an identity. `twin`: two honest copies sharing one key, each fed different txs and
 * each reaching only half of the honest nodes (Twins). `equivocator`: sends a re-signed variant of
 * every proposal to half of the peers. `withholder`: never sends its proposals (censors its txs).
 * `garbage`: also sends malformed, badly signed and unowned-tx proposals. `replayer`: re-sends old
 * messages it received. `silent`: never starts.
 */
export type Role = 'honest' | 'twin' | 'equivocator' | 'withholder' | 'garbage' | 'replayer' | 'silent'

export interface SimConfig {
  readonly seed: number
  readonly n: number
  readonly scheme: SignatureScheme
  readonly chainId?: number
  /** Message delay = base + uniform[0, jitter] + per-link skew (drawn once per link from [0, linkSkew]). */
  readonly delay: { readonly base: number; readonly jitter: number; readonly linkSkew: number }
  readonly dropPermille?: number
  readonly tickMs: number
  readonly roles?: readonly Role[]
  /** Stake of identity i in epoch e (default 1). */
  readonly power?: (epoch: number, index: number) => bigint
  /** Identities in the validator set of epoch e (default: all) — for hand-over tests. */
  readonly members?: (epoch: number) => readonly number[]
  readonly validator?: Partial<
    Omit<ValidatorConfig, 'chainId' | 'privateKey' | 'validatorSet' | 'scheme' | 'wal' | 'validateTx'>
  >
  /** Build something other than our Validator (the leader baseline in benchmarks). */
  readonly makeNode?: (args: {
    privateKey: Uint8Array
    validatorSet: (epoch: number) => ValidatorSet | undefined
    scheme: SignatureScheme
    chainId: number
  }) => SimNodeImpl
}

export interface SimCopy {
  readonly id: number
  readonly identity: number
  readonly role: Role
  readonly address: Hex
  readonly key: Uint8Array
  node: SimNodeImpl | null
  /** Honest copies this copy may talk to (null = everyone). */
  reach: Set<number> | null
  readonly wal: WalRecord[]
  readonly log: CommittedBlock[]
  readonly commitTimes: number[]
  readonly evidence: EquivocationEvidence[]
  readonly given: Tx[]
  readonly received: Message[]
  messagesSent: number
  verifications: number
  signatures: number
  guardTrips: number
}

type SimEvent =
  | { at: number; seq: number; kind: 'deliver'; to: number; from: number; message: Message }
  | { at: number; seq: number; kind: 'tick' }
  | { at: number; seq: number; kind: 'action'; run: () => void }

const DEFAULT_CHAIN = 31337

export class Simulator {
  readonly config: SimConfig
  readonly chainId: number
  readonly copies: SimCopy[] = []
  readonly rng: Prng
  readonly issued = new WeakSet<Tx>()
  /** Every proposal any copy sent, by hash (for the oracle). */
  readonly proposalsByHash = new Map<Hex, Proposal>()
  /** Every statement every copy signed and sent: key → value (the oracle's double-sign check). */
  readonly signedBy = new Map<string, Hex>()
  readonly signedConflicts: string[] = []
  now = 0
  trace = 0x811c9dc5
  readonly #events = new EventHeap<SimEvent>()
  #seq = 0
  readonly #linkSkew: number[][]
  #groups: number[] | null = null
  readonly #sets = new Map<number, ValidatorSet>()
  readonly addresses: Hex[] = []

  constructor(config: SimConfig) {
    this.config = config
    this.chainId = config.chainId ?? DEFAULT_CHAIN
    this.rng = new Prng(config.seed)
    const roles = config.roles ?? []
    for (let i = 0; i < config.n; i++) {
      const key = keccak256Concat(new TextEncoder().encode(`spnkit-sim-key-${i}`))
      const address = config.scheme.address(key)
      this.addresses.push(address)
      const role = roles[i] ?? 'honest'
      const copies = role === 'twin' ? 2 : 1
      for (let c = 0; c < copies; c++)
        this.copies.push({
          id: this.copies.length,
          identity: i,
          role,
          address,
          key,
          node: null,
          reach: null,
          wal: [],
          log: [],
          commitTimes: [],
          evidence: [],
          given: [],
          received: [],
          messagesSent: 0,
          verifications: 0,
          signatures: 0,
          guardTrips: 0,
        })
    }
    const total = this.copies.length
    this.#linkSkew = Array.from({ length: total }, () =>
      Array.from({ length: total }, () => (config.delay.linkSkew > 0 ? this.rng.int(0, config.delay.linkSkew) : 0)),
    )
    // Twins: copy A talks to the first half of the honest copies, copy B to the second half.
    const honest = this.copies.filter((c) => c.role !== 'twin').map((c) => c.id)
    const half = Math.ceil(honest.length / 2)
    for (const c of this.copies.filter((x) => x.role === 'twin')) {
      const first = this.copies.find((x) => x.identity === c.identity)!.id === c.id
      c.reach = new Set(first ? honest.slice(0, half) : honest.slice(half))
    }
    for (const c of this.copies) if (c.role !== 'silent') this.#start(c)
    this.#schedule({ at: 0, seq: 0, kind: 'tick' })
  }

  validatorSet(epoch: number): ValidatorSet | undefined {
    let set = this.#sets.get(epoch)
    if (!set) {
      const power = this.config.power ?? (() => 1n)
      const members = this.config.members?.(epoch) ?? this.addresses.map((_, i) => i)
      set = new ValidatorSet(
        epoch,
        members.map((i) => ({ address: this.addresses[i]!, power: power(epoch, i) })),
      )
      this.#sets.set(epoch, set)
    }
    return set
  }

  #start(c: SimCopy): void {
    const validatorSet = (epoch: number) => this.validatorSet(epoch)
    if (this.config.makeNode) {
      c.node = this.config.makeNode({
        privateKey: c.key,
        validatorSet,
        scheme: this.config.scheme,
        chainId: this.chainId,
      })
      return
    }
    const last = c.log[c.log.length - 1]
    const horizon = this.config.validator?.dedupHorizon ?? 1024
    c.node = new Validator({
      ...this.config.validator,
      chainId: this.chainId,
      privateKey: c.key,
      validatorSet,
      scheme: this.config.scheme,
      validateTx: (tx) => this.issued.has(tx),
      wal: c.wal,
      committedSlot: last?.slot ?? 0,
      lastTimestamp: last?.timestamp ?? 0,
      history: c.log.slice(-2 * horizon),
    })
    this.#drainCopy(c)
  }

  #schedule(e: SimEvent): void {
    this.#events.push({ ...e, seq: this.#seq++ } as SimEvent)
  }

  /** Runs `fn` at virtual time `at` (crashes, partitions, tx submissions, …). */
  at(at: number, fn: () => void): void {
    this.#schedule({ at, seq: 0, kind: 'action', run: fn })
  }

  /** A client tx: registered as issued (the oracle's "validly signed"), handed to the given copies. */
  submit(tx: Tx, copyIds: readonly number[]): void {
    this.issued.add(tx)
    for (const id of copyIds) {
      const c = this.copies[id]!
      c.given.push(tx)
      c.node?.submitTx(tx)
    }
  }

  crash(identity: number): void {
    for (const c of this.copies)
      if (c.identity === identity && c.node) {
        this.#absorbStats(c)
        c.node = null
      }
  }

  restart(identity: number): void {
    for (const c of this.copies)
      if (c.identity === identity && !c.node) {
        this.#start(c)
        const done = new Set(c.log.flatMap((b) => b.txs.map((t) => t.hash)))
        for (const tx of c.given) if (!done.has(tx.hash)) c.node!.submitTx(tx)
        this.#drainCopy(c)
      }
  }

  /** Identities in different groups cannot exchange messages until `heal()`. */
  partition(groups: readonly (readonly number[])[]): void {
    this.#groups = new Array(this.config.n).fill(-1)
    groups.forEach((g, gi) => {
      for (const i of g) this.#groups![i] = gi
    })
  }

  heal(): void {
    this.#groups = null
  }

  /** Runs until virtual time `until`, or earlier when `done()` holds at a tick. */
  run(until: number, done?: () => boolean): void {
    for (;;) {
      const head = this.#events.peek()
      if (!head || head.at > until) break
      const t = head.at
      this.now = t
      const touched = new Set<SimCopy>()
      let ticked = false
      while (this.#events.peek()?.at === t) {
        const e = this.#events.pop()!
        if (e.kind === 'deliver') {
          const c = this.copies[e.to]!
          if (!c.node) continue
          this.trace = fnv(this.trace, t, e.from, e.to)
          if (c.role === 'replayer' && c.received.length < 512) c.received.push(e.message)
          c.node.onMessage(e.message, this.copies[e.from]!.address)
          touched.add(c)
        } else if (e.kind === 'tick') {
          ticked = true
          for (const c of this.copies)
            if (c.node) {
              c.node.tick(t)
              touched.add(c)
              this.#misbehave(c)
            }
          this.#schedule({ at: t + this.config.tickMs, seq: 0, kind: 'tick' })
        } else e.run()
      }
      for (const c of touched) this.#drainCopy(c)
      if (ticked && done?.()) break
    }
    for (const c of this.copies) if (c.node) this.#absorbStats(c, true)
  }

  #absorbStats(c: SimCopy, keepNode = false): void {
    if (!c.node) return
    c.verifications += c.node.stats.verifications
    c.signatures += c.node.stats.signatures
    c.guardTrips += c.node.stats.guardTrips
    if (keepNode) {
      c.node.stats.verifications = 0
      c.node.stats.signatures = 0
      c.node.stats.guardTrips = 0
    }
  }

  #drainCopy(c: SimCopy): void {
    if (!c.node) return
    const out = c.node.drain()
    c.wal.push(...out.wal)
    for (const b of out.blocks) {
      c.log.push(b)
      c.commitTimes.push(this.now)
    }
    c.evidence.push(...out.evidence)
    for (const m of out.messages) this.#send(c, m)
  }

  #recordSigned(c: SimCopy, message: Message): void {
    const note = (key: string, value: Hex) => {
      const prior = this.signedBy.get(key)
      if (prior === undefined) this.signedBy.set(key, value)
      else if (prior !== value) this.signedConflicts.push(`${key} ${prior} ${value}`)
    }
    if (message.kind === 'propose') {
      this.proposalsByHash.set(message.hash, message)
      note(`${c.address}|${message.slot}|${message.proposer}|${Phase.PROPOSE}`, message.hash)
    } else if (message.kind === 'votes') {
      for (const v of message.votes) note(`${c.address}|${v.slot}|${v.proposer}|${v.phase}`, v.value)
    }
  }

  #send(c: SimCopy, out: Outbound): void {
    let message = out.message
    if (c.role === 'withholder' && message.kind === 'propose' && message.proposer === c.address) return
    this.#recordSigned(c, message)
    const targets = this.copies.filter(
      (t) => t.id !== c.id && t.address !== c.address && (out.to === null || t.address === out.to),
    )
    for (const t of targets) {
      if (c.role === 'equivocator' && message.kind === 'propose' && message.proposer === c.address)
        message = t.identity % 2 === 0 ? out.message : this.#variant(c, out.message as Proposal)
      this.#transmit(c, t, message)
    }
  }

  #transmit(from: SimCopy, to: SimCopy, message: Message): void {
    if (from.reach && !from.reach.has(to.id)) return
    if (to.reach && !to.reach.has(from.id)) return
    if (this.#groups && this.#groups[from.identity] !== this.#groups[to.identity]) return
    const drop = this.config.dropPermille ?? 0
    if (drop > 0 && this.rng.chance(drop, 1000)) return
    from.messagesSent++
    const d = this.config.delay
    const delay = d.base + (d.jitter > 0 ? this.rng.int(0, d.jitter) : 0) + this.#linkSkew[from.id]![to.id]!
    this.#schedule({ at: this.now + delay, seq: 0, kind: 'deliver', to: to.id, from: from.id, message })
  }

  /** The equivocator's second proposal: same slot, timestamp + 1, properly signed. */
  #variant(c: SimCopy, p: Proposal): Proposal {
    const timestamp = p.timestamp + 1
    const hash = proposalHash(p.chainId, p.epoch, p.slot, p.proposer, timestamp, p.txs)
    const sig = this.config.scheme.sign(
      consensusDigest(p.chainId, p.epoch, p.slot, p.proposer, Phase.PROPOSE, hash),
      c.key,
    )
    const v: Proposal = { ...p, timestamp, hash, sig }
    this.#recordSigned(c, v)
    return v
  }

  /** Extra Byzantine traffic on each tick. */
  #misbehave(c: SimCopy): void {
    if (c.role === 'garbage' && c.node) {
      const slot = c.node.committedSlot + 1
      const epoch = Math.floor((slot - 1) / (this.config.validator?.epochLength ?? 1000))
      const junkTx: Tx = {
        bytes: this.rng.bytes(8),
        sender: bytesToHex(this.rng.bytes(20)),
        nonce: 0n,
        hash: bytesToHex(this.rng.bytes(32)),
      }
      const hash = proposalHash(this.chainId, epoch, slot, c.address, this.now, [junkTx])
      const sig = this.config.scheme.sign(
        consensusDigest(this.chainId, epoch, slot, c.address, Phase.PROPOSE, hash),
        c.key,
      )
      const junk: Message[] = [
        // A correctly signed proposal for a later slot carrying a tx nobody issued (and likely unowned).
        {
          kind: 'propose',
          chainId: this.chainId,
          epoch,
          slot: slot + 7,
          proposer: c.address,
          timestamp: this.now,
          txs: [junkTx],
          hash,
          sig,
        },
        {
          kind: 'votes',
          chainId: this.chainId,
          sender: c.address,
          seq: 1e9,
          epoch,
          committed: 0,
          votes: [],
          sig: this.rng.bytes(65),
        },
        {
          kind: 'votes',
          chainId: this.chainId,
          sender: c.address,
          seq: -1,
          epoch,
          committed: 0,
          votes: [null as never],
          sig: new Uint8Array(1),
        },
        {
          kind: 'propose',
          chainId: this.chainId + 1,
          epoch,
          slot,
          proposer: c.address,
          timestamp: 0,
          txs: [],
          hash,
          sig,
        },
        { kind: 'nonsense' } as unknown as Message,
        { kind: 'sync-reply', slot, decisions: [['0x00', '0x00']], proposals: [] } as unknown as Message,
      ]
      const m = this.rng.pick(junk)
      for (const t of this.copies) if (t.id !== c.id) this.#transmit(c, t, m)
    }
    if (c.role === 'replayer' && c.received.length > 0 && this.rng.chance(1, 2)) {
      const m = this.rng.pick(c.received)
      const t = this.rng.pick(this.copies)
      if (t.id !== c.id) this.#transmit(c, t, m)
    }
  }
}

function fnv(h: number, a: number, b: number, c: number): number {
  h = Math.imul(h ^ (a >>> 0), 16777619)
  h = Math.imul(h ^ b, 16777619)
  h = Math.imul(h ^ c, 16777619)
  return h >>> 0
}
