// Leader-based baseline for the benchmark (PBFT normal case): one proposer per slot (rotating
// leader = validators[slot mod n]), PRE-PREPARE → PREPARE → COMMIT, each vote phase batched into
// one signed message per sender per tick, commit on a quorum of COMMITs = 3 message delays. Same
// batch size, window, digest format, signatures and simulator as the multi-proposer protocol, so
// the comparison measures the protocol shape. Fault-free path only (no view change): it exists to
// be measured against, not to run a chain.
import { consensusDigest, Phase } from '../digest.ts'
import { blockHash, proposalHash, voteBatchHash } from '../proposal.ts'
import type { SignatureScheme } from '../signature.ts'
import type {
  CommittedBlock,
  EquivocationEvidence,
  Hex,
  Message,
  Outbound,
  Proposal,
  Tx,
  Vote,
  VoteBatch,
  WalRecord,
} from '../types.ts'
import { txKey } from '../validator.ts'
import type { ValidatorSet } from '../validator-set.ts'

interface SlotVotes {
  proposal: Proposal | null
  prepares: Map<Hex, bigint>
  commits: Map<Hex, bigint>
  prepareSent: boolean
  commitSent: boolean
  committable: boolean
}

export class LeaderBaseline {
  readonly address: Hex
  readonly stats = { verifications: 0, signatures: 0, guardTrips: 0 }
  readonly #chainId: number
  readonly #key: Uint8Array
  readonly #scheme: SignatureScheme
  readonly #set: ValidatorSet
  readonly #window: number
  readonly #batch: number
  #committed = 0
  #now = 0
  #seq = 0
  #nextLead = 1
  #lastTs = 0
  readonly #pool = new Map<string, { tx: Tx; inFlight: boolean }>()
  readonly #slots = new Map<number, SlotVotes>()
  #votes: Vote[] = []
  #out: Outbound[] = []
  #blocks: CommittedBlock[] = []

  constructor(args: {
    privateKey: Uint8Array
    validatorSet: (epoch: number) => ValidatorSet | undefined
    scheme: SignatureScheme
    chainId: number
    window: number
    batch: number
  }) {
    this.#key = args.privateKey
    this.#scheme = args.scheme
    this.#chainId = args.chainId
    this.#set = args.validatorSet(0)!
    this.#window = args.window
    this.#batch = args.batch
    this.address = args.scheme.address(args.privateKey)
  }

  get committedSlot(): number {
    return this.#committed
  }

