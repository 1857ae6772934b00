import type { PooledTransaction } from '../mempool/mempool.ts'
import type { Address, Hex } from '../tx/transaction.ts'

/**
 * The header of a block. Its hash is keccak256 of the Cancun-shaped Ethereum header RLP (so
 * tools that recompute header hashes agree), with our two additions carried in standard fields:
 * - `extraData` = the Mailbox outbox root (32 bytes) after the block;
 * - `miner`     = the proposer that led the slot.
 * Validator signatures over the hash travel beside the header (`BlockSeal`), not inside it.
 */
export type BlockHeader = {
  parentHash: Hex
  number: bigint
  timestamp: bigint
  miner: Address
  stateRoot: Hex
  transactionsRoot: Hex
  receiptsRoot: Hex
  logsBloom: Uint8Array
  gasLimit: bigint
  gasUsed: bigint
  baseFeePerGas: bigint
  /** The Mailbox outbox root, 32 bytes. */
  extraData: Hex
  /** PREVRANDAO: derived from the ordering output, so every validator computes the same value. */
  mixHash: Hex
  blobGasUsed: bigint
  excessBlobGas: bigint
  parentBeaconBlockRoot: Hex
  withdrawalsRoot: Hex
}

export type Log = {
  address: Address
  topics: Hex[]
  data: Hex
  logIndex: number
  transactionIndex: number
  transactionHash: Hex
  blockNumber: bigint
  blockHash: Hex
}

export type Receipt = {
  transactionHash: Hex
  transactionIndex: number
  blockNumber: bigint
  blockHash: Hex
  from: Address
  to: Address | null
  type: 0 | 1 | 2 | 3
  status: 0 | 1
  gasUsed: bigint
  cumulativeGasUsed: bigint
  effectiveGasPrice: bigint
  contractAddress: Address | null
  logs: Log[]
  logsBloom: Uint8Array
  /** Return data (success) or revert data (revert); kept for `spn_` debugging, not in the RLP receipt. */
  output: Hex
}

/** A validator's signature over a block hash (65 bytes r‖s‖v), gathered into the block's seal. */
export type BlockSignature = { validator: Address; signature: Hex }

export type Block = {
  header: BlockHeader
  hash: Hex
  transactions: PooledTransaction[]
  receipts: Receipt[]
}
