import { intrinsicGas, MAX_INITCODE_SIZE } from '../tx/intrinsic-gas.ts'
import type { Address, Hex, Transaction } from '../tx/transaction.ts'
import { TransactionRejected } from './rejection.ts'

/** A transaction with its recovered sender, as the pool and the block builder hold it. */
export type PooledTransaction = Transaction & { from: Address }

export type AccountReader = (address: Address) => { nonce: bigint; balance: bigint }

export type MempoolConfig = {
  chainId: bigint
  /** Transactions held in total; past this the cheapest tail is evicted or the newcomer refused. */
  maxTransactions: number
  /** Transactions held per sender. */
  maxPerSender: number
  /** How far ahead of the account nonce a transaction may be (a gap this big is refused). */
  maxNonceGap: number
  /** Replacement needs both fee fields raised by at least this percentage. */
  priceBumpPercent: number
  /** Block gas limit: a transaction asking for more can never be included. */
  blockGasLimit: bigint
  /** Largest raw transaction accepted, in bytes. */
  maxTransactionBytes: number
  /** Accept legacy transactions without EIP-155 replay protection (tools' deterministic deployers use them). */
  allowUnprotected: boolean
}

export const defaultMempoolConfig = (chainId: bigint): MempoolConfig => ({
  chainId,
  maxTransactions: 100_000,
  maxPerSender: 4_096,
  maxNonceGap: 1_024,
  priceBumpPercent: 10,
  blockGasLimit: 60_000_000n,
  maxTransactionBytes: 128 * 1024,
  allowUnprotected: true,
})

type SenderQueue = Map<bigint, PooledTransaction>

/**
 * Per-sender nonce queues. A sender's transactions are executable from its account nonce up to
 * the first gap; later ones wait ("queued"). Same-nonce replacement needs a fee bump; a full pool
 * evicts the cheapest tail transaction (never one that would open a gap) before refusing.
 */
export class Mempool {
  readonly config: MempoolConfig
  readonly #senders = new Map<Address, SenderQueue>()
  readonly #byHash = new Map<Hex, PooledTransaction>()
  readonly #account: AccountReader
  #baseFee: bigint

  constructor(config: MempoolConfig, account: AccountReader, baseFee = 0n) {
    this.config = config
    this.#account = account
    this.#baseFee = baseFee
  }

  get size(): number {
    return this.#byHash.size
  }

  get(hash: Hex): PooledTransaction | undefined {
    return this.#byHash.get(hash)
  }

  /** The pooled transaction of `sender` with `nonce`, if any. */
  byNonce(sender: Address, nonce: bigint): PooledTransaction | undefined {
    return this.#senders.get(sender)?.get(nonce)
  }

  setBaseFee(baseFee: bigint): void {
    this.#baseFee = baseFee
  }

  /** Highest nonce + 1 among the sender's contiguous pooled transactions, else its account nonce ("pending" nonce). */
  pendingNonce(sender: Address): bigint {
    let nonce = this.#account(sender).nonce
    const queue = this.#senders.get(sender)
    if (!queue) return nonce
    while (queue.has(nonce)) nonce++
    return nonce
  }

