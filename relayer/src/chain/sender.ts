import type { Redis } from 'ioredis'
import { type Address, formatEther, type Hex, type PublicClient, type TransactionReceipt } from 'viem'
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts'
import type { ChainConfig } from '../config/types.ts'
import type { Repository } from '../db/repository.ts'
import { PermanentMessageError, TransactionError } from '../errors.ts'
import type { Logger } from '../ops/logger.ts'
import type { Metrics } from '../ops/metrics.ts'
import { fullText, isNonceTooLow, NonceManager } from './nonce-manager.ts'
import { isTransientRpcError, shortMessage, withRpcRetry } from './rpc.ts'
import { SignerLease } from './signer-lease.ts'

// Sends the relayer's transactions on one chain: leases a signer key, estimates gas under the
// policy's cap, prices EIP-1559 fees under the fee cap, allocates nonces, replaces stuck
// transactions with bumped fees, and watches the signer's balance.

export type SendRequest = { to: Address; data: Hex; messageId: string | null; stage: string }
export type Sent = {
  hash: Hex
  signer: Address
  nonce: number
  maxFeePerGas: bigint
  priorityFeePerGas: bigint
  gasLimit: bigint
}

type Candidate = { account: PrivateKeyAccount; lease: SignerLease; nonces: NonceManager }

export class ChainSender {
  readonly chain: ChainConfig
  readonly client: PublicClient
  readonly #repo: Repository
  readonly #metrics: Metrics
  readonly #log: Logger
  readonly #candidates: Candidate[]
  /** Keys this process holds leases on (up to `signersPerProcess`); sends rotate over them. */
  #active: Candidate[] = []
  #next = 0
  readonly #wanted: number
  #timer: ReturnType<typeof setInterval> | undefined
  #lastBalanceWarning = 0