  #leader(slot: number): Hex {
    return this.#set.validators[slot % this.#set.size]!
  }

  #slot(slot: number): SlotVotes {
    let s = this.#slots.get(slot)
    if (!s) {
      s = {
        proposal: null,
        prepares: new Map(),
        commits: new Map(),
        prepareSent: false,
        commitSent: false,
        committable: false,
      }
      this.#slots.set(slot, s)
    }
    return s
  }

  submitTx(tx: Tx): boolean {
    this.#pool.set(txKey(tx), { tx, inFlight: false })
    return true
  }

  tick(now: number): void {
    this.#now = Math.max(this.#now, now)
  }

  onMessage(m: Message): void {
    if (m.kind === 'propose') this.#onProposal(m)
    else if (m.kind === 'votes') this.#onVotes(m)
  }

  #sign(slot: number, proposer: Hex, phase: number, value: Hex): Uint8Array {
    this.stats.signatures++
    return this.#scheme.sign(consensusDigest(this.#chainId, 0, slot, proposer, phase, value), this.#key)
  }

  #onProposal(p: Proposal): void {
    if (p.slot <= this.#committed || p.proposer !== this.#leader(p.slot)) return
    const st = this.#slot(p.slot)
    if (st.proposal) return
    if (p.proposer !== this.address) {
      if (proposalHash(this.#chainId, 0, p.slot, p.proposer, p.timestamp, p.txs) !== p.hash) return
      this.stats.verifications++
      const d = consensusDigest(this.#chainId, 0, p.slot, p.proposer, Phase.PROPOSE, p.hash)
      if (this.#scheme.recover(d, p.sig) !== p.proposer) return
    }
    st.proposal = p
    for (const tx of p.txs) {
      const e = this.#pool.get(txKey(tx))
      if (e) e.inFlight = true
    }
    // The PRE-PREPARE is the leader's PREPARE.
    if (p.proposer === this.address) st.prepareSent = true
    this.#addVote(p.slot, st, 'prepare', p.proposer, p.hash)
    if (!st.prepareSent) {
      st.prepareSent = true
      this.#vote(p.slot, Phase.ECHO, p.hash)
    }
  }

  #vote(slot: number, phase: number, value: Hex): void {
    const leader = this.#leader(slot)
    const v: Vote = { slot, proposer: leader, phase, value, sig: this.#sign(slot, leader, phase, value) }
    this.#votes.push(v)
    this.#addVote(slot, this.#slot(slot), phase === Phase.ECHO ? 'prepare' : 'commit', this.address, value)
  }

  #onVotes(b: VoteBatch): void {
    this.stats.verifications++
    const hash = voteBatchHash(b.committed, b.votes)
    const d = consensusDigest(this.#chainId, 0, b.seq, b.sender, Phase.VOTE_BATCH, hash)
    if (this.#scheme.recover(d, b.sig) !== b.sender) return
    for (const v of b.votes) {
      if (v.slot <= this.#committed) continue
      this.#addVote(v.slot, this.#slot(v.slot), v.phase === Phase.ECHO ? 'prepare' : 'commit', b.sender, v.value)
    }
  }

  #addVote(slot: number, st: SlotVotes, kind: 'prepare' | 'commit', sender: Hex, value: Hex): void {
    const map = kind === 'prepare' ? st.prepares : st.commits
    if (map.has(sender)) return
    map.set(sender, this.#set.powerOf(sender))
    const agree = (m: Map<Hex, bigint>) => {
      let w = 0n
      for (const p of m.values()) w += p
      return w >= this.#set.quorum
    }
    if (kind === 'prepare' && !st.commitSent && st.proposal && agree(st.prepares)) {
      st.commitSent = true
      this.#vote(slot, Phase.READY, value)
    }
    if (kind === 'commit' && agree(st.commits)) st.committable = true
  }

  drain(): { wal: WalRecord[]; messages: Outbound[]; blocks: CommittedBlock[]; evidence: EquivocationEvidence[] } {
    for (;;) {
      const st = this.#slots.get(this.#committed + 1)
      if (!st?.committable || !st.proposal) break
      const p = st.proposal
      const txs = p.txs.filter((tx) => this.#pool.delete(txKey(tx)))
      const timestamp = Math.max(p.timestamp, this.#lastTs + 1)
      this.#lastTs = timestamp
      this.#committed++
      this.#blocks.push({
        slot: this.#committed,
        epoch: 0,
        timestamp,
        proposals: [{ proposer: p.proposer, hash: p.hash, timestamp: p.timestamp }],
        txs,
        hash: blockHash(this.#committed, timestamp, [p.hash], txs),
      })
      this.#slots.delete(this.#committed)
    }
    while (this.#nextLead <= this.#committed + this.#window) {
      const slot = this.#nextLead++
      if (this.#leader(slot) !== this.address) continue
      const txs: Tx[] = []
      for (const e of this.#pool.values()) {
        if (e.inFlight) continue
        e.inFlight = true
        txs.push(e.tx)
        if (txs.length >= this.#batch) break
      }
      if (txs.length === 0) {
        this.#nextLead = slot
        break
      }
      const hash = proposalHash(this.#chainId, 0, slot, this.address, this.#now, txs)
      const p: Proposal = {
        kind: 'propose',
        chainId: this.#chainId,
        epoch: 0,
        slot,
        proposer: this.address,
        timestamp: this.#now,
        txs,
        hash,
        sig: this.#sign(slot, this.address, Phase.PROPOSE, hash),
      }
      this.#out.push({ to: null, message: p })
      this.#onProposal(p)
    }
    if (this.#votes.length > 0) {
      const votes = this.#votes
      this.#votes = []
      const seq = this.#seq++
      const hash = voteBatchHash(this.#committed, votes)
      const sig = this.#sign(seq, this.address, Phase.VOTE_BATCH, hash)
      this.#out.push({
        to: null,
        message: {
          kind: 'votes',
          chainId: this.#chainId,
          sender: this.address,
          seq,
          epoch: 0,
          committed: this.#committed,
          votes,
          sig,
        },
      })
    }
    const out = { wal: [], messages: this.#out, blocks: this.#blocks, evidence: [] }
    this.#out = []
    this.#blocks = []
    return out
  }
}