  /** Validates and admits `tx`, or throws `TransactionRejected` saying why. Returns the evicted hashes. */
  add(tx: PooledTransaction): Hex[] {
    this.#validateStatic(tx)
    if (this.#byHash.has(tx.hash))
      throw new TransactionRejected('AlreadyKnown', `transaction ${tx.hash} is already known`)
    const account = this.#account(tx.from)
    if (tx.nonce < account.nonce)
      throw new TransactionRejected(
        'NonceTooLow',
        `nonce too low: transaction nonce ${tx.nonce}, next nonce of ${tx.from} is ${account.nonce}`,
      )
    if (tx.nonce - account.nonce > BigInt(this.config.maxNonceGap))
      throw new TransactionRejected(
        'NonceTooHigh',
        `nonce too high: transaction nonce ${tx.nonce} is more than ${this.config.maxNonceGap} ahead of ${tx.from}'s nonce ${account.nonce}; send the missing nonces first`,
      )
    const cost = tx.gasLimit * tx.maxFeePerGas + tx.value
    if (cost > account.balance)
      throw new TransactionRejected(
        'InsufficientFunds',
        `insufficient funds for gas * price + value: balance ${account.balance}, cost ${cost} (${tx.from})`,
      )
    let queue = this.#senders.get(tx.from)
    const existing = queue?.get(tx.nonce)
    if (existing) {
      const bump = BigInt(100 + this.config.priceBumpPercent)
      if (
        tx.maxFeePerGas * 100n < existing.maxFeePerGas * bump ||
        tx.maxPriorityFeePerGas * 100n < existing.maxPriorityFeePerGas * bump
      )
        throw new TransactionRejected(
          'ReplacementUnderpriced',
          `replacement transaction underpriced: raise maxFeePerGas and maxPriorityFeePerGas by at least ${this.config.priceBumpPercent}% over ${existing.hash}`,
        )
      this.#byHash.delete(existing.hash)
      queue!.set(tx.nonce, tx)
      this.#byHash.set(tx.hash, tx)
      return [existing.hash]
    }
    if (queue && queue.size >= this.config.maxPerSender)
      throw new TransactionRejected(
        'SenderLimitReached',
        `sender ${tx.from} already has ${queue.size} pooled transactions (limit ${this.config.maxPerSender}); wait for them to be included`,
      )
    const evicted: Hex[] = []
    if (this.#byHash.size >= this.config.maxTransactions) {
      const victim = this.#cheapestTail()
      if (!victim || victim.maxPriorityFeePerGas >= tx.maxPriorityFeePerGas)
        throw new TransactionRejected(
          'PoolFull',
          `transaction pool is full (${this.config.maxTransactions}) and this transaction does not pay more than the cheapest one; retry later or raise the tip`,
        )
      this.#remove(victim)
      evicted.push(victim.hash)
    }
    if (!queue) {
      queue = new Map()
      this.#senders.set(tx.from, queue)
    }
    queue.set(tx.nonce, tx)
    this.#byHash.set(tx.hash, tx)
    return evicted
  }

  #validateStatic(tx: PooledTransaction): void {
    const c = this.config
    if (tx.raw.length > c.maxTransactionBytes)
      throw new TransactionRejected(
        'OversizedTransaction',
        `transaction is ${tx.raw.length} bytes, above the ${c.maxTransactionBytes}-byte limit`,
      )
    if (tx.type === 3)
      throw new TransactionRejected(
        'BlobsUnsupported',
        'blob transactions (type 3) are not accepted: this chain has no blob data availability; use type 0-2',
      )
    if (tx.chainId === undefined && !c.allowUnprotected)
      throw new TransactionRejected('MissingChainId', 'only replay-protected (EIP-155) transactions are allowed')
    if (tx.chainId !== undefined && tx.chainId !== c.chainId)
      throw new TransactionRejected(
        'WrongChainId',
        `invalid chain id ${tx.chainId} for this chain (${c.chainId}); sign for chain id ${c.chainId}`,
      )
    if (tx.maxPriorityFeePerGas > tx.maxFeePerGas)
      throw new TransactionRejected(
        'TipAboveFeeCap',
        `max priority fee per gas higher than max fee per gas (${tx.maxPriorityFeePerGas} > ${tx.maxFeePerGas})`,
      )
    if (tx.maxFeePerGas < this.#baseFee)
      throw new TransactionRejected(
        'FeeTooLow',
        `max fee per gas less than block base fee: maxFeePerGas ${tx.maxFeePerGas}, baseFee ${this.#baseFee}`,
      )
    if (tx.gasLimit > c.blockGasLimit)
      throw new TransactionRejected(
        'GasLimitTooHigh',
        `exceeds block gas limit: gas ${tx.gasLimit} > ${c.blockGasLimit}`,
      )
    if (tx.to === null && tx.data.length > MAX_INITCODE_SIZE)
      throw new TransactionRejected(
        'InitcodeTooLarge',
        `max initcode size exceeded: ${tx.data.length} bytes > ${MAX_INITCODE_SIZE}`,
      )
    const intrinsic = intrinsicGas(tx)
    if (tx.gasLimit < intrinsic)
      throw new TransactionRejected(
        'IntrinsicGasTooLow',
        `intrinsic gas too low: gas ${tx.gasLimit}, minimum needed ${intrinsic}`,
      )
  }

  /** The lowest-tip transaction that is the last of its sender's queue (removing it opens no gap). */
  #cheapestTail(): PooledTransaction | undefined {
    let victim: PooledTransaction | undefined
    for (const queue of this.#senders.values()) {
      let last: PooledTransaction | undefined
      for (const tx of queue.values()) if (!last || tx.nonce > last.nonce) last = tx
      if (last && (!victim || last.maxPriorityFeePerGas < victim.maxPriorityFeePerGas)) victim = last
    }
    return victim
  }

