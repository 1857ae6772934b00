import { EventEmitter } from 'node:events'
import { fromHex, keccak256Concat, recoverAddress, signDigest, toHex } from '@spnkit/crypto'
import { EMPTY_ROOT, headerHash, listRoot, nextBaseFee, ZERO_HASH } from '../block/header.ts'
import { buildReceipts } from '../block/receipts.ts'
import type { BlockHeader, BlockSignature } from '../block/types.ts'
import type { ChainDb } from '../chaindb/chaindb.ts'
import type { Mempool, PooledTransaction } from '../mempool/mempool.ts'
import { TransactionRejected } from '../mempool/rejection.ts'
import type { OrderedSlot, Ordering } from '../ordering/types.ts'
import type { CallOutcome, ChainApi, FinalityStatus, FinalityTier } from '../rpc/api.ts'
import type { CallRequest } from '../rpc/params.ts'
import { OverlayState } from '../state/overlay.ts'
import type { StateBackend, StateDiff, StateReader } from '../state/types.ts'
import { encodeUint } from '../tx/rlp.ts'
import type { SenderRecovery } from '../tx/sender-recovery.ts'
import { type Address, decodeTransaction, type Hex, type Transaction } from '../tx/transaction.ts'
import type { BlockContext, ExecutionEngine, TxInput } from './engine.ts'
import { type ExecutedBlock, executeBlock } from './execute-block.ts'
import { FinalityTracker } from './finality.ts'

export type NodeLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void

export type NodeOptions = {
  chainId: bigint
  clientVersion: string
  engine: ExecutionEngine
  state: StateBackend
  db: ChainDb
  mempool: Mempool
  ordering: Ordering
  recovery: SenderRecovery
  /** This validator's key: it signs every block header it commits (the seal). Absent on followers. */
  validatorKey: Uint8Array | undefined
  validatorAddress: Address | undefined
  /** Followers hand transactions to the validator they follow instead of pooling them. */
  forward?: (raw: Uint8Array) => Promise<Hex>
  /** Called for every transaction admitted to the pool, at once (consensus forwards it to the sender's owner). */
  onPooled?: (tx: PooledTransaction) => void
  /** Called with the pool's transactions in per-sender nonce order, without gaps (consensus proposes from these). */
  onAdmitted?: (tx: PooledTransaction) => void
  /** Connected consensus peers, for net_peerCount and metrics. */
  peerCount?: () => number
  /** Called with this validator's signature of each committed block (to gossip it to the other validators). */
  onBlockSigned?: (number: bigint, signature: BlockSignature) => void
  /** Validator set and the power a finalized seal needs. */
  validators: { address: Address; power: bigint }[]
  gasLimit: bigint
  minBaseFee: bigint
  priorityFee: bigint
  /** The Mailbox whose outbox root goes into every header's extraData (a view call returning bytes32). */
  outbox?: { address: Address; rootCalldata: Uint8Array }
  /** Slots that may be ordered ahead of execution (back-pressure on ordering). */
  pipelineDepth: number
  log: NodeLog
  /** Called with every ordered tx batch (other validators' pools learn what to drop). */
  onFatal?: (error: Error) => void
}

export class PipelineStoppedError extends Error {
  override readonly name = 'PipelineStoppedError'
}

type Executed = { slot: OrderedSlot; exec: ExecutedBlock; baseFee: bigint }

/**
 * The node: ingest → order → execute → merklize/commit, pipelined. Ordering of slot N+1 runs while
 * N executes and N-1 is committed; each hand-off is a bounded queue, so a slow stage holds the
 * ones before it back. The first error in any stage stops the whole pipeline (nothing partial is
 * committed: a block is the single store commit + one appended record) and is reported via onFatal.
 */
