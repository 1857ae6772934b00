import type { PooledTransaction } from '../mempool/mempool.ts'
import type { Address, Hex } from '../tx/transaction.ts'

/** One ordering-final slot: the transactions of block `number`, in their final order. */
export type OrderedSlot = {
  number: bigint
  /** Block timestamp agreed by ordering (seconds). */
  timestamp: bigint
  /** The proposer credited as the block's `miner` (fees go to it). */
  proposer: Address
  txs: PooledTransaction[]
  /** Digest of the ordering output: seeds PREVRANDAO, and stands in for BLOCKHASH of a block still being merklized. */
  digest: Hex
  /** The consensus slot this block comes from (consensus ordering only; restarts resume after it). */
  slot?: number
  /** When following another node: the block this slot must reproduce (checked before it is stored). */
  expected?: { hash: Hex; stateRoot: Hex; seal: { validator: Address; signature: Hex }[] }
}

/**
 * Produces ordering-final slots one after another. `next` is called again only after the previous
 * call resolved; `inflightNonce` tells proposers where each sender's ordered-but-unexecuted
 * transactions end, so the next batch continues from there.
 */
export interface Ordering {
  readonly name: string
  next(number: bigint, parentTimestamp: bigint): Promise<OrderedSlot>
  close(): Promise<void>
}
