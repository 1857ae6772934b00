// The consensus state machine of one validator. Pure: it never reads a clock, a random source, the
// network or the disk. Inputs are `submitTx`, `onMessage` and `tick(now)`; `drain()` returns what to
// persist (WAL records — write them BEFORE sending), what to send, committed blocks and evidence.
//
// Per slot every validator proposes (a batch of the txs it owns, or an empty skip). Every
// (slot, proposer) pair is one instance of a binary agreement in the style of Mostéfaoui–Moumen–
// Raynal (BVAL / AUX rounds with a common coin) whose round 0 doubles as reliable broadcast:
//   round 0   BVAL(1) = ECHO(hash)   BVAL(0) = ECHO_NONE   AUX = READY(hash | 0)   coin₀ = 1
// so a proposal that gathers a quorum of ECHOs and then a quorum of READYs is decided after exactly
// three message delays (PROPOSE → ECHO → READY), without a coin. A silent or equivocating proposer
// is decided 0 through the later rounds (coin₁ = 0, then the injected coin). Safety of MMR-style
// agreement holds for any coin sequence the honest validators share; the coin only drives liveness.

import { publicCoin } from './coin.ts'
import { consensusDigest, decodePhase, MAX_ROUND, Phase, phaseOf, type VoteKind } from './digest.ts'
import { ConflictingSignatureError, ConsensusConfigError } from './errors.ts'
import { isHex } from './hex.ts'
import { defaultOwnerCount, OwnershipCache } from './ownership.ts'
import { blockHash, proposalHash, proposerOrderKey, voteBatchHash } from './proposal.ts'
import { type SignatureScheme, secp256k1Scheme } from './signature.ts'
import {
  type CommittedBlock,
  type EquivocationEvidence,
  type FetchRequest,
  type Hex,
  type Message,
  type Outbound,
  type Proposal,
  type SyncReply,
  type SyncRequest,
  type Tx,
  type Vote,
  type VoteBatch,
  type WalRecord,
  ZERO_HASH,
} from './types.ts'
import type { ValidatorSet } from './validator-set.ts'

export interface ValidatorConfig {
  readonly chainId: number
  readonly privateKey: Uint8Array
  /** The validator set of an epoch, or undefined while it is not known yet (the validator waits). */
  readonly validatorSet: (epoch: number) => ValidatorSet | undefined
  /** Slots per epoch; slot s (≥ 1) is in epoch floor((s − 1) / epochLength). Default 1000. */
  readonly epochLength?: number
  /** W: slots in flight beyond the last committed one. Default 4. */
  readonly window?: number
  /** B: max txs per proposal. Default 500. */
  readonly maxBatch?: number
  /** K: a backup owner of rank j proposes a tx once it waited j·K slots unordered. Default 4. */
  readonly backupAfterSlots?: number
  /** Wait (ms) for an active proposer's proposal before voting ECHO_NONE. Default 1000. */
  readonly proposalTimeoutMs?: number
  /** Same for a proposer that was decided empty in the last committed slot. Default 200. */
  readonly inactiveTimeoutMs?: number
  /** Re-send own messages / ask for sync when nothing committed for this long (ms). Default 1000. */
  readonly retransmitMs?: number
  /** Committed slots kept for serving sync and fetch requests. Default 64. */
  readonly retainSlots?: number
  /** Cross-block dedup horizon in slots (replicated rule: a tx key is a duplicate if committed in the last H slots). Default 1024. */
  readonly dedupHorizon?: number
  /** Restart point: last committed slot and its block timestamp (from the caller's own chain). */
  readonly committedSlot?: number
  readonly lastTimestamp?: number
  /** The last 2·`dedupHorizon` committed blocks (restart), so duplicate filtering stays identical to peers'. */
  readonly history?: readonly CommittedBlock[]
  /** WAL records of a previous run (restart): everything this key signed. */
  readonly wal?: readonly WalRecord[]
  readonly scheme?: SignatureScheme
  /** Extra validity check of a tx inside a proposal (e.g. the chain's signature / hash check). */
  readonly validateTx?: (tx: Tx) => boolean
  /** Common coin for rounds ≥ 2. Default: `publicCoin` (predictable; see README adversary model). */
  readonly coin?: (chainId: number, epoch: number, slot: number, proposer: Hex, round: number) => 0 | 1
}

export interface DrainOutput {
  /** Persist these durably BEFORE sending `messages`. */
  readonly wal: WalRecord[]
  readonly messages: Outbound[]
  readonly blocks: CommittedBlock[]
  readonly evidence: EquivocationEvidence[]
}

export interface ValidatorStats {
  proposalsSent: number
  batchesSent: number
  messagesSent: number
  signatures: number
  verifications: number
  rejected: number
  /** Times the signing guard refused to sign a conflicting statement (must stay 0 for honest runs). */
  guardTrips: number
  syncAdoptions: number
}

interface RoundState {
  readonly bval: Map<Hex, { weight: bigint; from: Set<Hex> }>
  readonly bvalSent: Set<Hex>
  readonly bin: Hex[]
  readonly aux: Map<Hex, Hex>
  auxSent: Hex | null
  done: boolean
}

interface Instance {
  readonly proposer: Hex
  /** Valid proposal bodies by hash (two only with an equivocating proposer). */
  readonly bodies: Map<Hex, Proposal>
  /** Proposer signatures seen per hash (from proposals or ECHO psig); verified lazily on conflict. */
  readonly psigs: Map<Hex, { sig: Uint8Array; verified: boolean }>
  echoed: Hex | null
  round: number
  readonly rounds: RoundState[]
  decided: Hex | null
  decidedRound: number
  /** The one hash that gathered a quorum of ECHOs (what binary value 1 stands for). */
  hStar: Hex | null
  helpedUpTo: number
  fetchAskedAt: number
}

interface SlotState {
  readonly slot: number
  readonly epoch: number
  readonly set: ValidatorSet
  openedAt: number | null
  readonly instances: Map<Hex, Instance>
  undecided: number
  /** First vote per (proposer, phase, sender) with its signature, to catch double votes. */
  readonly voteLog: Map<string, { value: Hex; sig: Uint8Array }>
  readonly syncVotes: Map<Hex, string>
}

interface PoolEntry {
  readonly tx: Tx
  readonly arrival: number
  inFlight: number
}

