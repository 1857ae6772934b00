// Per-signer nonce allocation inside one process. Sends are serialized (allocate, sign, broadcast)
// so nonces leave in order; the next nonce is read from the chain's `pending` count whenever the
// manager does not trust its own (start, lease regained, an ambiguous send, "nonce too low").

export class NonceManager {
  #next: number | undefined
  #tail: Promise<unknown> = Promise.resolve()
  readonly #readPending: () => Promise<number>

  constructor(readPending: () => Promise<number>) {
    this.#readPending = readPending
  }

  /** Forget the local nonce; the next allocation re-reads the chain. */
  reset(): void {
    this.#next = undefined
  }

  /**
   * Runs `use(nonce)` exclusively. If it resolves, the nonce counts as used. If it throws, the
   * nonce is re-read from the chain before the next allocation (the transaction may or may not
   * have reached the node, and the chain is the only judge).
   */
  async withNonce<T>(use: (nonce: number) => Promise<T>): Promise<T> {
    const run = async () => {
      if (this.#next === undefined) this.#next = await this.#readPending()
      const nonce = this.#next
      try {
        const result = await use(nonce)
        this.#next = nonce + 1
        return result
      } catch (error) {
        this.#next = undefined
        throw error
      }
    }
    const result = this.#tail.then(run, run)
    this.#tail = result.catch(() => {})
    return result
  }
}

export function isNonceTooLow(error: unknown): boolean {
  return /nonce too low|nonce has already been used|NonceTooLow|already known|replacement transaction underpriced|ReplacementUnderpriced/i.test(
    fullText(error),
  )
}

export function fullText(error: unknown): string {
  const parts: string[] = []
  let e: unknown = error
  for (let d = 0; e && d < 8; d++) {
    const x = e as { message?: string; details?: string; shortMessage?: string }
    parts.push(x.shortMessage ?? '', x.message ?? '', x.details ?? '')
    e = (e as { cause?: unknown }).cause
  }
  return parts.join(' | ')
}
