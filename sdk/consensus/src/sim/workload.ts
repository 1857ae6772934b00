// Deterministic client transactions for simulations and benchmarks.
import { keccak256, keccak256Concat } from '@spnkit/crypto'
import { bytesToHex } from '../hex.ts'
import type { Hex, Tx } from '../types.ts'

export class Workload {
  readonly senders: Hex[]
  readonly #nonces: bigint[]
  readonly #tag: string
  #next = 0

  constructor(tag: string, senderCount: number) {
    this.#tag = tag
    this.senders = Array.from({ length: senderCount }, (_, i) =>
      bytesToHex(keccak256Concat(new TextEncoder().encode(`sender-${tag}-${i}`)).subarray(12)),
    )
    this.#nonces = this.senders.map(() => 0n)
  }

  /** The next tx of sender `index` (round-robin over senders when omitted). */
  next(index?: number): Tx {
    const i = index ?? this.#next++ % this.senders.length
    const sender = this.senders[i]!
    const nonce = this.#nonces[i]!
    this.#nonces[i] = nonce + 1n
    const bytes = new TextEncoder().encode(`tx|${this.#tag}|${sender}|${nonce}|payload-payload-payload`)
    return { bytes, sender, nonce, hash: bytesToHex(keccak256(bytes)) }
  }
}