const MAX_TIMESTAMP_STEP = 5 * 60_000

export class Validator {
  readonly address: Hex
  readonly stats: ValidatorStats = {
    proposalsSent: 0,
    batchesSent: 0,
    messagesSent: 0,
    signatures: 0,
    verifications: 0,
    rejected: 0,
    guardTrips: 0,
    syncAdoptions: 0,
  }
  readonly #cfg: Required<
    Omit<ValidatorConfig, 'wal' | 'history' | 'validateTx' | 'committedSlot' | 'lastTimestamp' | 'privateKey'>
  >
  readonly #key: Uint8Array
  readonly #validateTx: ((tx: Tx) => boolean) | undefined
  readonly #owners: OwnershipCache
  #committed: number
  #lastTimestamp: number
  #now = 0
  #nextPropose: number
  #batchSeq = 0
  #highestSeen = 0
  #lastProgressAt = 0
  #lastRetransmitAt = Number.NEGATIVE_INFINITY
  #needRetransmit = false
  readonly #slots = new Map<number, SlotState>()
  readonly #pool = new Map<string, PoolEntry>()
  /** Keys of txs in my own uncommitted proposals (restored from the WAL after a restart). */
  readonly #inFlightKeys = new Map<string, number>()
  /**
   * Cross-block dedup, generational so nothing is deleted one by one: generation g covers slots
   * (g·H, (g+1)·H]; a tx key is a duplicate if it was committed in the current or the previous
   * generation. Same blocks ⇒ same sets at every validator (a replicated rule).
   */
  #dedupGen = 0
  #dedupCurrent = new Set<string>()
  #dedupPrevious = new Set<string>()
  readonly #mySigned = new Map<string, Hex>()
  readonly #myProposals = new Map<number, Proposal>()
  readonly #myVotes = new Map<number, Vote[]>()
  readonly #retained = new Map<number, { decisions: [Hex, Hex][]; proposals: Proposal[] }>()
  readonly #peerCommitted = new Map<Hex, number>()
  readonly #batchesSeen = new Map<Hex, Map<number, { hash: Hex; sig: Uint8Array; epoch: number }>>()
  readonly #inactive = new Set<Hex>()
  readonly #evidenceKeys = new Set<string>()
  readonly #syncAskedAt = new Map<number, number>()
  readonly #selfQueue: { st: SlotState; vote: Vote }[] = []
  #pendingVotes: Vote[] = []
  #walOut: WalRecord[] = []
  #msgOut: Outbound[] = []
  #blocksOut: CommittedBlock[] = []
  #evidenceOut: EquivocationEvidence[] = []

