// Takes equivocation evidence from consensus, checks it locally, submits it to the Slashing
// contract, and follows the resulting request through the veto window to execution.
import { type EquivocationEvidence, offenceKey } from '@spnkit/consensus'
import {
  type Account,
  type Address,
  type Chain,
  decodeEventLog,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { RestakingAbi } from '../abi/Restaking.ts'
import { SlashingAbi } from '../abi/Slashing.ts'
import { ValidatorSetsAbi } from '../abi/ValidatorSets.ts'
import { EvidenceError, SlashFollowError } from './errors.ts'
import { type CheckedEvidence, checkEvidence, evidenceArgs, rejectionFromRevert } from './evidence.ts'
import { readValidatorSet, type ValidatorSet } from './validator-set.ts'

export type SubmitterOptions = {
  publicClient: PublicClient
  walletClient: WalletClient<Transport, Chain, Account>
  slashing: Address
  /** Poll interval while following a request, ms (default 2000). */
  pollMs?: number
  /** Execute requests whose veto window has closed (default true). */
  execute?: boolean
}

export type Submitted = { requestId: bigint; offenceKey: Hex; txHash: Hex; checked: CheckedEvidence }

export type SlashOutcome = {
  requestId: bigint
  status: 'executed' | 'vetoed'
  slashed: bigint
  operator: Address
  executeTx?: Hex
}

const STATUS_PENDING = 1
const STATUS_VETOED = 2
const STATUS_EXECUTED = 3
/** Reverts that mean "not yet", not "never": the follower waits and retries. */
const RETRYABLE = new Set(['VetoWindowOpen', 'ThrottleExceeded'])

export class EvidenceSubmitter {
  readonly #client: PublicClient
  readonly #wallet: WalletClient<Transport, Chain, Account>
  readonly #slashing: Address
  readonly #pollMs: number
  readonly #execute: boolean
  #addresses: Promise<{ restaking: Address; validatorSets: Address }> | undefined

  constructor(options: SubmitterOptions) {
    this.#client = options.publicClient
    this.#wallet = options.walletClient
    this.#slashing = options.slashing
    this.#pollMs = options.pollMs ?? 2000
    this.#execute = options.execute ?? true
  }

  #resolve() {
    this.#addresses ??= (async () => {
      const [restaking, validatorSets] = await Promise.all([
        this.#client.readContract({ address: this.#slashing, abi: SlashingAbi, functionName: 'restaking' }),
        this.#client.readContract({ address: this.#slashing, abi: SlashingAbi, functionName: 'validatorSets' }),
      ])
      return { restaking, validatorSets }
    })()
    return this.#addresses
  }

  /**
   * Everything the contract checks, done locally against the on-chain set: chain known, epoch
   * published and inside the evidence window, signatures, membership, offence not yet reported.
   */
  async check(ev: EquivocationEvidence): Promise<{ set: ValidatorSet; checked: CheckedEvidence; offenceKey: Hex }> {
    const { restaking, validatorSets } = await this.#resolve()
    const spnId = await this.#client.readContract({
      address: restaking,
      abi: RestakingAbi,
      functionName: 'spnIdOfChain',
      args: [BigInt(ev.chainId)],
    })
    if (spnId === 0) throw new EvidenceError('UnknownChain', 'chainId', `${ev.chainId}`, 'No SPN runs this chain id')
    const latest = await this.#client.readContract({
      address: validatorSets,
      abi: ValidatorSetsAbi,
      functionName: 'latestEpoch',
      args: [spnId],
    })
    if (BigInt(ev.epoch) < 1n || BigInt(ev.epoch) > latest)
      throw new EvidenceError('UnknownEpoch', 'epoch', `${ev.epoch} (latest ${latest})`, 'Epoch was never published')
    const set = await readValidatorSet(this.#client, validatorSets, spnId, BigInt(ev.epoch))
    const [capture, window, block] = await Promise.all([
      this.#client.readContract({
        address: validatorSets,
        abi: ValidatorSetsAbi,
        functionName: 'captureTime',
        args: [spnId, BigInt(ev.epoch)],
      }),
      this.#client.readContract({ address: restaking, abi: RestakingAbi, functionName: 'evidenceWindow' }),
      this.#client.getBlock(),
    ])
    if (block.timestamp > capture + window)
      throw new EvidenceError('EvidenceExpired', 'epoch', `window closed at ${capture + window}`, 'Too late to slash')
    const checked = checkEvidence(ev, set)
    const key = offenceKey({ ...ev, signer: checked.signer })
    const reported = await this.#client.readContract({
      address: this.#slashing,
      abi: SlashingAbi,
      functionName: 'offenceReported',
      args: [key],
    })
    if (reported)
      throw new EvidenceError('OffenceAlreadyReported', 'offenceKey', key, 'Someone already reported this offence')
    return { set, checked, offenceKey: key }
  }

  /** Checks locally, then submits; resolves with the request id once the transaction is mined. */
  async submit(ev: EquivocationEvidence): Promise<Submitted> {
    const { set, checked, offenceKey: key } = await this.check(ev)
    const args = [evidenceArgs(ev), set.validators, set.powers] as const
    const simulated = await this.#client
      .simulateContract({
        account: this.#wallet.account,
        address: this.#slashing,
        abi: SlashingAbi,
        functionName: 'submitEvidence',
        args,
      })
      .catch((error: unknown) => {
        const name = rejectionFromRevert(error) ?? 'unknown revert'
        throw new SlashFollowError(undefined, `submitEvidence would revert with ${name}`, 'Re-check the evidence')
      })
    const txHash = await this.#wallet.writeContract(simulated.request)
    const receipt = await this.#client.waitForTransactionReceipt({ hash: txHash })
    if (receipt.status !== 'success')
      throw new SlashFollowError(undefined, `submitEvidence reverted in ${txHash}`, 'Check the node and retry')
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== this.#slashing.toLowerCase()) continue
      try {
        const event = decodeEventLog({ abi: SlashingAbi, data: log.data, topics: log.topics })
        if (event.eventName === 'EvidenceAccepted')
          return { requestId: event.args.id, offenceKey: key, txHash, checked }
      } catch {}
    }
    throw new SlashFollowError(undefined, `no EvidenceAccepted event in ${txHash}`, 'Is this the Slashing contract?')
  }

  /** Follows a request until it is vetoed or executed (executing it when allowed and due). */
  async follow(requestId: bigint, signal?: AbortSignal): Promise<SlashOutcome> {
    let executeTx: Hex | undefined
    for (;;) {
      if (signal?.aborted) throw new SlashFollowError(requestId, 'aborted while following', 'Call follow() again')
      const r = await this.#client.readContract({
        address: this.#slashing,
        abi: SlashingAbi,
        functionName: 'request',
        args: [requestId],
      })
      if (r.status === STATUS_VETOED)
        return { requestId, status: 'vetoed', slashed: 0n, operator: r.operator, executeTx }
      if (r.status === STATUS_EXECUTED)
        return { requestId, status: 'executed', slashed: r.slashed, operator: r.operator, executeTx }
      if (r.status !== STATUS_PENDING)
        throw new SlashFollowError(requestId, `unexpected status ${r.status}`, 'Check the request id')
      if (this.#execute) executeTx = (await this.#tryExecute(requestId)) ?? executeTx
      if (executeTx) continue
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs))
    }
  }

  async submitAndFollow(ev: EquivocationEvidence, signal?: AbortSignal): Promise<SlashOutcome & Submitted> {
    const submitted = await this.submit(ev)
    return { ...submitted, ...(await this.follow(submitted.requestId, signal)) }
  }

  async #tryExecute(requestId: bigint): Promise<Hex | undefined> {
    try {
      const { request } = await this.#client.simulateContract({
        account: this.#wallet.account,
        address: this.#slashing,
        abi: SlashingAbi,
        functionName: 'execute',
        args: [requestId],
      })
      const hash = await this.#wallet.writeContract(request)
      const receipt = await this.#client.waitForTransactionReceipt({ hash })
      return receipt.status === 'success' ? hash : undefined
    } catch (error) {
      const name = rejectionFromRevert(error)
      if (name && (RETRYABLE.has(name) || name === 'NotPending')) return undefined
      throw new SlashFollowError(requestId, `execute failed: ${name ?? (error as Error).message}`, 'Check the node')
    }
  }
}