  constructor(
    chain: ChainConfig,
    client: PublicClient,
    deps: {
      redis: Redis
      prefix: string
      token: string
      leaseMs: number
      signersPerProcess: number
      repo: Repository
      metrics: Metrics
      log: Logger
    },
  ) {
    this.chain = chain
    this.client = client
    this.#repo = deps.repo
    this.#metrics = deps.metrics
    this.#log = deps.log
    this.#candidates = chain.signerKeys.map((key) => {
      const account = privateKeyToAccount(key)
      return {
        account,
        lease: new SignerLease(deps.redis, deps.prefix, chain.domain, account.address, deps.token, deps.leaseMs),
        nonces: new NonceManager(() =>
          withRpcRetry(chain.name, 'eth_getTransactionCount', () =>
            client.getTransactionCount({ address: account.address, blockTag: 'pending' }),
          ),
        ),
      }
    })
    this.#leaseMs = deps.leaseMs
    this.#wanted = deps.signersPerProcess
  }
  readonly #leaseMs: number

  get addresses(): Address[] {
    return this.#active.filter((c) => c.lease.held).map((c) => c.account.address)
  }

  /** Takes a free signer key and keeps its lease renewed until stop(). */
  async start(): Promise<void> {
    await this.#maintain()
    this.#timer = setInterval(
      () => {
        this.#maintain().catch((error) =>
          this.#log.warn('signer lease upkeep failed', { chain: this.chain.name, error: shortMessage(error) }),
        )
      },
      Math.max(200, Math.floor(this.#leaseMs / 4)),
    )
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    const active = this.#active
    this.#active = []
    await Promise.all(active.map((c) => c.lease.release().catch(() => {})))
  }

  async #maintain(): Promise<void> {
    const kept: Candidate[] = []
    for (const candidate of this.#active) {
      if (await candidate.lease.renew()) kept.push(candidate)
      else
        this.#log.warn('lost a signer lease; another process took the key', {
          chain: this.chain.name,
          signer: candidate.account.address,
        })
    }
    this.#active = kept
    for (const candidate of this.#candidates) {
      if (this.#active.length >= this.#wanted) break
      if (this.#active.includes(candidate)) continue
      if (await candidate.lease.tryAcquire()) {
        candidate.nonces.reset()
        this.#active.push(candidate)
        this.#log.info('leased signer', { chain: this.chain.name, signer: candidate.account.address })
      }
    }
  }

  #signer(): Candidate {
    const held = this.#active.filter((c) => c.lease.held)
    const active = held[this.#next++ % Math.max(1, held.length)]
    if (!active) {
      throw new TransactionError(`no signer key available on ${this.chain.name}`, {
        where: `chains[${this.chain.name}].signerKeys`,
        fix: 'every configured key is leased by another relayer process; add one key per process you run',
      })
    }
    return active
  }

  #baseFee: { value: bigint; at: number } | undefined
  readonly #balances = new Map<Address, { value: bigint; at: number }>()

  /** Base fee of the latest block, cached for a second (a read per transaction would halve throughput). */
  async #latestBaseFee(): Promise<bigint> {
    if (this.#baseFee && Date.now() - this.#baseFee.at < 1_000) return this.#baseFee.value
    const block = await withRpcRetry(this.chain.name, 'eth_getBlockByNumber', () =>
      this.client.getBlock({ blockTag: 'latest' }),
    )
    this.#baseFee = { value: block.baseFeePerGas ?? 0n, at: Date.now() }
    return this.#baseFee.value
  }

  async #fees(): Promise<{ maxFeePerGas: bigint; priorityFeePerGas: bigint }> {
    const base = await this.#latestBaseFee()
    const tip = this.chain.gas.priorityFeePerGas
    const wanted = base * 2n + tip
    const cap = this.chain.gas.maxFeePerGas
    if (base + tip > cap) {
      throw new TransactionError(`base fee ${base} wei on ${this.chain.name} is above the fee cap ${cap} wei`, {
        where: `chains[${this.chain.name}].gas.maxFeePerGas`,
        fix: 'wait for fees to drop (the job retries) or raise the cap',
      })
    }
    return { maxFeePerGas: wanted > cap ? cap : wanted, priorityFeePerGas: tip }
  }

  /**
   * Simulates and estimates `request` from the leased signer. A revert is returned as the error
   * (the caller decides whether it is permanent); an estimate above the cap is permanent.
   */
  async estimate(request: SendRequest): Promise<bigint> {
    const signer = this.#signer()
    const estimate = await withRpcRetry(this.chain.name, 'eth_estimateGas', () =>
      this.client.estimateGas({ account: signer.account.address, to: request.to, data: request.data }),
    )
    const limit = (estimate * BigInt(this.chain.gas.gasLimitBufferPercent)) / 100n + this.chain.gas.gasLimitOverhead
    if (estimate > this.chain.gas.maxGasLimit) {
      throw new PermanentMessageError(
        `delivery needs ${estimate} gas on ${this.chain.name}, above the cap of ${this.chain.gas.maxGasLimit}`,
        {
          where: `chains[${this.chain.name}].gas.maxGasLimit`,
          fix: 'raise the cap if the recipient really needs it, then retry the message',
        },
      )
    }
    return limit > this.chain.gas.maxGasLimit ? this.chain.gas.maxGasLimit : limit
  }

  /** Signs and broadcasts; records the transaction before returning its hash. */
  async send(request: SendRequest, gasLimit: bigint): Promise<Sent> {
    const signer = this.#signer()
    const fees = await this.#fees()
    const cached = this.#balances.get(signer.account.address)
    const balance = cached && Date.now() - cached.at < 1_000 ? cached.value : await this.checkBalance(signer)
    if (balance !== undefined && balance < gasLimit * fees.maxFeePerGas) {
      throw new TransactionError(
        `signer ${signer.account.address} on ${this.chain.name} holds ${formatEther(balance)} ETH, less than one transaction may cost`,
        { where: `chain ${this.chain.name}`, fix: `fund ${signer.account.address}; the job retries` },
      )
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await signer.nonces
          .withNonce(async (nonce) => {
            if (!signer.lease.held) throw new TransactionError(`signer lease on ${this.chain.name} expired mid-send`)
            return this.#broadcast(signer, request, nonce, gasLimit, fees)
          })
          .then(async (sent) => {
            await this.#record(signer, request, sent)
            return sent
          })
      } catch (error) {
        // The nonce manager re-reads `pending` after any failure; a nonce race is retried at once.
        if (isNonceTooLow(error) && attempt < 3) {
          this.#metrics.failures.inc({ chain: this.chain.name, reason: 'NonceTooLow' })
          continue
        }
        if (isTransientRpcError(error)) {
          throw new TransactionError(`broadcast on ${this.chain.name} failed: ${shortMessage(error)}`, {
            where: `chain ${this.chain.name}`,
            fix: 'the RPC failed mid-send; the job checks delivery status and retries',
            cause: error,
          })
        }
        throw error
      }
    }
  }

  async #broadcast(
    signer: Candidate,
    request: SendRequest,
    nonce: number,
    gasLimit: bigint,
    fees: { maxFeePerGas: bigint; priorityFeePerGas: bigint },
  ): Promise<Sent> {
    const serialized = await signer.account.signTransaction({
      type: 'eip1559',
      chainId: this.chain.chainId,
      to: request.to,
      data: request.data,
      nonce,
      gas: gasLimit,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.priorityFeePerGas,
    })
    const hash = await this.client.sendRawTransaction({ serializedTransaction: serialized })
    this.#metrics.transactions.inc({ chain: this.chain.name, stage: request.stage })
    return { hash, signer: signer.account.address, nonce, gasLimit, ...fees }
  }

  async #record(signer: Candidate, request: SendRequest, sent: Sent): Promise<void> {
    await this.#repo.recordTransaction({
      domain: this.chain.domain,
      signer: signer.account.address,
      nonce: sent.nonce,
      hash: sent.hash,
      messageId: request.messageId,
      stage: request.stage,
      maxFeePerGas: sent.maxFeePerGas,
      priorityFeePerGas: sent.priorityFeePerGas,
      gasLimit: sent.gasLimit,
    })
  }

  /**
   * Waits for one of the transaction's versions to be mined. When none is mined after the policy's
   * `stuckAfterMs`, replaces it (same nonce, fees raised by `bumpPercent`, capped).
   */
  async waitForReceipt(request: SendRequest, sent: Sent, timeoutMs: number): Promise<TransactionReceipt> {
    const hashes: Hex[] = [sent.hash]
    let current = sent
    let lastSendAt = Date.now()
    const deadline = Date.now() + timeoutMs
    for (;;) {
      for (const hash of hashes) {
        const receipt = await this.client.getTransactionReceipt({ hash }).catch(() => undefined)
        if (receipt) {
          const gasCost = receipt.gasUsed * receipt.effectiveGasPrice
          this.#metrics.gasSpent.inc({ chain: this.chain.name }, Number(gasCost) / 1e18)
          await this.#repo.settleTransaction(hash, receipt.status === 'success' ? 'mined' : 'reverted', receipt.gasUsed)
          for (const other of hashes) if (other !== hash) await this.#repo.settleTransaction(other, 'replaced')
          return receipt
        }
      }
      if (Date.now() > deadline) {
        throw new TransactionError(
          `transaction ${current.hash} on ${this.chain.name} not mined within ${timeoutMs} ms`,
          {
            where: `chain ${this.chain.name}`,
            fix: 'the job re-checks this hash and the delivery status on its next attempt',
          },
        )
      }
      if (Date.now() - lastSendAt > this.chain.gas.stuckAfterMs) {
        const bumped = await this.#bump(request, current)
        if (bumped) {
          hashes.push(bumped.hash)
          current = bumped
        }
        lastSendAt = Date.now()
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async #bump(request: SendRequest, previous: Sent): Promise<Sent | undefined> {
    const signer = this.#active.find((c) => c.account.address === previous.signer)
    if (!signer?.lease.held) return undefined
    const factor = BigInt(100 + this.chain.gas.bumpPercent)
    const cap = this.chain.gas.maxFeePerGas
    const maxFee = (previous.maxFeePerGas * factor) / 100n
    const tip = (previous.priorityFeePerGas * factor) / 100n
    if (previous.maxFeePerGas >= cap) return undefined
    const fees = { maxFeePerGas: maxFee > cap ? cap : maxFee, priorityFeePerGas: tip > cap ? cap : tip }
    try {
      const sent = await this.#broadcast(signer, request, previous.nonce, previous.gasLimit, fees)
      await this.#record(signer, request, sent)
      this.#metrics.feeBumps.inc({ chain: this.chain.name })
      this.#log.info('replaced stuck transaction with higher fees', {
        chain: this.chain.name,
        nonce: previous.nonce,
        old: previous.hash,
        new: sent.hash,
        maxFeePerGas: String(fees.maxFeePerGas),
      })
      return sent
    } catch (error) {
      // "nonce too low" here means the original (or another version) was mined meanwhile.
      if (!isNonceTooLow(error))
        this.#log.warn('fee bump failed', { chain: this.chain.name, error: fullText(error).slice(0, 300) })
      return undefined
    }
  }

  /** Reads a leased signer's balance into the metrics and warns (at most once a minute) when low. */
  async checkBalance(signer: Candidate | undefined = this.#active[0]): Promise<bigint | undefined> {
    if (!signer) return undefined
    const balance = await withRpcRetry(this.chain.name, 'eth_getBalance', () =>
      this.client.getBalance({ address: signer.account.address }),
    )
    this.#balances.set(signer.account.address, { value: balance, at: Date.now() })
    this.#metrics.balance.set({ chain: this.chain.name, signer: signer.account.address }, Number(balance) / 1e18)
    if (balance < this.chain.gas.minBalanceWei && Date.now() - this.#lastBalanceWarning > 60_000) {
      this.#lastBalanceWarning = Date.now()
      this.#log.warn('signer balance is low', {
        chain: this.chain.name,
        signer: signer.account.address,
        balanceEth: formatEther(balance),
        minimumEth: formatEther(this.chain.gas.minBalanceWei),
      })
    }
    return balance
  }
}
