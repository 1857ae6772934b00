// Shared data types of @spnkit/consensus. Hashes, addresses and senders are lowercase 0x-hex strings
// so they can key Maps cheaply; signatures are raw 65-byte arrays (r ‖ s ‖ v, as `ecrecover` takes).

export type Hex = `0x${string}`

/** A transaction as consensus sees it: opaque bytes plus the fields the caller already decoded. */
export interface Tx {
  readonly bytes: Uint8Array
  /** 20-byte sender address, lowercase hex. Ownership is keyed by it. */
  readonly sender: Hex
  readonly nonce: bigint
  /** 32-byte transaction hash, lowercase hex (the caller's; it must commit to `bytes`). */
  readonly hash: Hex
}

/** A signed batch of one proposer for one slot; an empty `txs` is a skip. */
export interface Proposal {
  readonly kind: 'propose'
  readonly chainId: number
  readonly epoch: number
  readonly slot: number
  readonly proposer: Hex
  /** Proposer's clock (ms) when it built the batch; block time is the median of these. */
  readonly timestamp: number
  readonly txs: readonly Tx[]
  /** keccak of the header and the batch: the `value` the proposer signs with phase PROPOSE. */
  readonly hash: Hex
  readonly sig: Uint8Array
}

/** One vote inside a batch. `sig` signs the interfaces.md digest of exactly this statement. */
export interface Vote {
  readonly slot: number
  readonly proposer: Hex
  readonly phase: number
  readonly value: Hex
  readonly sig: Uint8Array
  /** On ECHO votes: the proposer's PROPOSE signature over `value`, so a Twin's second proposal is provable. */
  readonly psig?: Uint8Array | undefined
}

/** One signed message per sender per tick carrying every vote cast in that tick. */
export interface VoteBatch {
  readonly kind: 'votes'
  readonly chainId: number
  readonly sender: Hex
  /** Per-sender batch counter: signing two different batches with one `seq` is itself equivocation. */
  readonly seq: number
  /** Epoch used in the batch digest (the epoch of the first vote's slot). */
  readonly epoch: number
  /** Highest slot the sender has committed (lets laggards know to sync). */
  readonly committed: number
  readonly votes: readonly Vote[]
  readonly sig: Uint8Array
}

/** Ask a peer for the body of a proposal that was decided but never arrived. */
export interface FetchRequest {
  readonly kind: 'fetch'
  readonly slot: number
  readonly proposer: Hex
  readonly hash: Hex
}

/** Ask a peer for the outcome of a slot it has committed. */
export interface SyncRequest {
  readonly kind: 'sync'
  readonly slot: number
}

/** A peer's committed outcome of a slot: adopted once peers with > 1/3 of the stake agree on it. */
export interface SyncReply {
  readonly kind: 'sync-reply'
  readonly slot: number
  /** For every validator of the slot's epoch (ascending address): the decided hash, or ZERO_HASH. */
  readonly decisions: readonly (readonly [Hex, Hex])[]
  readonly proposals: readonly Proposal[]
}

export type Message = Proposal | VoteBatch | FetchRequest | SyncRequest | SyncReply

/** A message to send: `to === null` means every other validator. */
export interface Outbound {
  readonly to: Hex | null
  readonly message: Message
}

/** An ordered block: the committed proposals of one slot, deduplicated. */
export interface CommittedBlock {
  readonly slot: number
  readonly epoch: number
  /** ms; median of the committed proposals' timestamps, clamped to be strictly increasing. */
  readonly timestamp: number
  /** Committed proposals in output order. */
  readonly proposals: readonly { readonly proposer: Hex; readonly hash: Hex; readonly timestamp: number }[]
  readonly txs: readonly Tx[]
  /** keccak over (slot, timestamp, proposal hashes in order, tx hashes in order). */
  readonly hash: Hex
}

/** Two different signed values for one (chainId, epoch, slot, proposer, phase) by one signer. */
export interface EquivocationEvidence {
  readonly chainId: number
  readonly epoch: number
  readonly slot: number
  readonly proposer: Hex
  readonly phase: number
  readonly valueA: Hex
  readonly sigA: Uint8Array
  readonly valueB: Hex
  readonly sigB: Uint8Array
  /** The signer both signatures recover to (not part of the ABI struct; the contract recovers it). */
  readonly signer: Hex
}

/** Write-ahead-log records: everything this validator signed, persisted before it is sent. */
export type WalRecord =
  | { readonly kind: 'proposal'; readonly proposal: Proposal }
  | { readonly kind: 'vote'; readonly vote: Vote }
  | { readonly kind: 'batch'; readonly seq: number }

export const ZERO_HASH: Hex = `0x${'0'.repeat(64)}`