  #remove(tx: PooledTransaction): void {
    this.#byHash.delete(tx.hash)
    const queue = this.#senders.get(tx.from)
    if (!queue) return
    queue.delete(tx.nonce)
    if (queue.size === 0) this.#senders.delete(tx.from)
  }

  /**
   * Executable transactions for the next block: per sender, consecutive nonces from the account
   * nonce (or from `startNonce`, past transactions already ordered but not yet executed); senders interleaved by tip (highest first) within `maxGas` and `maxCount`. Selected
   * transactions stay in the pool until `removeIncluded` sees them executed.
   */
  select(
    maxCount: number,
    maxGas: bigint,
    options: { skip?: (sender: Address) => boolean; startNonce?: (sender: Address) => bigint | undefined } = {},
  ): PooledTransaction[] {
    const heads: PooledTransaction[][] = []
    for (const [sender, queue] of this.#senders) {
      if (options.skip?.(sender)) continue
      const run: PooledTransaction[] = []
      const accountNonce = this.#account(sender).nonce
      const inflight = options.startNonce?.(sender)
      let nonce = inflight !== undefined && inflight > accountNonce ? inflight : accountNonce
      for (let tx = queue.get(nonce); tx && tx.maxFeePerGas >= this.#baseFee; tx = queue.get(++nonce)) run.push(tx)
      if (run.length > 0) heads.push(run)
    }
    heads.sort((a, b) =>
      b[0]!.maxPriorityFeePerGas > a[0]!.maxPriorityFeePerGas
        ? 1
        : b[0]!.maxPriorityFeePerGas < a[0]!.maxPriorityFeePerGas
          ? -1
          : 0,
    )
    const out: PooledTransaction[] = []
    const blocked = new Set<PooledTransaction[]>()
    let gas = 0n
    for (let depth = 0; out.length < maxCount; depth++) {
      let any = false
      for (const run of heads) {
        const tx = run[depth]
        if (!tx || blocked.has(run)) continue
        any = true
        if (gas + tx.gasLimit > maxGas) {
          blocked.add(run) // a skipped nonce: nothing later from this sender fits in this block
          continue
        }
        out.push(tx)
        gas += tx.gasLimit
        if (out.length >= maxCount) break
      }
      if (!any) break
    }
    return out
  }

  /** Drops every pooled transaction that the new state makes stale (nonce below the account nonce). */
  removeStale(senders: Iterable<Address>): void {
    for (const sender of senders) {
      const queue = this.#senders.get(sender)
      if (!queue) continue
      const nonce = this.#account(sender).nonce
      for (const tx of [...queue.values()]) if (tx.nonce < nonce) this.#remove(tx)
    }
  }

  /** Every pooled transaction (pending first per sender), for `txpool_content`-style inspection. */
  all(): PooledTransaction[] {
    return [...this.#byHash.values()]
  }
}
