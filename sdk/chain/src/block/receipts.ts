import { fromHex } from '@spnkit/crypto'
import type { PooledTransaction } from '../mempool/mempool.ts'
import type { Address, Hex } from '../tx/transaction.ts'
import { bloomAdd, bloomOr, emptyBloom } from './bloom.ts'
import type { Log, Receipt } from './types.ts'

/** What executing one transaction produced, before it is placed in a block. */
export type TxOutcome = {
  status: 0 | 1
  gasUsed: bigint
  effectiveGasPrice: bigint
  contractAddress: Address | null
  logs: { address: Address; topics: Hex[]; data: Hex }[]
  output: Hex
}

/** Places outcomes in a block: cumulative gas, global log indexes, per-receipt blooms and the block bloom. */
export function buildReceipts(
  txs: readonly PooledTransaction[],
  outcomes: readonly TxOutcome[],
  blockNumber: bigint,
  blockHash: Hex,
): { receipts: Receipt[]; bloom: Uint8Array; gasUsed: bigint } {
  const bloom = emptyBloom()
  let cumulative = 0n
  let logIndex = 0
  const receipts = outcomes.map((o, i): Receipt => {
    const tx = txs[i]!
    cumulative += o.gasUsed
    const logsBloom = emptyBloom()
    const logs = o.logs.map((l): Log => {
      bloomAdd(logsBloom, fromHex(l.address))
      for (const t of l.topics) bloomAdd(logsBloom, fromHex(t))
      return { ...l, logIndex: logIndex++, transactionIndex: i, transactionHash: tx.hash, blockNumber, blockHash }
    })
    bloomOr(bloom, logsBloom)
    return {
      transactionHash: tx.hash,
      transactionIndex: i,
      blockNumber,
      blockHash,
      from: tx.from,
      to: tx.to,
      type: tx.type,
      status: o.status,
      gasUsed: o.gasUsed,
      cumulativeGasUsed: cumulative,
      effectiveGasPrice: o.effectiveGasPrice,
      contractAddress: o.contractAddress,
      logs,
      logsBloom,
      output: o.output,
    }
  })
  return { receipts, bloom, gasUsed: cumulative }
}
