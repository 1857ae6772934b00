import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { recoverAddress, toHex } from '@spnkit/crypto'
import type { Address, Transaction } from './transaction.ts'

/** Sender recovery failed: the signature is malformed, high-s, or recovers to no key. */
export class InvalidSignatureError extends Error {
  override readonly name = 'InvalidSignatureError'
}

export type RecoveryOptions = {
  /** Worker threads (default: available cores - 1, at least 1). 0 recovers on the calling thread. */
  workers?: number
  /** Batches smaller than this are recovered inline: a round trip to a worker costs more. */
  inlineBelow?: number
}

type Pending = { resolve: (r: { addresses: Uint8Array; ok: Uint8Array }) => void; reject: (e: Error) => void }

/**
 * Recovers transaction senders in batches on worker threads (native secp256k1 in each), so the
 * event loop that serves RPC keeps answering while a large batch is recovered. Results come back
 * in input order; a transaction whose signature does not recover gets `null`.
 */
export class SenderRecovery {
  readonly #workers: Worker[] = []
  readonly #ready: Promise<void>[] = []
  readonly #pending = new Map<number, Pending>()
  readonly #inlineBelow: number
  #nextId = 0
  #next = 0
  /** Batches in flight: while any is, the workers keep the process alive (idle workers don't). */
  #busy = 0
  #closed = false

  constructor(options: RecoveryOptions = {}) {
    const count = options.workers ?? Math.max(1, availableParallelism() - 1)
    this.#inlineBelow = options.inlineBelow ?? 16
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./recover-worker.ts', import.meta.url))
      this.#ready.push(
        new Promise<void>((resolve) => {
          worker.once('message', () => resolve())
          worker.once('error', () => resolve())
          worker.once('exit', () => resolve())
        }),
      )
      worker.on('message', (msg: { id: number; addresses: Uint8Array; ok: Uint8Array; ready?: true }) => {
        if (msg.ready) return
        const p = this.#pending.get(msg.id)
        this.#pending.delete(msg.id)
        if (--this.#busy === 0) for (const w of this.#workers) w.unref()
        p?.resolve(msg)
      })
      worker.on('error', (err) => {
        for (const p of this.#pending.values()) p.reject(err)
        this.#pending.clear()
        this.#busy = 0
        for (const w of this.#workers) w.unref()
      })
      worker.unref()
      this.#workers.push(worker)
    }
  }

  /** Recovers every sender; `null` where the signature is invalid. */
  async recover(txs: readonly Transaction[]): Promise<(Address | null)[]> {
    if (this.#closed) throw new Error('SenderRecovery is closed')
    if (txs.length === 0) return []
    if (this.#workers.length === 0 || txs.length < this.#inlineBelow) return txs.map(recoverInline)
    // Split across the workers so a big batch uses every core.
    const per = Math.ceil(txs.length / this.#workers.length)
    const parts: Promise<(Address | null)[]>[] = []
    for (let from = 0; from < txs.length; from += per) parts.push(this.#dispatch(txs.slice(from, from + per)))
    return (await Promise.all(parts)).flat()
  }

  #dispatch(txs: readonly Transaction[]): Promise<(Address | null)[]> {
    const digests = new Uint8Array(txs.length * 32)
    const signatures = new Uint8Array(txs.length * 65)
    txs.forEach((tx, i) => {
      digests.set(tx.signingHash, i * 32)
      signatures.set(tx.signature, i * 65)
    })
    const id = this.#nextId++
    const worker = this.#workers[this.#next++ % this.#workers.length]!
    return new Promise<{ addresses: Uint8Array; ok: Uint8Array }>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      if (this.#busy++ === 0) for (const w of this.#workers) w.ref()
      worker.postMessage({ id, digests, signatures, count: txs.length }, [digests.buffer, signatures.buffer])
    }).then(({ addresses, ok }) =>
      txs.map((_, i) => (ok[i] ? (toHex(addresses.subarray(i * 20, i * 20 + 20)) as Address) : null)),
    )
  }

  async close(): Promise<void> {
    this.#closed = true
    // Let workers finish loading first (bounded): terminating one mid-load can abort V8.
    for (const w of this.#workers) w.ref()
    await Promise.race([Promise.all(this.#ready), new Promise((r) => setTimeout(r, 5000).unref())])
    // Ask each worker to finish on its own; terminate only one that does not exit in time.
    await Promise.all(
      this.#workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void w.terminate().then(() => resolve()), 5000)
            w.once('exit', () => {
              clearTimeout(timer)
              resolve()
            })
            w.postMessage({ close: true })
          }),
      ),
    )
    this.#workers.length = 0
  }
}

/** Recovers one sender on the calling thread, or `null` if the signature is invalid. */
export function recoverInline(tx: Transaction): Address | null {
  try {
    return toHex(recoverAddress(tx.signingHash, tx.signature)) as Address
  } catch {
    return null
  }
}