export class Node implements ChainApi {
  readonly chainId: bigint
  readonly clientVersion: string
  readonly db: ChainDb
  readonly mempool: Mempool
  readonly state: StateBackend
  readonly #o: NodeOptions
  readonly #events = new EventEmitter()
  readonly #finality = new FinalityTracker()
  /** Diffs executed but not yet committed, oldest first (execution reads through them). */
  readonly #uncommitted: { number: bigint; diff: StateDiff; digest: Hex }[] = []
  readonly #toExecute: OrderedSlot[] = []
  readonly #toCommit: Executed[] = []
  #headReader: StateReader
  readonly #early = new Map<bigint, BlockSignature[]>()
  readonly #ingest: { raw: Uint8Array; resolve: (r: Hex | Error) => void }[] = []
  /** Next nonce per sender not yet handed to ordering (consensus). */
  readonly #released = new Map<Address, bigint>()
  #finalized = 0n
  #running = false
  #failure: Error | undefined
  #wakers = new Set<() => void>()
  #loops: Promise<void>[] = []
  readonly stats = { stageMs: { order: 0, execute: 0, commit: 0 }, txs: 0, blocks: 0 }

  constructor(options: NodeOptions) {
    this.#o = options
    this.chainId = options.chainId
    this.clientVersion = options.clientVersion
    this.db = options.db
    this.mempool = options.mempool
    this.state = options.state
    this.#events.setMaxListeners(0)
    this.#headReader = options.state.reader(options.state.latestVersion())
    this.#finalized = this.#lastFinalized()
  }

  /** The newest block whose seal carries a quorum of validator power. */
  #lastFinalized(): bigint {
    for (let n = this.db.height; n >= 0n; n--) if (this.#hasQuorum(this.db.byNumber(n)!.seal)) return n
    return 0n
  }

