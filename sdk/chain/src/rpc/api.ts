import type { ChainDb } from '../chaindb/chaindb.ts'
import type { Mempool } from '../mempool/mempool.ts'
import type { StateBackend } from '../state/types.ts'
import type { Address, Hex } from '../tx/transaction.ts'
import type { CallRequest } from './params.ts'

/** Finality tiers of a transaction, weakest first. */
export type FinalityTier = 'pending' | 'ordered' | 'executed' | 'finalized'

export type FinalityStatus = {
  tier: FinalityTier | 'unknown'
  blockNumber?: bigint
  blockHash?: Hex
}

export type CallOutcome = {
  success: boolean
  gasUsed: bigint
  output: Uint8Array
  /** Why it failed when it did not revert (out of gas, invalid opcode...). */
  error?: string
}

/** What the RPC layer needs from the node. Implemented by `Node`; tests may implement it directly. */
export interface ChainApi {
  readonly chainId: bigint
  readonly clientVersion: string
  readonly db: ChainDb
  readonly mempool: Mempool
  readonly state: StateBackend
  /** Newest block with a header (executed and merklized here). */
  latest(): bigint
  /** Newest block a quorum of validators signed. */
  finalized(): bigint
  /** Suggested priority fee. */
  priorityFee(): bigint
  /** Runs a call (no state change) over the state after block `number`. */
  call(request: CallRequest, number: bigint, gasCap?: bigint): CallOutcome
  /** Decodes, recovers, validates and pools a raw transaction; resolves to its hash. */
  submit(raw: Uint8Array): Promise<Hex>
  finality(hash: Hex): FinalityStatus
  peerCount(): number
  /** Subscribes to node events; returns an unsubscribe function. */
  on(event: 'block', fn: (number: bigint) => void): () => void
  on(event: 'pendingTransaction', fn: (hash: Hex) => void): () => void
  on(event: 'finality', fn: (e: { tier: FinalityTier; hashes: Hex[]; blockNumber: bigint }) => void): () => void
  /** Verifies and adds other validators' signatures over block `number`'s hash; true when any was new and valid. */
  addBlockSignatures(number: bigint, signatures: { validator: Address; signature: Hex }[]): boolean
  /** Sender address of the dev accounts this node may sign for (eth_accounts): none by default. */
  accounts(): Address[]
}