  constructor(config: ValidatorConfig) {
    const scheme = config.scheme ?? secp256k1Scheme
    this.#cfg = {
      chainId: config.chainId,
      validatorSet: config.validatorSet,
      epochLength: config.epochLength ?? 1000,
      window: config.window ?? 4,
      maxBatch: config.maxBatch ?? 500,
      backupAfterSlots: config.backupAfterSlots ?? 4,
      proposalTimeoutMs: config.proposalTimeoutMs ?? 1000,
      inactiveTimeoutMs: config.inactiveTimeoutMs ?? 200,
      retransmitMs: config.retransmitMs ?? 1000,
      retainSlots: config.retainSlots ?? 64,
      dedupHorizon: config.dedupHorizon ?? 1024,
      scheme,
      coin: config.coin ?? publicCoin,
    }
    const c = this.#cfg
    for (const [name, v] of Object.entries({
      chainId: c.chainId,
      epochLength: c.epochLength,
      window: c.window,
      maxBatch: c.maxBatch,
      backupAfterSlots: c.backupAfterSlots,
      retainSlots: c.retainSlots,
      dedupHorizon: c.dedupHorizon,
    }))
      if (!Number.isSafeInteger(v) || v < 1)
        throw new ConsensusConfigError(`Validator config: ${name} must be a positive integer, got ${v}`)
    if (c.retainSlots < 2 * c.window)
      throw new ConsensusConfigError(
        `Validator config: retainSlots (${c.retainSlots}) must be ≥ 2·window (${2 * c.window})`,
      )
    this.#key = config.privateKey
    this.address = scheme.address(config.privateKey)
    this.#validateTx = config.validateTx
    this.#owners = new OwnershipCache(c.chainId, defaultOwnerCount)
    this.#committed = config.committedSlot ?? 0
    this.#lastTimestamp = config.lastTimestamp ?? 0
    this.#nextPropose = this.#committed + 1
    for (const block of config.history ?? []) if (block.slot <= this.#committed) this.#rememberCommitted(block)
    if (config.wal) this.#replay(config.wal)
    // A restarted validator probes its peers once, in case it missed slots while it was down.
    if (this.#committed > 0 || (config.wal?.length ?? 0) > 0) this.#needRetransmit = true
  }

  // ── public API ──────────────────────────────────────────────────────────────────────────────

  get committedSlot(): number {
    return this.#committed
  }

  get lastTimestamp(): number {
    return this.#lastTimestamp
  }

  get pendingTxCount(): number {
    return this.#pool.size
  }

  epochOf(slot: number): number {
    return Math.floor((slot - 1) / this.#cfg.epochLength)
  }

  /** The owners (primary first) of `sender` in `epoch`, or [] if the set is unknown. */
  ownersOf(epoch: number, sender: Hex): Hex[] {
    const set = this.#cfg.validatorSet(epoch)
    return set ? this.#owners.owners(set, sender) : []
  }

  /**
   * Hands a tx to this validator. It proposes it when it is the primary owner, or as a backup once
   * the tx stayed unordered long enough. Returns false for a duplicate or already-committed tx.
   */
  submitTx(tx: Tx): boolean {
    if (
      !isHex(tx.sender, 20) ||
      !isHex(tx.hash, 32) ||
      typeof tx.nonce !== 'bigint' ||
      tx.nonce < 0n ||
      tx.nonce >= 2n ** 64n
    )
      throw new TypeError(
        `submitTx: tx needs lowercase hex sender (20 bytes), hash (32 bytes) and a bigint nonce in [0, 2^64); got sender=${String(tx.sender).slice(0, 44)} hash=${String(tx.hash).slice(0, 68)}`,
      )
    if (!(tx.bytes instanceof Uint8Array)) throw new TypeError('submitTx: tx.bytes must be a Uint8Array')
    const key = txKey(tx)
    if (this.#isCommitted(key, tx.hash) || this.#pool.has(key)) return false
    this.#pool.set(key, { tx, arrival: this.#committed + 1, inFlight: this.#inFlightKeys.get(key) ?? 0 })
    return true
  }

  /** Feeds a message from the network. `from` is the transport-authenticated peer, if known. */
  onMessage(message: Message, from?: Hex): void {
    try {
      switch (message?.kind) {
        case 'propose':
          this.#onProposal(message)
          break
        case 'votes':
          this.#onBatch(message)
          break
        case 'fetch':
          if (from) this.#onFetch(message, from)
          break
        case 'sync':
          if (from) this.#onSync(message, from)
          break
        case 'sync-reply':
          if (from) this.#onSyncReply(message, from)
          break
        default:
          this.stats.rejected++
      }
      this.#drainSelf()
    } catch (error) {
      if (error instanceof ConflictingSignatureError) throw error
      this.stats.rejected++
    }
  }

  /** Advances the validator's notion of time (ms): drives timeouts and retransmission. */
  tick(now: number): void {
    if (now > this.#now) this.#now = now
    this.#onTimers()
    this.#drainSelf()
  }

  /** Collects everything produced since the last drain; batches this tick's votes into one signed message. */
  drain(): DrainOutput {
    this.#drainSelf()
    this.#tryCommit()
    this.#maybePropose()
    this.#drainSelf()
    this.#tryCommit()
    if (this.#pendingVotes.length > 0) this.#flushVotes()
    const out: DrainOutput = {
      wal: this.#walOut,
      messages: this.#msgOut,
      blocks: this.#blocksOut,
      evidence: this.#evidenceOut,
    }
    this.#walOut = []
    this.#msgOut = []
    this.#blocksOut = []
    this.#evidenceOut = []
    this.stats.messagesSent += out.messages.length
    return out
  }

  /** Diagnostic snapshot of an in-flight slot (per proposer: round, decision, bin values, AUX count). */
  describeSlot(slot: number): string {
    const st = this.#slots.get(slot)
    if (!st) return `slot ${slot}: none (committed ${this.#committed})`
    const lines = [`slot ${slot} opened=${st.openedAt} undecided=${st.undecided}`]
    for (const inst of st.instances.values())
      lines.push(
        `  ${inst.proposer.slice(0, 8)} r=${inst.round} dec=${inst.decided?.slice(0, 8)} echoed=${inst.echoed?.slice(0, 8)} ` +
          inst.rounds
            .map(
              (rs, r) =>
                `[r${r} bval=${[...rs.bval].map(([v, t]) => `${v.slice(0, 6)}:${t.weight}`).join(',')} bin=${rs.bin.map((b) => b.slice(0, 6))} aux=${[...rs.aux.values()].map((v) => v.slice(0, 6))} sent=${rs.auxSent?.slice(0, 6)} done=${rs.done}]`,
            )
            .join(' '),
      )
    return lines.join('\n')
  }

  // ── proposing ───────────────────────────────────────────────────────────────────────────────

  #maybePropose(): void {
    const c = this.#cfg
    while (this.#nextPropose <= this.#committed + c.window) {
      const slot = this.#nextPropose
      const set = c.validatorSet(this.epochOf(slot))
      if (!set) return
      if (!set.has(this.address)) {
        this.#nextPropose++
        continue
      }
      const { txs, waiting } = this.#eligibleTxs(slot, set)
      // Waiting backup txs also open slots (as skips), so K slots pass even if the owner is silent.
      if (txs.length === 0 && this.#highestSeen < slot && !waiting) return
      this.#propose(slot, set, txs)
      this.#nextPropose++
    }
  }

  #eligibleTxs(slot: number, set: ValidatorSet): { txs: Tx[]; waiting: boolean } {
    const out: Tx[] = []
    let waiting = false
    const K = this.#cfg.backupAfterSlots
    for (const entry of this.#pool.values()) {
      if (entry.inFlight !== 0) continue
      const rank = this.#owners.rank(set, entry.tx.sender, this.address)
      if (rank < 0) continue
      if (slot - entry.arrival < rank * K) {
        waiting = true
        continue
      }
      out.push(entry.tx)
      entry.inFlight = slot
      if (out.length >= this.#cfg.maxBatch) break
    }
    return { txs: out, waiting }
  }

  #propose(slot: number, set: ValidatorSet, txs: Tx[]): void {
    const c = this.#cfg
    const epoch = set.epoch
    const timestamp = Math.max(this.#now, 0)
    const hash = proposalHash(c.chainId, epoch, slot, this.address, timestamp, txs)
    const sig = this.#sign(slot, epoch, this.address, Phase.PROPOSE, hash)
    const proposal: Proposal = {
      kind: 'propose',
      chainId: c.chainId,
      epoch,
      slot,
      proposer: this.address,
      timestamp,
      txs,
      hash,
      sig,
    }
    this.#walOut.push({ kind: 'proposal', proposal })
    this.#myProposals.set(slot, proposal)
    this.#msgOut.push({ to: null, message: proposal })
    this.stats.proposalsSent++
    this.#acceptOwnProposal(proposal, set)
  }

  #acceptOwnProposal(proposal: Proposal, set: ValidatorSet): void {
    const st = this.#slotState(proposal.slot, set)
    if (!st) return
    st.openedAt ??= this.#now
    const inst = st.instances.get(this.address)!
    inst.bodies.set(proposal.hash, proposal)
    inst.psigs.set(proposal.hash, { sig: proposal.sig, verified: true })
    // The proposal is the proposer's own ECHO: peers count it as such, so it is never broadcast.
    this.#castVote(st, this.address, 0, 'bval1', proposal.hash, proposal.sig, false)
  }

  // ── receiving ───────────────────────────────────────────────────────────────────────────────

  #slotInRange(slot: number): boolean {
    return Number.isSafeInteger(slot) && slot > this.#committed && slot <= this.#committed + 2 * this.#cfg.window
  }

  #slotState(slot: number, knownSet?: ValidatorSet): SlotState | undefined {
    let st = this.#slots.get(slot)
    if (st) return st
    if (!this.#slotInRange(slot)) return undefined
    const epoch = this.epochOf(slot)
    const set = knownSet ?? this.#cfg.validatorSet(epoch)
    if (!set) return undefined
    st = {
      slot,
      epoch,
      set,
      openedAt: null,
      instances: new Map(),
      undecided: set.size,
      voteLog: new Map(),
      syncVotes: new Map(),
    }
    for (const p of set.validators)
      st.instances.set(p, {
        proposer: p,
        bodies: new Map(),
        psigs: new Map(),
        echoed: null,
        round: 0,
        rounds: [],
        decided: null,
        decidedRound: -1,
        hStar: null,
        helpedUpTo: -1,
        fetchAskedAt: Number.NEGATIVE_INFINITY,
      })
    this.#slots.set(slot, st)
    return st
  }

  #touch(st: SlotState): void {
    if (st.slot > this.#highestSeen && st.slot <= this.#committed + this.#cfg.window) this.#highestSeen = st.slot
    if (st.openedAt === null && st.slot <= this.#committed + this.#cfg.window) st.openedAt = this.#now
  }

  /** Validates a proposal (signature, hash, ownership of every tx); null if invalid. */
  #checkProposal(p: Proposal, st: SlotState): 'ok' | 'bad-sig' | 'invalid' {
    const c = this.#cfg
    if (p.chainId !== c.chainId || p.epoch !== st.epoch || !st.set.has(p.proposer)) return 'invalid'
    if (!Array.isArray(p.txs) || p.txs.length > c.maxBatch || !Number.isSafeInteger(p.timestamp) || p.timestamp < 0)
      return 'invalid'
    if (!(p.sig instanceof Uint8Array)) return 'invalid'
    let hash: Hex
    try {
      hash = proposalHash(c.chainId, p.epoch, p.slot, p.proposer, p.timestamp, p.txs) // also checks every tx's fields
    } catch {
      return 'invalid'
    }
    if (hash !== p.hash) return 'invalid'
    this.stats.verifications++
    const signer = c.scheme.recover(consensusDigest(c.chainId, p.epoch, p.slot, p.proposer, Phase.PROPOSE, hash), p.sig)
    if (signer !== p.proposer) return 'bad-sig'
    return 'ok'
  }

  #txsValid(p: Proposal, set: ValidatorSet): boolean {
    const seen = new Set<string>()
    for (const tx of p.txs) {
      if (this.#owners.rank(set, tx.sender, p.proposer) < 0) return false
      const key = txKey(tx)
      if (seen.has(key)) return false
      seen.add(key)
      if (this.#validateTx && !this.#validateTx(tx)) return false
    }
    return true
  }

  #onProposal(p: Proposal): void {
    const st = this.#slotState(p.slot)
    if (!st) return
    const inst = st.instances.get(p.proposer)
    if (!inst) return void this.stats.rejected++
    if (inst.bodies.has(p.hash)) return
    const check = this.#checkProposal(p, st)
    if (check !== 'ok') return void this.stats.rejected++
    this.#notePsig(st, inst, p.hash, p.sig, true)
    if (!this.#txsValid(p, st.set)) return void this.stats.rejected++
    inst.bodies.set(p.hash, p)
    this.#touch(st)
    if (p.proposer === this.address) return
    // The proposal counts as its proposer's ECHO (only the first one: a Twin gets one implicit vote).
    if (!st.voteLog.has(`${p.proposer}|${Phase.ECHO}|${p.proposer}`)) {
      st.voteLog.set(`${p.proposer}|${Phase.ECHO}|${p.proposer}`, { value: p.hash, sig: p.sig })
      this.#applyBval(st, inst, 0, p.proposer, p.hash)
    }
    if (inst.echoed === null && inst.decided === null) this.#castVote(st, p.proposer, 0, 'bval1', p.hash, p.sig)
    if (inst.decided === p.hash) this.#tryCommit()
  }

  #onBatch(b: VoteBatch): void {
    const c = this.#cfg
    if (b.chainId !== c.chainId || !isHex(b.sender, 20) || !Number.isSafeInteger(b.seq) || b.seq < 0)
      return void this.stats.rejected++
    if (!Array.isArray(b.votes) || !Number.isSafeInteger(b.committed) || !Number.isSafeInteger(b.epoch))
      return void this.stats.rejected++
    if (b.sender === this.address) return
    const set = c.validatorSet(b.epoch)
    if (!set?.has(b.sender)) return void this.stats.rejected++
    for (const v of b.votes)
      if (
        !v ||
        !Number.isSafeInteger(v.slot) ||
        !isHex(v.proposer, 20) ||
        !isHex(v.value, 32) ||
        !Number.isInteger(v.phase) ||
        v.phase < 0 ||
        v.phase > 255 ||
        !(v.sig instanceof Uint8Array) ||
        (v.psig !== undefined && !(v.psig instanceof Uint8Array))
      )
        return void this.stats.rejected++
    const hash = voteBatchHash(b.committed, b.votes)
    let seen = this.#batchesSeen.get(b.sender)
    const prior = seen?.get(b.seq)
    if (prior && prior.hash === hash) return // duplicate or replay: already processed
    this.stats.verifications++
    const digest = consensusDigest(c.chainId, b.epoch, b.seq, b.sender, Phase.VOTE_BATCH, hash)
    if (c.scheme.recover(digest, b.sig) !== b.sender) return void this.stats.rejected++
    if (prior && prior.epoch === b.epoch)
      this.#evidence(b.epoch, b.seq, b.sender, Phase.VOTE_BATCH, prior.hash, prior.sig, hash, b.sig, b.sender, true)
    if (!seen) {
      seen = new Map()
      this.#batchesSeen.set(b.sender, seen)
    }
    if (!prior) seen.set(b.seq, { hash, sig: b.sig, epoch: b.epoch })
    if (seen.size > 4096) for (const k of seen.keys()) if (k < b.seq - 2048) seen.delete(k)
    const before = this.#peerCommitted.get(b.sender) ?? 0
    if (b.committed > before) this.#peerCommitted.set(b.sender, b.committed)
    for (const v of b.votes) {
      const st = this.#slots.get(v.slot) ?? this.#slotState(v.slot)
      if (!st?.set.has(b.sender)) continue
      this.#receiveVote(st, b.sender, v)
    }
    if (b.committed >= this.#committed + this.#cfg.window) this.#askSync()
  }

  #receiveVote(st: SlotState, sender: Hex, v: Vote): void {
    const inst = st.instances.get(v.proposer)
    const decoded = decodePhase(v.phase)
    if (!inst || !decoded) return void this.stats.rejected++
    const { round, kind } = decoded
    if (kind !== 'aux' && (kind === 'bval0') !== (v.value === ZERO_HASH)) return void this.stats.rejected++
    const logKey = `${v.proposer}|${v.phase}|${sender}`
    const prev = st.voteLog.get(logKey)
    if (prev) {
      if (prev.value !== v.value)
        this.#evidence(st.epoch, st.slot, v.proposer, v.phase, prev.value, prev.sig, v.value, v.sig, sender, false)
      return
    }
    st.voteLog.set(logKey, { value: v.value, sig: v.sig })
    if (sender !== this.address) this.#touch(st)
    if (round === 0 && kind === 'bval1' && v.psig) this.#notePsig(st, inst, v.value, v.psig, false)
    if (inst.decided !== null && round > inst.decidedRound && st.openedAt !== null) this.#help(st, inst, round)
    if (kind === 'aux') {
      const rs = roundOf(inst, round)
      if (rs.aux.has(sender)) return
      rs.aux.set(sender, v.value)
      // An AUX from an honest validator proves its value is in that validator's bin_values (it saw a
      // quorum of BVALs), so "f + 1" AUX for v justify adding v to ours: laggards that missed the
      // BVAL quorum (e.g. a Byzantine proposer's implicit ECHO went elsewhere) still complete.
      if (!rs.bin.includes(v.value)) {
        let weight = 0n
        for (const [s, value] of rs.aux) if (value === v.value) weight += st.set.powerOf(s)
        if (weight >= st.set.weak) this.#addBin(st, inst, round, rs, v.value)
      }
      this.#tryCompleteRound(st, inst)
    } else this.#applyBval(st, inst, round, sender, v.value)
  }

  #applyBval(st: SlotState, inst: Instance, round: number, sender: Hex, value: Hex): void {
    const rs = roundOf(inst, round)
    let tally = rs.bval.get(value)
    if (!tally) {
      tally = { weight: 0n, from: new Set() }
      rs.bval.set(value, tally)
    }
    if (tally.from.has(sender)) return
    tally.from.add(sender)
    tally.weight += st.set.powerOf(sender)
    // Relay ("f + 1" rule): someone honest sent it. An honest validator ECHOes one hash at most.
    if (tally.weight >= st.set.weak && !rs.bvalSent.has(value) && inst.decided === null) {
      if (value === ZERO_HASH) this.#castVote(st, inst.proposer, round, 'bval0', value)
      else if (round === 0 ? inst.echoed === null : inst.hStar === null || inst.hStar === value) {
        if (round > 0) inst.hStar = value
        this.#castVote(st, inst.proposer, round, 'bval1', value, inst.psigs.get(value)?.sig)
      }
    }
    if (tally.weight >= st.set.quorum && !rs.bin.includes(value)) {
      this.#addBin(st, inst, round, rs, value)
      this.#tryCompleteRound(st, inst)
    }
  }

  #addBin(st: SlotState, inst: Instance, round: number, rs: RoundState, value: Hex): void {
    rs.bin.push(value)
    if (value !== ZERO_HASH && inst.hStar === null) inst.hStar = value
    if (rs.auxSent === null && round === inst.round && inst.decided === null)
      this.#castVote(st, inst.proposer, round, 'aux', value)
  }

  /** MMR round completion: a quorum of AUX whose values are all in bin_values. */
  #tryCompleteRound(st: SlotState, inst: Instance): void {
    while (inst.decided === null) {
      const r = inst.round
      const rs = inst.rounds[r]
      if (!rs || rs.auxSent === null || rs.done) return
      let weight = 0n
      const vals = new Set<Hex>()
      for (const [sender, value] of rs.aux)
        if (rs.bin.includes(value)) {
          weight += st.set.powerOf(sender)
          vals.add(value)
        }
      if (weight < st.set.quorum) return
      rs.done = true
      const coin = this.#coin(st, inst.proposer, r)
      let est: Hex
      if (vals.size === 1) {
        est = vals.values().next().value!
        if ((est === ZERO_HASH ? 0 : 1) === coin) {
          this.#decide(st, inst, est, r)
          return
        }
      } else est = coin === 1 ? inst.hStar! : ZERO_HASH
      if (r + 1 > MAX_ROUND) return // 2^-80 territory with a fair coin; the instance then waits for sync
      inst.round = r + 1
      this.#castVote(st, inst.proposer, r + 1, est === ZERO_HASH ? 'bval0' : 'bval1', est)
      const next = roundOf(inst, r + 1)
      if (next.auxSent === null && next.bin.length > 0) {
        const w = next.bin.includes(est) ? est : next.bin[0]!
        this.#castVote(st, inst.proposer, r + 1, 'aux', w)
      }
    }
  }

