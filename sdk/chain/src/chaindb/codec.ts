import { fromHex, toHex } from '@spnkit/crypto'
import type { TxOutcome } from '../block/receipts.ts'
import type { BlockHeader, BlockSignature } from '../block/types.ts'
import type { PooledTransaction } from '../mempool/mempool.ts'
import { type Address, decodeTransaction, type Hex } from '../tx/transaction.ts'

// On-disk form of a block (one JSON line in blocks.log): header, raw signed transactions with
// their senders, execution outcomes and the validator seal. Indexes and receipts are rebuilt on load.

type StoredOutcome = [
  status: 0 | 1,
  gasUsed: string,
  price: string,
  contract: Address | null,
  logs: [Address, Hex[], Hex][],
  output: Hex,
]
export type StoredBlock = {
  h: Record<string, string>
  t: [raw: Hex, from: Address][]
  o: StoredOutcome[]
  s: BlockSignature[]
  /** Consensus slot, when ordered by consensus. */
  sl?: number
}

const bigKeys = new Set(['number', 'timestamp', 'gasLimit', 'gasUsed', 'baseFeePerGas', 'blobGasUsed', 'excessBlobGas'])

export function encodeStoredBlock(
  header: BlockHeader,
  txs: readonly PooledTransaction[],
  outcomes: readonly TxOutcome[],
  seal: BlockSignature[],
  slot?: number,
): string {
  const h: Record<string, string> = {}
  for (const [k, v] of Object.entries(header))
    h[k] = typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? toHex(v) : String(v)
  const stored: StoredBlock = {
    h,
    t: txs.map((tx) => [toHex(tx.raw), tx.from]),
    o: outcomes.map((o) => [
      o.status,
      o.gasUsed.toString(),
      o.effectiveGasPrice.toString(),
      o.contractAddress,
      o.logs.map((l) => [l.address, l.topics, l.data]),
      o.output,
    ]),
    s: seal,
  }
  if (slot !== undefined) stored.sl = slot
  return JSON.stringify(stored)
}

export function decodeStoredBlock(line: string): {
  header: BlockHeader
  txs: PooledTransaction[]
  outcomes: TxOutcome[]
  seal: BlockSignature[]
  slot: number | undefined
} {
  const stored = JSON.parse(line) as StoredBlock
  const header = {} as Record<string, unknown>
  for (const [k, v] of Object.entries(stored.h))
    header[k] = bigKeys.has(k) ? BigInt(v) : k === 'logsBloom' ? fromHex(v) : v
  return {
    header: header as BlockHeader,
    txs: stored.t.map(([raw, from]) => ({ ...decodeTransaction(fromHex(raw)), from })),
    outcomes: stored.o.map(([status, gasUsed, price, contract, logs, output]) => ({
      status,
      gasUsed: BigInt(gasUsed),
      effectiveGasPrice: BigInt(price),
      contractAddress: contract,
      logs: logs.map(([address, topics, data]) => ({ address, topics, data })),
      output,
    })),
    seal: stored.s,
    slot: stored.sl,
  }
}
