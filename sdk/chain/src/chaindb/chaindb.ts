import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs'
import path from 'node:path'
import { fromHex, toHex } from '@spnkit/crypto'
import { headerHash } from '../block/header.ts'
import { buildReceipts, type TxOutcome } from '../block/receipts.ts'
import type { Block, BlockHeader, BlockSignature, Receipt } from '../block/types.ts'
import type { PooledTransaction } from '../mempool/mempool.ts'
import { type Address, decodeTransaction, type Hex } from '../tx/transaction.ts'
import { decodeStoredBlock, encodeStoredBlock } from './codec.ts'

export class ChainDbError extends Error {
  override readonly name = 'ChainDbError'
}

export type PendingSlot = {
  number: bigint
  timestamp: bigint
  proposer: Address
  digest: Hex
  txs: PooledTransaction[]
  slot?: number
}
type StoredPending = {
  number: string
  timestamp: string
  proposer: Address
  digest: Hex
  txs: [Hex, Address][]
  slot?: number
}

export type StoredEntry = Block & { outcomes: TxOutcome[]; seal: BlockSignature[]; slot: number | undefined }

/**
 * Blocks, receipts and their indexes. In memory for reads; with a data directory every block is
 * one appended JSON line + fdatasync in `blocks.log` (seal updates are appended lines too). On
 * open, a torn last line (crash mid-write) is truncated away, so the log always ends on a whole block.
 */
export class ChainDb {
  readonly #blocks: StoredEntry[] = []
  readonly #byHash = new Map<Hex, StoredEntry>()
  readonly #txIndex = new Map<Hex, { block: StoredEntry; index: number }>()
  #fd: number | undefined
  /** The last slot announced with `writePending` that has no block yet (crash between state commit and append). */
  pending: PendingSlot | undefined

  constructor(dataDir?: string) {
    if (!dataDir) return
    const file = path.join(dataDir, 'blocks.log')
    if (existsSync(file)) this.#load(file)
    this.#fd = openSync(file, 'a')
  }

  #load(file: string): void {
    const text = readFileSync(file, 'utf8')
    let good = 0
    let at = 0
    while (at < text.length) {
      const nl = text.indexOf('\n', at)
      if (nl < 0) break
      const line = text.slice(at, nl)
      try {
        if (line.startsWith('{"pending"')) {
          const { pending } = JSON.parse(line) as { pending: StoredPending }
          this.pending = {
            number: BigInt(pending.number),
            timestamp: BigInt(pending.timestamp),
            proposer: pending.proposer,
            digest: pending.digest,
            txs: pending.txs.map(([raw, from]) => ({ ...decodeTransaction(fromHex(raw)), from })),
            slot: pending.slot,
          }
        } else if (line.startsWith('{"seal"')) {
          const { seal, s } = JSON.parse(line) as { seal: string; s: BlockSignature[] }
          const entry = this.#blocks[Number(seal)]
          if (!entry) throw new ChainDbError(`seal for unknown block ${seal}`)
          entry.seal = s
        } else {
          const { header, txs, outcomes, seal, slot } = decodeStoredBlock(line)
          this.#index(header, txs, outcomes, seal, slot)
        }
      } catch (e) {
        if (nl === text.length - 1 || text.indexOf('\n', nl + 1) < 0) break // torn tail
        throw new ChainDbError(`blocks.log is corrupt at byte ${at}: ${(e as Error).message}`)
      }
      at = nl + 1
      good = at
    }
    if (good < Buffer.byteLength(text)) truncateSync(file, Buffer.byteLength(text.slice(0, good)))
  }

  #index(
    header: BlockHeader,
    txs: PooledTransaction[],
    outcomes: TxOutcome[],
    seal: BlockSignature[],
    slot?: number,
  ): StoredEntry {
    if (header.number !== BigInt(this.#blocks.length))
      throw new ChainDbError(
        `block ${header.number} appended after ${this.#blocks.length - 1}: blocks must be consecutive`,
      )
    const hash = headerHash(header)
    const { receipts } = buildReceipts(txs, outcomes, header.number, hash)
    const entry: StoredEntry = { header, hash, transactions: txs, receipts, outcomes, seal, slot }
    this.#blocks.push(entry)
    this.#byHash.set(hash, entry)
    for (let index = 0; index < txs.length; index++) this.#txIndex.set(txs[index]!.hash, { block: entry, index })
    return entry
  }

  /**
   * Records the slot about to be committed to the state store (written, not fsynced: it only has
   * to survive a process crash between the store commit and `append`, after which the block is
   * rebuilt from it by re-execution).
   */
  writePending(slot: PendingSlot): void {
    if (this.#fd === undefined) return
    const pending: StoredPending = {
      number: slot.number.toString(),
      timestamp: slot.timestamp.toString(),
      proposer: slot.proposer,
      digest: slot.digest,
      txs: slot.txs.map((t) => [toHex(t.raw), t.from]),
      slot: slot.slot,
    }
    writeSync(this.#fd, JSON.stringify({ pending }) + '\n')
  }

  /** Appends the next block durably (one write + fdatasync) and indexes it. */
  append(
    header: BlockHeader,
    txs: PooledTransaction[],
    outcomes: TxOutcome[],
    seal: BlockSignature[],
    slot?: number,
  ): StoredEntry {
    const entry = this.#index(header, txs, outcomes, seal, slot)
    this.pending = undefined
    if (this.#fd !== undefined) {
      writeSync(this.#fd, encodeStoredBlock(header, txs, outcomes, seal, slot) + '\n')
      fdatasyncSync(this.#fd)
    }
    return entry
  }

  /** Records a fuller seal (more validator signatures) for a stored block. */
  setSeal(number: bigint, seal: BlockSignature[]): void {
    const entry = this.#blocks[Number(number)]
    if (!entry) throw new ChainDbError(`no block ${number} to seal`)
    entry.seal = seal
    if (this.#fd !== undefined) {
      writeSync(this.#fd, JSON.stringify({ seal: number.toString(), s: seal }) + '\n')
      fdatasyncSync(this.#fd)
    }
  }

  get height(): bigint {
    return BigInt(this.#blocks.length - 1)
  }

  get length(): number {
    return this.#blocks.length
  }

  byNumber(n: bigint): StoredEntry | undefined {
    return n < 0n ? undefined : this.#blocks[Number(n)]
  }

  byHash(hash: Hex): StoredEntry | undefined {
    return this.#byHash.get(hash.toLowerCase() as Hex)
  }

  transaction(hash: Hex): { block: StoredEntry; index: number; tx: PooledTransaction; receipt: Receipt } | undefined {
    const found = this.#txIndex.get(hash.toLowerCase() as Hex)
    if (!found) return undefined
    return { ...found, tx: found.block.transactions[found.index]!, receipt: found.block.receipts[found.index]! }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd)
    this.#fd = undefined
  }
}