  /** A decided validator answers later rounds with its decision, so laggards can finish (lazy help). */
  #help(st: SlotState, inst: Instance, upTo: number): void {
    if (!st.set.has(this.address)) return
    const v = inst.decided!
    for (let r = Math.max(inst.decidedRound + 1, inst.helpedUpTo + 1); r <= Math.min(upTo, MAX_ROUND); r++) {
      this.#castVote(st, inst.proposer, r, v === ZERO_HASH ? 'bval0' : 'bval1', v)
      this.#castVote(st, inst.proposer, r, 'aux', v)
      inst.helpedUpTo = r
    }
  }

  #coin(st: SlotState, proposer: Hex, round: number): 0 | 1 {
    if (round === 0) return 1
    if (round === 1) return 0
    return this.#cfg.coin(this.#cfg.chainId, st.epoch, st.slot, proposer, round)
  }

  #decide(st: SlotState, inst: Instance, value: Hex, round: number): void {
    if (inst.decided !== null) return
    inst.decided = value
    inst.decidedRound = round
    st.undecided--
    if (value !== ZERO_HASH && !inst.bodies.has(value)) this.#askFetch(st, inst)
    this.#tryCommit()
  }

  // ── signing ─────────────────────────────────────────────────────────────────────────────────

  #sign(slot: number, epoch: number, proposer: Hex, phase: number, value: Hex): Uint8Array {
    const key = `${slot}|${proposer}|${phase}`
    const prior = this.#mySigned.get(key)
    if (prior !== undefined && prior !== value) {
      this.stats.guardTrips++
      throw new ConflictingSignatureError(
        `refusing to sign ${value} for (slot ${slot}, proposer ${proposer}, phase ${phase}): already signed ${prior}`,
      )
    }
    this.#mySigned.set(key, value)
    this.stats.signatures++
    return this.#cfg.scheme.sign(consensusDigest(this.#cfg.chainId, epoch, slot, proposer, phase, value), this.#key)
  }

  #castVote(
    st: SlotState,
    proposer: Hex,
    round: number,
    kind: VoteKind,
    value: Hex,
    psig?: Uint8Array,
    broadcast = true,
  ): void {
    if (!st.set.has(this.address)) return
    const phase = phaseOf(round, kind)
    const key = `${st.slot}|${proposer}|${phase}`
    const prior = this.#mySigned.get(key)
    if (prior !== undefined) {
      if (prior !== value) this.stats.guardTrips++
      return
    }
    const inst = st.instances.get(proposer)!
    if (round === 0 && kind === 'bval1') inst.echoed = value
    const rs = roundOf(inst, round)
    if (kind === 'aux') rs.auxSent = value
    else rs.bvalSent.add(value)
    const sig = this.#sign(st.slot, st.epoch, proposer, phase, value)
    const vote: Vote = psig
      ? { slot: st.slot, proposer, phase, value, sig, psig }
      : { slot: st.slot, proposer, phase, value, sig }
    this.#walOut.push({ kind: 'vote', vote })
    let mine = this.#myVotes.get(st.slot)
    if (!mine) {
      mine = []
      this.#myVotes.set(st.slot, mine)
    }
    mine.push(vote)
    if (broadcast) this.#pendingVotes.push(vote)
    this.#selfQueue.push({ st, vote })
  }

  #drainSelf(): void {
    while (this.#selfQueue.length > 0) {
      const { st, vote } = this.#selfQueue.shift()!
      if (this.#slots.get(st.slot) !== st) continue
      this.#receiveVote(st, this.address, vote)
    }
  }

  #flushVotes(): void {
    const votes = this.#pendingVotes
    this.#pendingVotes = []
    const c = this.#cfg
    const seq = this.#batchSeq++
    const epoch = this.epochOf(votes[0]!.slot)
    const hash = voteBatchHash(this.#committed, votes)
    const sig = this.#sign(seq, epoch, this.address, Phase.VOTE_BATCH, hash)
    this.#walOut.push({ kind: 'batch', seq })
    const batch: VoteBatch = {
      kind: 'votes',
      chainId: c.chainId,
      sender: this.address,
      seq,
      epoch,
      committed: this.#committed,
      votes,
      sig,
    }
    this.#msgOut.push({ to: null, message: batch })
    this.stats.batchesSent++
  }

  // ── evidence ────────────────────────────────────────────────────────────────────────────────

  #notePsig(st: SlotState, inst: Instance, hash: Hex, sig: Uint8Array, verified: boolean): void {
    if (inst.psigs.has(hash)) return
    if (inst.psigs.size >= 4) return // bound the work a spamming proposer can cause
    inst.psigs.set(hash, { sig, verified })
    if (inst.psigs.size < 2) return
    const [first] = inst.psigs
    const [h0, e0] = first!
    this.#evidence(st.epoch, st.slot, inst.proposer, Phase.PROPOSE, h0, e0.sig, hash, sig, inst.proposer, false)
  }

  #evidence(
    epoch: number,
    slot: number,
    proposer: Hex,
    phase: number,
    valueA: Hex,
    sigA: Uint8Array,
    valueB: Hex,
    sigB: Uint8Array,
    signer: Hex,
    verified: boolean,
  ): void {
    const key = `${signer}|${epoch}|${slot}|${proposer}|${phase}`
    if (this.#evidenceKeys.has(key) || valueA === valueB) return
    const c = this.#cfg
    if (!verified) {
      this.stats.verifications += 2
      if (c.scheme.recover(consensusDigest(c.chainId, epoch, slot, proposer, phase, valueA), sigA) !== signer) return
      if (c.scheme.recover(consensusDigest(c.chainId, epoch, slot, proposer, phase, valueB), sigB) !== signer) return
    }
    this.#evidenceKeys.add(key)
    const [a, b] =
      valueA < valueB
        ? [[valueA, sigA] as const, [valueB, sigB] as const]
        : [[valueB, sigB] as const, [valueA, sigA] as const]
    this.#evidenceOut.push({
      chainId: c.chainId,
      epoch,
      slot,
      proposer,
      phase,
      valueA: a[0],
      sigA: a[1],
      valueB: b[0],
      sigB: b[1],
      signer,
    })
  }

  // ── committing ──────────────────────────────────────────────────────────────────────────────

  #tryCommit(): void {
    for (;;) {
      const slot = this.#committed + 1
      const st = this.#slots.get(slot)
      if (!st || st.undecided > 0) return
      const proposals: Proposal[] = []
      for (const inst of st.instances.values()) {
        if (inst.decided === ZERO_HASH) continue
        const body = inst.bodies.get(inst.decided!)
        if (!body) {
          this.#askFetch(st, inst)
          return
        }
        proposals.push(body)
      }
      this.#commit(st, proposals)
    }
  }

  #commit(st: SlotState, decided: Proposal[]): void {
    const order = new Map(decided.map((p) => [p.proposer, proposerOrderKey(st.slot, p.proposer)]))
    decided.sort((a, b) => (order.get(a.proposer)! < order.get(b.proposer)! ? -1 : 1))
    this.#rotateDedup(st.slot)
    const txs: Tx[] = []
    const current = this.#dedupCurrent
    for (const p of decided)
      for (const tx of p.txs) {
        const key = txKey(tx)
        if (this.#isCommitted(key, tx.hash)) continue
        current.add(key)
        current.add(tx.hash)
        txs.push(tx)
      }
    const stamps = decided.map((p) => p.timestamp).sort((a, b) => a - b)
    const median = stamps.length > 0 ? stamps[Math.floor((stamps.length - 1) / 2)]! : 0
    const timestamp = Math.min(Math.max(median, this.#lastTimestamp + 1), this.#lastTimestamp + MAX_TIMESTAMP_STEP)
    const block: CommittedBlock = {
      slot: st.slot,
      epoch: st.epoch,
      timestamp,
      proposals: decided.map((p) => ({ proposer: p.proposer, hash: p.hash, timestamp: p.timestamp })),
      txs,
      hash: blockHash(
        st.slot,
        timestamp,
        decided.map((p) => p.hash),
        txs,
      ),
    }
    this.#blocksOut.push(block)
    this.#lastTimestamp = timestamp
    this.#committed = st.slot
    this.#lastProgressAt = this.#now
    if (this.#nextPropose <= st.slot) this.#nextPropose = st.slot + 1
    for (const [p, inst] of st.instances)
      if (inst.decided === ZERO_HASH) this.#inactive.add(p)
      else this.#inactive.delete(p)
    for (const tx of txs) this.#pool.delete(txKey(tx))
    const mine = this.#myProposals.get(st.slot)
    if (mine)
      for (const tx of mine.txs) {
        const entry = this.#pool.get(txKey(tx))
        if (entry && entry.inFlight === st.slot) entry.inFlight = 0
      }
    for (const [key, slot] of this.#inFlightKeys) if (slot <= st.slot) this.#inFlightKeys.delete(key)
    this.#retained.set(st.slot, {
      decisions: [...st.instances].map(([p, inst]) => [p, inst.decided!]),
      proposals: decided,
    })
    const keepFrom = st.slot - this.#cfg.retainSlots
    for (const s of this.#retained.keys()) if (s <= keepFrom) this.#retained.delete(s)
    const keepSlotsFrom = st.slot - 2 * this.#cfg.window
    for (const s of this.#slots.keys()) if (s <= keepSlotsFrom) this.#slots.delete(s)
    for (const s of this.#myProposals.keys()) if (s <= st.slot) this.#myProposals.delete(s)
    for (const s of this.#myVotes.keys()) if (s <= keepSlotsFrom) this.#myVotes.delete(s)
    for (const s of this.#syncAskedAt.keys()) if (s <= st.slot) this.#syncAskedAt.delete(s)
  }

  #rememberCommitted(block: CommittedBlock): void {
    this.#rotateDedup(block.slot)
    const set = this.#dedupCurrent
    for (const tx of block.txs) {
      set.add(txKey(tx))
      set.add(tx.hash)
    }
    if (block.slot >= this.#committed) this.#lastTimestamp = Math.max(this.#lastTimestamp, block.timestamp)
  }

  #rotateDedup(slot: number): void {
    const gen = Math.floor((slot - 1) / this.#cfg.dedupHorizon)
    if (gen === this.#dedupGen) return
    this.#dedupPrevious = gen === this.#dedupGen + 1 ? this.#dedupCurrent : new Set()
    this.#dedupCurrent = new Set()
    this.#dedupGen = gen
  }

  #isCommitted(key: string, hash: Hex): boolean {
    return (
      this.#dedupCurrent.has(key) ||
      this.#dedupCurrent.has(hash) ||
      this.#dedupPrevious.has(key) ||
      this.#dedupPrevious.has(hash)
    )
  }

  // ── timers, retransmission, fetch and sync ──────────────────────────────────────────────────

  #onTimers(): void {
    const c = this.#cfg
    let open = false
    for (const st of this.#slots.values()) {
      if (st.slot <= this.#committed) continue
      if (st.openedAt === null) {
        if (st.slot <= this.#committed + c.window && st.voteLog.size > 0) st.openedAt = this.#now
        else continue
      }
      open = true
      for (const inst of st.instances.values()) {
        if (inst.decided !== null) {
          if (inst.decided !== ZERO_HASH && !inst.bodies.has(inst.decided)) this.#askFetch(st, inst)
          continue
        }
        const r0 = inst.rounds[0]
        if (r0 && (r0.bin.length > 0 || r0.bvalSent.has(ZERO_HASH))) continue
        const wait = this.#inactive.has(inst.proposer) ? c.inactiveTimeoutMs : c.proposalTimeoutMs
        if (this.#now - st.openedAt >= wait) this.#castVote(st, inst.proposer, 0, 'bval0', ZERO_HASH)
      }
    }
    const stalled = this.#now - this.#lastProgressAt >= c.retransmitMs
    if ((open && stalled) || this.#needRetransmit) {
      if (this.#now - this.#lastRetransmitAt >= c.retransmitMs || this.#needRetransmit) {
        this.#needRetransmit = false
        this.#lastRetransmitAt = this.#now
        this.#retransmit()
      }
    }
  }

  #retransmit(): void {
    for (const [slot, p] of this.#myProposals) if (slot > this.#committed) this.#msgOut.push({ to: null, message: p })
    const queued = new Set(this.#pendingVotes)
    for (const [slot, votes] of this.#myVotes) {
      if (slot <= this.#committed) continue
      for (const v of votes) {
        // My own ECHO is implied by my proposal and never broadcast.
        const implied = v.phase === Phase.ECHO && v.proposer === this.address
        if (!implied && !queued.has(v)) this.#pendingVotes.push(v)
      }
    }
    this.#askSync(true)
  }

  #askFetch(st: SlotState, inst: Instance): void {
    if (this.#now - inst.fetchAskedAt < this.#cfg.retransmitMs) return
    inst.fetchAskedAt = this.#now
    const request: FetchRequest = { kind: 'fetch', slot: st.slot, proposer: inst.proposer, hash: inst.decided! }
    this.#msgOut.push({ to: null, message: request })
  }

  /**
   * Asks for the outcome of the next W slots: from peers known to be ahead, or (`probe`, when stalled
   * or just restarted) from every validator, since a peer that went quiet after its last commit
   * never told us its height.
   */
  #askSync(probe = false): void {
    const c = this.#cfg
    let best = 0
    for (const v of this.#peerCommitted.values()) if (v > best) best = v
    const last = probe ? this.#committed + c.window : Math.min(best, this.#committed + c.window)
    for (let s = this.#committed + 1; s <= last; s++) {
      const asked = this.#syncAskedAt.get(s)
      if (asked !== undefined && this.#now - asked < c.retransmitMs) continue
      const set = c.validatorSet(this.epochOf(s))
      if (!set) return
      this.#syncAskedAt.set(s, this.#now)
      for (const peer of set.validators) {
        if (peer === this.address) continue
        if (probe || (this.#peerCommitted.get(peer) ?? 0) >= s)
          this.#msgOut.push({ to: peer, message: { kind: 'sync', slot: s } satisfies SyncRequest })
      }
    }
  }

  #onFetch(req: FetchRequest, from: Hex): void {
    if (!Number.isSafeInteger(req.slot) || !isHex(req.proposer, 20) || !isHex(req.hash, 32)) return
    const body =
      this.#slots.get(req.slot)?.instances.get(req.proposer)?.bodies.get(req.hash) ??
      this.#retained.get(req.slot)?.proposals.find((p) => p.proposer === req.proposer && p.hash === req.hash)
    if (body) this.#msgOut.push({ to: from, message: body })
  }

  #onSync(req: SyncRequest, from: Hex): void {
    const r = this.#retained.get(req.slot)
    if (!r) return
    const reply: SyncReply = { kind: 'sync-reply', slot: req.slot, decisions: r.decisions, proposals: r.proposals }
    this.#msgOut.push({ to: from, message: reply })
  }

  #onSyncReply(reply: SyncReply, from: Hex): void {
    const st = this.#slotState(reply.slot)
    if (!st?.set.has(from) || st.syncVotes.has(from)) return
    if (!Array.isArray(reply.decisions) || reply.decisions.length !== st.set.size) return void this.stats.rejected++
    for (let i = 0; i < st.set.size; i++) {
      const d = reply.decisions[i]
      if (!Array.isArray(d) || d[0] !== st.set.validators[i] || !isHex(d[1], 32)) return void this.stats.rejected++
    }
    for (const p of Array.isArray(reply.proposals) ? reply.proposals : []) {
      const inst = p && st.instances.get(p.proposer)
      if (!inst || inst.bodies.has(p.hash) || p.slot !== st.slot) continue
      if (this.#checkProposal(p, st) === 'ok' && this.#txsValid(p, st.set)) inst.bodies.set(p.hash, p)
    }
    const key = reply.decisions.map((d) => d[1]).join(',')
    st.syncVotes.set(from, key)
    let weight = 0n
    for (const [peer, k] of st.syncVotes) if (k === key) weight += st.set.powerOf(peer)
    if (weight < st.set.weak) return
    // More than 1/3 of the stake reports this outcome, so at least one honest validator committed it.
    this.stats.syncAdoptions++
    for (const [p, value] of reply.decisions) {
      const inst = st.instances.get(p)!
      if (inst.decided === null) {
        inst.decided = value
        inst.decidedRound = MAX_ROUND
        st.undecided--
      }
    }
    this.#tryCommit()
    this.#askSync(true) // keep catching up while peers are ahead
  }

  // ── restart ─────────────────────────────────────────────────────────────────────────────────

  #replay(records: readonly WalRecord[]): void {
    const own: WalRecord[] = []
    for (const r of records) {
      if (r.kind === 'batch') {
        this.#batchSeq = Math.max(this.#batchSeq, r.seq + 1)
        this.#mySigned.set(`${r.seq}|${this.address}|${Phase.VOTE_BATCH}`, ZERO_HASH)
      } else if (r.kind === 'proposal') {
        const p = r.proposal
        this.#mySigned.set(`${p.slot}|${p.proposer}|${Phase.PROPOSE}`, p.hash)
        this.#nextPropose = Math.max(this.#nextPropose, p.slot + 1)
        if (p.slot > this.#committed) {
          this.#myProposals.set(p.slot, p)
          for (const tx of p.txs) this.#inFlightKeys.set(txKey(tx), p.slot)
          own.push(r)
        }
      } else {
        const v = r.vote
        this.#mySigned.set(`${v.slot}|${v.proposer}|${v.phase}`, v.value)
        if (v.slot > this.#committed) own.push(r)
      }
    }
    // Re-apply what we signed so the restarted state machine continues where it stopped.
    for (const r of own) {
      if (r.kind === 'proposal') {
        const set = this.#cfg.validatorSet(r.proposal.epoch)
        const st = set && this.#slotState(r.proposal.slot, set)
        if (!st) continue
        st.openedAt ??= this.#now
        st.instances.get(this.address)!.bodies.set(r.proposal.hash, r.proposal)
        st.instances.get(this.address)!.psigs.set(r.proposal.hash, { sig: r.proposal.sig, verified: true })
      } else if (r.kind === 'vote') {
        const st = this.#slotState(r.vote.slot)
        if (!st) continue
        st.openedAt ??= this.#now
        const inst = st.instances.get(r.vote.proposer)
        const d = decodePhase(r.vote.phase)
        if (!inst || !d) continue
        if (d.round === 0 && d.kind === 'bval1') inst.echoed = r.vote.value
        const rs = roundOf(inst, d.round)
        if (d.kind === 'aux') rs.auxSent = r.vote.value
        else rs.bvalSent.add(r.vote.value)
        let mine = this.#myVotes.get(r.vote.slot)
        if (!mine) {
          mine = []
          this.#myVotes.set(r.vote.slot, mine)
        }
        mine.push(r.vote)
        this.#selfQueue.push({ st, vote: r.vote })
      }
    }
    this.#drainSelf()
    this.#needRetransmit = true
  }
}

function roundOf(inst: Instance, round: number): RoundState {
  let rs = inst.rounds[round]
  if (!rs) {
    for (let r = inst.rounds.length; r <= round; r++)
      inst.rounds[r] = { bval: new Map(), bvalSent: new Set(), bin: [], aux: new Map(), auxSent: null, done: false }
    rs = inst.rounds[round]!
  }
  return rs
}

const txKeys = new WeakMap<Tx, string>()

/** `sender:nonce`, memoized per tx object (a pure function of immutable fields). */
export function txKey(tx: Tx): string {
  let key = txKeys.get(tx)
  if (key === undefined) {
    key = `${tx.sender}:${tx.nonce}`
    txKeys.set(tx, key)
  }
  return key
}
