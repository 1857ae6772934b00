import { fromHex, keccak256Concat, toHex } from '@spnkit/crypto'
import type { Mempool, PooledTransaction } from '../mempool/mempool.ts'
import { encodeUint } from '../tx/rlp.ts'
import type { Address } from '../tx/transaction.ts'
import type { OrderedSlot, Ordering } from './types.ts'

export type LocalOrderingOptions = {
  mempool: Mempool
  proposer: Address
  /** Most transactions in one block. */
  maxTransactions: number
  /** Sum of gas limits allowed in one block. */
  gasLimit: bigint
  /** With an empty pool, an empty block is still made after this long (keeps `latest` moving); 0 = never. */
  emptyBlockIntervalMs: number
  /** Wall-clock seconds (the proposer's clock is the only input to timestamps here). */
  now?: () => bigint
}

/** Ordering digest = keccak(number ‖ timestamp ‖ proposer ‖ tx hashes). */
export function slotDigest(number: bigint, timestamp: bigint, proposer: Address, txs: readonly PooledTransaction[]) {
  return toHex(
    keccak256Concat(encodeUint(number), encodeUint(timestamp), fromHex(proposer), ...txs.map((t) => fromHex(t.hash))),
  )
}

/**
 * Single-validator ordering: this node is the only proposer, so its batch is final as soon as it
 * is cut. A batch is cut as soon as the pool has executable transactions (no fixed block time),
 * or after `emptyBlockIntervalMs` of idleness.
 */
export class LocalOrdering implements Ordering {
  readonly name = 'local (single validator)'
  readonly #o: LocalOrderingOptions
  readonly #inflight = new Map<Address, bigint>()
  #wake: (() => void) | undefined
  #closed = false

  constructor(options: LocalOrderingOptions) {
    this.#o = options
  }

  /** Called when a transaction enters the pool, so a waiting `next` cuts a batch at once. */
  notify(): void {
    this.#wake?.()
  }

  /** Forget in-flight nonces once a block has executed (the account nonces now include them). */
  executed(txs: readonly PooledTransaction[]): void {
    for (const tx of txs) if (this.#inflight.get(tx.from) === tx.nonce + 1n) this.#inflight.delete(tx.from)
  }

  async next(number: bigint, parentTimestamp: bigint): Promise<OrderedSlot> {
    const started = performance.now()
    for (;;) {
      if (this.#closed) throw new Error('ordering closed')
      const txs = this.#o.mempool.select(this.#o.maxTransactions, this.#o.gasLimit, {
        startNonce: (sender) => this.#inflight.get(sender),
      })
      const idle = this.#o.emptyBlockIntervalMs > 0 && performance.now() - started >= this.#o.emptyBlockIntervalMs
      if (txs.length > 0 || idle) {
        for (const tx of txs) this.#inflight.set(tx.from, tx.nonce + 1n)
        const clock = (this.#o.now ?? (() => BigInt(Math.floor(Date.now() / 1000))))()
        const timestamp = clock > parentTimestamp ? clock : parentTimestamp
        return {
          number,
          timestamp,
          proposer: this.#o.proposer,
          txs,
          digest: slotDigest(number, timestamp, this.#o.proposer, txs),
        }
      }
      const wait =
        this.#o.emptyBlockIntervalMs > 0 ? this.#o.emptyBlockIntervalMs - (performance.now() - started) : 1000
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, wait))
        this.#wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.#wake = undefined
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#wake?.()
  }
}