  #quorum(): bigint {
    const total = this.#o.validators.reduce((s, v) => s + v.power, 0n)
    return (2n * total) / 3n + 1n
  }

  #hasQuorum(seal: BlockSignature[]): boolean {
    let power = 0n
    for (const s of seal) power += this.#o.validators.find((v) => v.address === s.validator)?.power ?? 0n
    return power >= this.#quorum()
  }

  /** State after the newest executed block (committed or not): what the mempool validates against. */
  get headReader(): StateReader {
    return this.#headReader
  }

  /** Consensus slot of the newest block (0 when none came from consensus). */
  lastSlot(): number {
    for (let n = this.db.height; n >= 0n; n--) {
      const slot = this.db.byNumber(n)!.slot
      if (slot !== undefined) return slot
    }
    return 0
  }

  latest(): bigint {
    return this.db.height
  }

  finalized(): bigint {
    return this.#finalized
  }

  priorityFee(): bigint {
    return this.#o.priorityFee
  }

  peerCount(): number {
    return this.#o.peerCount?.() ?? 0
  }

  accounts(): Address[] {
    return []
  }

  on(event: string, fn: (...args: never[]) => void): () => void {
    this.#events.on(event, fn as (...args: unknown[]) => void)
    return () => this.#events.off(event, fn as (...args: unknown[]) => void)
  }

  finality(hash: Hex): FinalityStatus {
    const found = this.db.transaction(hash)
    if (found) {
      const n = found.block.header.number
      return { tier: n <= this.#finalized ? 'finalized' : 'executed', blockNumber: n, blockHash: found.block.hash }
    }
    const tracked = this.#finality.get(hash)
    if (tracked) return tracked
    if (this.mempool.get(hash)) return { tier: 'pending' }
    return { tier: 'unknown' }
  }

  async submit(raw: Uint8Array): Promise<Hex> {
    if (this.#o.forward) {
      decodeTransaction(raw) // refuse garbage here rather than upstream
      return this.#o.forward(raw)
    }
    // Calls arriving in the same turn of the event loop (a JSON-RPC batch) share one sender
    // recovery round trip to the worker thread.
    const result = await new Promise<Hex | Error>((resolve) => {
      this.#ingest.push({ raw, resolve })
      if (this.#ingest.length === 1) setImmediate(() => this.#flushIngest())
    })
    if (result instanceof Error) throw result
    return result
  }

  #flushIngest(): void {
    const items = this.#ingest.splice(0)
    this.submitBatch(items.map((i) => i.raw)).then(
      (results) => {
        for (let i = 0; i < items.length; i++) items[i]!.resolve(results[i]!)
      },
      (e: Error) => {
        for (const i of items) i.resolve(e)
      },
    )
  }

  /** Admits many raw transactions with one batched sender recovery; per-item hash or error. */
  async submitBatch(raws: readonly Uint8Array[]): Promise<(Hex | Error)[]> {
    const decoded = raws.map((raw) => {
      try {
        return decodeTransaction(raw)
      } catch (e) {
        return e as Error
      }
    })
    const txs = decoded.filter((d): d is Transaction => !(d instanceof Error))
    const senders = await this.#o.recovery.recover(txs)
    let s = 0
    return decoded.map((d) => {
      if (d instanceof Error) return d
      const from = senders[s++]
      if (!from)
        return new TransactionRejected(
          'InvalidSignature',
          'invalid signature: the sender cannot be recovered (check r, s, v and the chain id you signed for)',
        )
      try {
        const pooled = { ...d, from }
        this.mempool.add(pooled)
        this.#o.onPooled?.(pooled)
        if (this.#o.onAdmitted) this.#release(from)
        this.#events.emit('pendingTransaction', d.hash)
        this.#events.emit('submitted')
        return d.hash
      } catch (e) {
        return e as Error
      }
    })
  }

  /**
   * Hands the sender's pooled transactions to ordering strictly in nonce order, from the next
   * unreleased nonce: consensus commits (sender, nonce) keys for good, so a transaction released
   * ahead of a gap would be ordered, fail to execute and burn its nonce in the dedup horizon.
   */
  #release(sender: Address): void {
    const accountNonce = this.#headReader.getAccount(sender)?.nonce ?? 0n
    const released = this.#released.get(sender)
    let next = released !== undefined && released > accountNonce ? released : accountNonce
    for (let tx = this.mempool.byNonce(sender, next); tx; tx = this.mempool.byNonce(sender, ++next))
      this.#o.onAdmitted!(tx)
    this.#released.set(sender, next)
  }

  #blockContext(
    number: bigint,
    timestamp: bigint,
    coinbase: Address,
    baseFee: bigint,
    prevRandao: bigint,
  ): BlockContext {
    return {
      chainId: this.chainId,
      number,
      timestamp,
      coinbase,
      gasLimit: this.#o.gasLimit,
      baseFee,
      prevRandao,
      excessBlobGas: 0n,
      blockHash: (n) => {
        const block = this.db.byNumber(n)
        if (block) return fromHex(block.hash)
        // Still being merklized (pipelining): its ordering digest stands in, the same on every validator.
        const pending = this.#uncommitted.find((u) => u.number === n)
        return pending ? fromHex(pending.digest) : new Uint8Array(32)
      },
    }
  }

  call(request: CallRequest, number: bigint, gasCap?: bigint): CallOutcome {
    const header = this.db.byNumber(number)?.header
    if (!header) throw new Error(`block ${number} not found`)
    const reader = number === this.db.height ? this.#headReader : this.state.reader(number)
    const from = request.from ?? '0x0000000000000000000000000000000000000000'
    const gas = request.gas ?? gasCap ?? this.#o.gasLimit
    const input: TxInput = {
      type: 0,
      from,
      to: request.to,
      nonce: reader.getAccount(from)?.nonce ?? 0n,
      gasLimit: minBig(gas, this.#o.gasLimit),
      gasPrice: 0n,
      value: request.value,
      data: request.data,
      accessList: request.accessList.map((e) => ({
        address: e.address,
        storageKeys: e.storageKeys.map((k) => BigInt(k)),
      })),
    }
    // As geth's eth_call: zero gas price and zero base fee, so a sender needs no balance for gas.
    const context = this.#blockContext(number + 1n, header.timestamp, header.miner, 0n, BigInt(header.mixHash))
    const result = this.#o.engine.begin(reader, context).execute(input)
    if (!result.included)
      return { success: false, gasUsed: 0n, output: new Uint8Array(0), error: result.rejection.message }
    return {
      success: result.status === 'success',
      gasUsed: result.gasUsed,
      output: result.returnData,
      error:
        result.status === 'halt' ? (result.haltReason ?? 'halt') : result.status === 'revert' ? 'revert' : undefined,
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Creates block 0 from `genesisDiff` if the chain is empty. */
  async initGenesis(
    genesisDiff: StateDiff,
    timestamp: bigint,
    baseFee: bigint,
    deployments: { from: Address; initcode: Uint8Array }[] = [],
  ): Promise<void> {
    if (this.db.length > 0) return
    // System contracts are deployed by running their creation code with DTVM at genesis, so their
    // constructors (immutables, owners) run exactly as they would in a transaction.
    const state = new OverlayState(this.state.reader(-1n), [genesisDiff])
    if (deployments.length > 0) {
      const context = this.#blockContext(0n, timestamp, '0x0000000000000000000000000000000000000000', 0n, 0n)
      const session = this.#o.engine.begin(state, context)
      const nonces = new Map<Address, bigint>()
      for (const d of deployments) {
        const nonce = nonces.get(d.from) ?? state.getAccount(d.from)?.nonce ?? 0n
        nonces.set(d.from, nonce + 1n)
        const result = session.execute({
          type: 0,
          from: d.from,
          to: null,
          nonce,
          gasLimit: 30_000_000n,
          gasPrice: 0n,
          value: 0n,
          data: d.initcode,
        })
        if (!result.included || result.status !== 'success')
          throw new Error(
            `genesis deployment from ${d.from} failed: ${result.included ? (result.haltReason ?? result.status) : result.rejection.message}`,
          )
      }
      state.apply(session.diff())
    }
    const root = await this.state.commit(0n, state.merged())
    const header: BlockHeader = {
      parentHash: ZERO_HASH,
      number: 0n,
      timestamp,
      miner: '0x0000000000000000000000000000000000000000',
      stateRoot: root,
      transactionsRoot: EMPTY_ROOT,
      receiptsRoot: EMPTY_ROOT,
      logsBloom: new Uint8Array(256),
      gasLimit: this.#o.gasLimit,
      gasUsed: 0n,
      baseFeePerGas: baseFee,
      extraData: this.#outboxRoot(0n, timestamp, '0x0000000000000000000000000000000000000000', ZERO_HASH),
      mixHash: ZERO_HASH,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: ZERO_HASH,
      withdrawalsRoot: EMPTY_ROOT,
    }
    // Genesis is final by definition: every validator starts from it.
    this.db.append(
      header,
      [],
      [],
      this.#o.validators.map((v) => ({ validator: v.address, signature: '0x' })),
    )
    this.#headReader = this.state.reader(0n)
  }

  /**
   * After a crash between the state commit of block N and its append to the block log, the store
   * is one version ahead: rebuild block N by re-executing its recorded slot over state N-1.
   */
  recover(): void {
    const stateHead = this.state.latestVersion()
    if (stateHead === this.db.height) return
    const pending = this.db.pending
    if (stateHead !== this.db.height + 1n || !pending || pending.number !== stateHead)
      throw new Error(
        `state store is at block ${stateHead} but the block log ends at ${this.db.height} and holds no record of the missing block; restore the data directory from a backup or resync as a follower`,
      )
    const parent = this.db.byNumber(this.db.height)!
    const baseFee = nextBaseFee(parent.header, this.#o.minBaseFee)
    const context = this.#blockContext(
      pending.number,
      pending.timestamp,
      pending.proposer,
      baseFee,
      BigInt(pending.digest),
    )
    const exec = executeBlock(this.#o.engine, this.state.reader(this.db.height), context, pending.txs)
    this.#appendBlock({ ...pending }, exec, baseFee, this.state.root(pending.number))
    this.#o.log('warn', 'rebuilt the block interrupted by a crash from its recorded slot', { block: pending.number })
    this.#headReader = this.state.reader(pending.number)
  }

  start(): void {
    if (this.#running) return
    if (this.db.length === 0) throw new Error('Node.start: no genesis block; call initGenesis first')
    this.recover()
    this.#running = true
    this.mempool.setBaseFee(nextBaseFee(this.db.byNumber(this.db.height)!.header, this.#o.minBaseFee))
    this.#loops = [this.#orderLoop(), this.#executeLoop(), this.#commitLoop()]
  }

  /** Stops ordering, lets executed blocks finish committing, then resolves. */
  async stop(): Promise<void> {
    this.#running = false
    await this.#o.ordering.close()
    this.#wakeAll()
    await Promise.allSettled(this.#loops)
  }

  get failure(): Error | undefined {
    return this.#failure
  }

  #fail(stage: string, error: unknown): void {
    if (this.#failure) return
    const e = error instanceof Error ? error : new Error(String(error))
    this.#failure = new PipelineStoppedError(`pipeline stage "${stage}" failed: ${e.message}`, { cause: e })
    this.#o.log('error', this.#failure.message, { stack: e.stack })
    this.#running = false
    void this.#o.ordering.close()
    this.#wakeAll()
    this.#o.onFatal?.(this.#failure)
  }

  #wakeAll(): void {
    // Waiters whose condition still fails re-register themselves, so take the current set first.
    const waiters = [...this.#wakers]
    this.#wakers.clear()
    for (const w of waiters) w()
  }

  #waitFor(condition: () => boolean): Promise<void> {
    if (condition() || !this.#running) return Promise.resolve()
    return new Promise((resolve) => {
      const check = () => {
        if (condition() || !this.#running) resolve()
        else this.#wakers.add(check)
      }
      this.#wakers.add(check)
    })
  }

  async #orderLoop(): Promise<void> {
    let number = this.db.height + 1n
    let parentTimestamp = this.db.byNumber(this.db.height)!.header.timestamp
    try {
      while (this.#running) {
        await this.#waitFor(() => this.#toExecute.length + this.#toCommit.length < this.#o.pipelineDepth)
        if (!this.#running) break
        const started = performance.now()
        const slot = await this.#o.ordering.next(number, parentTimestamp)
        if (!this.#running) break
        this.stats.stageMs.order = performance.now() - started
        const hashes = slot.txs.map((t) => t.hash)
        this.#finality.mark(hashes, 'ordered', slot.number)
        this.#events.emit('finality', { tier: 'ordered', hashes, blockNumber: slot.number })
        this.#toExecute.push(slot)
        this.#wakeAll()
        number++
        parentTimestamp = slot.timestamp
      }
    } catch (e) {
      if (this.#running) this.#fail('order', e)
    }
  }

  async #executeLoop(): Promise<void> {
    try {
      let baseFee = nextBaseFee(this.db.byNumber(this.db.height)!.header, this.#o.minBaseFee)
      while (this.#running || this.#toExecute.length > 0) {
        await this.#waitFor(() => this.#toExecute.length > 0)
        const slot = this.#toExecute.shift()
        if (!slot) break
        const started = performance.now()
        const base = new OverlayState(
          this.state.reader(this.state.latestVersion()),
          this.#uncommitted.map((u) => u.diff),
        )
        const context = this.#blockContext(slot.number, slot.timestamp, slot.proposer, baseFee, BigInt(slot.digest))
        const exec = executeBlock(this.#o.engine, base, context, slot.txs)
        this.#uncommitted.push({ number: slot.number, diff: exec.diff, digest: slot.digest })
        base.apply(exec.diff)
        this.#headReader = base
        this.mempool.removeStale(exec.touched as Set<Address>)
        const ordering = this.#o.ordering as { executed?: (txs: readonly PooledTransaction[]) => void }
        ordering.executed?.(slot.txs)
        for (const d of exec.dropped) {
          this.#o.log('debug', 'transaction dropped at execution', { hash: d.tx.hash, reason: d.reason })
          this.#released.delete(d.tx.from)
        }
        if (this.#o.onAdmitted) for (const sender of new Set(exec.dropped.map((d) => d.tx.from))) this.#release(sender)
        this.#finality.forget(exec.dropped.map((d) => d.tx.hash))
        const hashes = exec.included.map((t) => t.hash)
        this.#finality.mark(hashes, 'executed', slot.number)
        this.#events.emit('finality', { tier: 'executed', hashes, blockNumber: slot.number })
        this.#toCommit.push({ slot, exec, baseFee })
        baseFee = nextBaseFee(
          { gasUsed: exec.gasUsed, gasLimit: this.#o.gasLimit, baseFeePerGas: baseFee },
          this.#o.minBaseFee,
        )
        this.mempool.setBaseFee(baseFee)
        this.stats.stageMs.execute = performance.now() - started
        this.#wakeAll()
      }
    } catch (e) {
      this.#fail('execute', e)
    }
  }

  async #commitLoop(): Promise<void> {
    try {
      while (this.#running || this.#toCommit.length > 0 || this.#toExecute.length > 0) {
        await this.#waitFor(() => this.#toCommit.length > 0)
        const item = this.#toCommit[0]
        if (!item) {
          if (!this.#running && this.#toExecute.length === 0) break
          continue
        }
        const started = performance.now()
        const { slot, exec, baseFee } = item
        this.db.writePending(slot)
        const root = await this.state.commit(slot.number, exec.diff)
        this.#appendBlock(slot, exec, baseFee, root)
        this.#toCommit.shift()
        this.#uncommitted.shift()
        this.stats.stageMs.commit = performance.now() - started
        this.stats.txs += exec.included.length
        this.stats.blocks++
        this.#events.emit('block', slot.number)
        this.#addSignatures(slot.number, [], false)
        const early = this.#early.get(slot.number)
        if (early) {
          this.#early.delete(slot.number)
          this.addBlockSignatures(slot.number, early)
        }
        this.#wakeAll()
      }
    } catch (e) {
      this.#fail('commit', e)
    }
  }

  /** The Mailbox outbox root after block `number` (a view call over its committed state), or zero without a Mailbox. */
  #outboxRoot(number: bigint, timestamp: bigint, proposer: Address, digest: Hex): Hex {
    const outbox = this.#o.outbox
    if (!outbox) return ZERO_HASH
    const context = this.#blockContext(number, timestamp, proposer, 0n, BigInt(digest))
    const result = this.#o.engine.begin(this.state.reader(number), context).execute({
      type: 0,
      from: '0x0000000000000000000000000000000000000000',
      to: outbox.address,
      nonce: this.state.reader(number).getAccount('0x0000000000000000000000000000000000000000')?.nonce ?? 0n,
      gasLimit: 1_000_000n,
      gasPrice: 0n,
      value: 0n,
      data: outbox.rootCalldata,
    })
    if (!result.included || result.status !== 'success' || result.returnData.length !== 32)
      throw new Error(`the Mailbox at ${outbox.address} did not return its outbox root after block ${number}`)
    return toHex(result.returnData)
  }

  /** Builds the header of an executed slot over `root`, checks it against `slot.expected`, seals and appends it. */
  #appendBlock(slot: OrderedSlot, exec: ExecutedBlock, baseFee: bigint, root: Hex): void {
    const parent = this.db.byNumber(slot.number - 1n)!
    const provisional = buildReceipts(exec.included, exec.outcomes, slot.number, ZERO_HASH)
    const header: BlockHeader = {
      parentHash: parent.hash,
      number: slot.number,
      timestamp: slot.timestamp,
      miner: slot.proposer,
      stateRoot: root,
      transactionsRoot: listRoot(exec.included.map((t) => fromHex(t.hash))),
      receiptsRoot: listRoot(provisional.receipts.map((r) => receiptHash(r.status, r.cumulativeGasUsed, r.logsBloom))),
      logsBloom: provisional.bloom,
      gasLimit: this.#o.gasLimit,
      gasUsed: exec.gasUsed,
      baseFeePerGas: baseFee,
      extraData: this.#outboxRoot(slot.number, slot.timestamp, slot.proposer, slot.digest),
      mixHash: slot.digest,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: ZERO_HASH,
      withdrawalsRoot: EMPTY_ROOT,
    }
    const blockHash = headerHash(header)
    if (slot.expected) {
      // Following: the block must come out exactly as the validators made it, or we stop.
      if (root !== slot.expected.stateRoot || blockHash !== slot.expected.hash)
        throw new Error(
          `block ${slot.number} re-executed to state root ${root} / hash ${blockHash}, but the validators have ${slot.expected.stateRoot} / ${slot.expected.hash}`,
        )
    }
    const seal: BlockSignature[] = []
    if (this.#o.validatorKey && this.#o.validatorAddress) {
      const signature = toHex(signDigest(fromHex(blockHash), this.#o.validatorKey))
      seal.push({ validator: this.#o.validatorAddress, signature })
    }
    if (slot.expected)
      seal.push(
        ...this.#validSignatures(blockHash, slot.expected.seal).filter(
          (s) => !seal.some((x) => x.validator === s.validator),
        ),
      )
    this.db.append(header, exec.included, exec.outcomes, seal, slot.slot)
    if (seal[0] && this.#o.validatorAddress && seal[0].validator === this.#o.validatorAddress)
      this.#o.onBlockSigned?.(slot.number, seal[0])
  }

  #validSignatures(blockHash: Hex, signatures: BlockSignature[]): BlockSignature[] {
    const digest = fromHex(blockHash)
    return signatures.filter((s) => {
      if (!this.#o.validators.some((v) => v.address === s.validator)) return false
      try {
        return toHex(recoverAddress(digest, fromHex(s.signature))) === s.validator
      } catch {
        return false
      }
    })
  }

  addBlockSignatures(number: bigint, signatures: BlockSignature[]): boolean {
    const entry = this.db.byNumber(number)
    if (!entry) {
      // A faster validator's signature for a block we have not committed yet: keep it for then.
      if (number > this.db.height && number <= this.db.height + 64n)
        this.#early.set(number, [...(this.#early.get(number) ?? []), ...signatures])
      return false
    }
    const fresh = this.#validSignatures(entry.hash, signatures).filter(
      (s) => !entry.seal.some((x) => x.validator === s.validator),
    )
    if (fresh.length === 0) return false
    this.#addSignatures(number, fresh, true)
    return true
  }

  /** Adds validator signatures to a block's seal; emits `finalized` tiers when the seal reaches quorum. */
  #addSignatures(number: bigint, signatures: BlockSignature[], persist: boolean): void {
    const entry = this.db.byNumber(number)
    if (!entry) return
    for (const s of signatures) if (!entry.seal.some((x) => x.validator === s.validator)) entry.seal.push(s)
    if (persist) this.db.setSeal(number, entry.seal)
    if (number > this.#finalized && this.#hasQuorum(entry.seal)) {
      const from = this.#finalized + 1n
      this.#finalized = number
      for (let n = from; n <= number; n++) {
        const hashes = this.db.byNumber(n)!.transactions.map((t) => t.hash)
        this.#finality.mark(hashes, 'finalized', n)
        this.#events.emit('finality', { tier: 'finalized' as FinalityTier, hashes, blockNumber: n })
      }
    }
  }
}

/** Per-receipt commitment: keccak(status ‖ cumulativeGasUsed ‖ bloom), listed into receiptsRoot. */
function receiptHash(status: 0 | 1, cumulativeGasUsed: bigint, bloom: Uint8Array): Uint8Array {
  return keccak256Concat(Uint8Array.of(status), encodeUint(cumulativeGasUsed), bloom)
}

const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b)
