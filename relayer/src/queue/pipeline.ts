import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import type { Hex } from 'viem'
import type { ChainConfig } from '../config/types.ts'
import type { MessageRow } from '../db/repository.ts'
import { stageTimestamp } from '../db/repository.ts'
import type { Stage } from '../db/schema.ts'
import { messageOf, PermanentMessageError, RelayerError, reasonOf } from '../errors.ts'
import { dispatchLogs, mailboxCount } from '../protocol/contracts.ts'
import { decodeMessage } from '../protocol/message.ts'
import { nextStage, route, stageIndex } from '../protocol/route.ts'
import { retryDelayMs } from './backoff.ts'
import { AwaitingError, runStage, type StageContext } from './stages.ts'

// BullMQ wiring. One queue per stage (queue depth per stage is the first thing an operator looks
// at), the message id as the job id in every queue (a duplicate add is a no-op), a dead-letter
// queue, and a scheduled observe job per chain. Workers in every process pull from every queue;
// BullMQ's job locks plus the idempotent stages keep a message moving once.

export const STAGE_QUEUES = ['checkpoint', 'submit', 'inclusion', 'deliver', 'confirm'] as const
export type StageQueue = (typeof STAGE_QUEUES)[number]
export const DEAD_QUEUE = 'dead'
export const OBSERVE_QUEUE = 'observe'

type MessageJob = { id: string }
type ObserveJob = { domain: number }

export class NotFoundError extends RelayerError {}
export class ConflictError extends RelayerError {}

export class Pipeline {
  readonly ctx: StageContext
  readonly queues: Record<StageQueue, Queue<MessageJob>>
  readonly dead: Queue<{ id: string; stage: string; reason: string; error: string }>
  readonly observe: Queue<ObserveJob>
  readonly #connections: Redis[] = []
  readonly #workers: Worker[] = []
  #closed = false

  constructor(ctx: StageContext) {
    this.ctx = ctx
    const { url, prefix } = ctx.config.redis
    // Queues fail fast when Redis is down (the caller retries); workers wait for it to come back.
    const queueConnection = this.#redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 3 })
    const queue = <T>(name: string) => new Queue<T>(name, { connection: queueConnection, prefix })
    this.queues = Object.fromEntries(STAGE_QUEUES.map((s) => [s, queue<MessageJob>(s)])) as Record<
      StageQueue,
      Queue<MessageJob>
    >
    this.dead = queue(DEAD_QUEUE)
    this.observe = queue<ObserveJob>(OBSERVE_QUEUE)
    for (const q of [...Object.values(this.queues), this.dead, this.observe]) {
      q.on('error', (error) => ctx.log.debug('queue connection error', { queue: q.name, error: error.message }))
    }
  }

  #redis(url: string, options: { enableOfflineQueue: boolean; maxRetriesPerRequest: number | null }): Redis {
    const redis = new Redis(url, { ...options, retryStrategy: (times) => Math.min(times * 200, 2_000) })
    redis.on('error', (error) => this.ctx.log.debug('redis connection error', { error: error.message }))
    this.#connections.push(redis)
    return redis
  }

  jobOptions(id: string) {
    return {
      jobId: id,
      attempts: this.ctx.config.maxAttempts,
      backoff: { type: 'stepped' },
      // Completed jobs are kept a day so a replayed add of the same id stays a no-op.
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: false,
    }
  }

  /** Adds jobs for new messages (a duplicate id is a no-op). */
  async enqueue(stage: Stage, ids: string[]): Promise<void> {
    if (stage === 'done' || ids.length === 0) return
    await this.queues[stage].addBulk(ids.map((id) => ({ name: stage, data: { id }, opts: this.jobOptions(id) })))
  }

  /**
   * Makes sure the message's current stage has a live job. A finished job under the same id (a
   * stage entered again after a reorg or a manual retry, or a job that ran before the message got
   * there) is replaced, since BullMQ would otherwise treat the new add as a duplicate.
   */
  async ensureJob(stage: Stage, id: string): Promise<void> {
    if (stage === 'done') return
    const queue = this.queues[stage]
    const existing = await queue.getJob(id)
    if (existing) {
      const state = await existing.getState()
      if (state !== 'completed' && state !== 'failed') return
      await existing.remove().catch(() => {})
    }
    await queue.add(stage, { id }, this.jobOptions(id))
  }

  /** Starts the workers and the per-chain observe schedules. */
  async start(): Promise<void> {
    const { config } = this.ctx
    const workerOptions = (concurrency: number) => ({
      connection: this.#redis(config.redis.url, { enableOfflineQueue: true, maxRetriesPerRequest: null }),
      prefix: config.redis.prefix,
      concurrency,
      // Locks are renewed every lockDuration/2 while the process lives; a killed process's jobs are
      // back in the queue within lockDuration + stalledInterval.
      lockDuration: 6_000,
      stalledInterval: 3_000,
      // A job whose process was killed is picked up again however often that happens; the stage
      // itself is idempotent, so re-running it is safe.
      maxStalledCount: 1_000,
      // Seconds a worker blocks waiting for jobs; short so close() (graceful shutdown) returns fast.
      drainDelay: 1,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, job?: { id?: string }) =>
          retryDelayMs(job?.id ?? '', attemptsMade, config.backoffScale),
      },
    })
    for (const stage of STAGE_QUEUES) {
      const worker = new Worker<MessageJob>(
        stage,
        (job, token) => this.#process(stage, job, token),
        workerOptions(config.concurrency),
      )
      worker.on('error', (error) => this.ctx.log.warn('worker error', { stage, error: error.message }))
      this.#workers.push(worker)
    }
    const observer = new Worker<ObserveJob>(
      OBSERVE_QUEUE,
      (job) => this.#observe(job.data.domain),
      workerOptions(this.ctx.chains.size),
    )
    observer.on('error', (error) => this.ctx.log.warn('observer error', { error: error.message }))
    this.#workers.push(observer)
    for (const chain of this.ctx.chains.values()) {
      await this.observe.upsertJobScheduler(
        `observe-${chain.domain}`,
        { every: chain.pollIntervalMs },
        { name: 'observe', data: { domain: chain.domain }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      )
    }
  }

  /** Graceful stop: workers finish their active jobs (or release them), then connections close. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.all(this.#workers.map((w) => w.close()))
    await Promise.all([...Object.values(this.queues), this.dead, this.observe].map((q) => q.close()))
    for (const c of this.#connections) c.disconnect()
  }

  async #process(stage: StageQueue, job: Job<MessageJob>, token?: string): Promise<void> {
    const { repo, metrics, log } = this.ctx
    const id = job.data.id
    const delay = async (ms: number) => {
      await job.moveToDelayed(Date.now() + ms, token)
      throw new DelayedError()
    }
    const row = await repo.get(id)
    // Jobs are added before their rows commit (see #observe); the observer writes the row shortly.
    if (!row) return delay(this.ctx.config.waitPollMs)
    if (row.status === 'delivered' || row.stage === 'done') return
    if (row.status === 'dead') return
    if (stageIndex(row.stage) < stageIndex(stage)) {
      // Early: a forwarded message seen on the hub before its submit stage finished. Completing now
      // could race the submit job's ensureJob (it would see this job active and add nothing), so
      // this job waits and looks again.
      return delay(this.ctx.config.waitPollMs)
    }
    if (row.stage !== stage) {
      // Replayed: the message moved on; make sure the stage it is in has a live job.
      await this.ensureJob(row.stage, id)
      return
    }
    try {
      const outcome = await runStage(this.ctx, stage, row)
      if (outcome.kind === 'wait') return await delay(this.ctx.config.waitPollMs)
      const stages = route(row.origin_domain === this.ctx.hub.domain, row.destination_domain === this.ctx.hub.domain)
      if (outcome.kind === 'back') {
        if (await repo.advance(id, stage, outcome.to)) {
          log.warn('delivery no longer on chain; delivering again', { id, reason: outcome.reason })
        }
        await this.ensureJob(outcome.to, id)
        return
      }
      const to = outcome.to ?? nextStage(stages, stage)
      const moved = await repo.advance(id, stage, to, outcome.patch)
      if (moved) this.#recordAdvance(row, stage, to, outcome.alreadyDone === true)
      await this.ensureJob(to, id)
    } catch (error) {
      if (error instanceof DelayedError) throw error
      if (error instanceof AwaitingError) return await delay(this.ctx.config.waitPollMs)
      const reason = reasonOf(error)
      const text = messageOf(error)
      const attempts = job.attemptsMade + 1
      const origin = this.ctx.chains.get(row.origin_domain)?.name ?? String(row.origin_domain)
      metrics.failures.inc({ chain: stage, reason })
      const permanent = error instanceof PermanentMessageError || (error instanceof RelayerError && !error.retryable)
      if (permanent || attempts >= this.ctx.config.maxAttempts) {
        await repo.markDead(id, stage, reason, text, attempts)
        await this.dead.add(
          'dead',
          { id, stage, reason, error: text.slice(0, 1000) },
          { jobId: id, removeOnComplete: true },
        )
        metrics.messages.inc({ origin, destination: this.#name(row.destination_domain), status: 'dead' })
        log.error('message dead-lettered', { id, stage, reason, attempts, error: text.split('\n')[0] })
        throw new UnrecoverableError(text)
      }
      await repo.recordFailure(id, stage, reason, text, attempts)
      log.warn('stage failed; retrying with backoff', { id, stage, reason, attempts, error: text.split('\n')[0] })
      throw error
    }
  }

  #name(domain: number): string {
    return this.ctx.chains.get(domain)?.name ?? String(domain)
  }

  #recordAdvance(row: MessageRow, from: Stage, to: Stage, alreadyDone: boolean): void {
    const { metrics } = this.ctx
    const now = Date.now()
    const column = stageTimestamp[from]
    const enteredAt = (column ? (row[column as keyof MessageRow] as number | null) : null) ?? row.created_at
    metrics.stageSeconds.observe({ stage: from }, (now - enteredAt) / 1000)
    const labels = { origin: this.#name(row.origin_domain), destination: this.#name(row.destination_domain) }
    if (alreadyDone) metrics.messages.inc({ ...labels, status: 'already_delivered' })
    if (to === 'done') {
      metrics.messages.inc({ ...labels, status: 'delivered' })
      metrics.relaySeconds.observe(labels, (now - row.created_at) / 1000)
    }
  }

  /**
   * Scans one block range of a chain's Mailbox. Jobs are added BEFORE the rows and the cursor commit:
   * after a crash in between, the range is scanned again and the adds are no-ops; a job that runs
   * before its row exists just waits.
   */
  async #observe(domain: number): Promise<void> {
    const { repo, metrics } = this.ctx
    const chain = this.ctx.chains.get(domain)!
    const chainClient = this.ctx.clients.get(domain)!
    const from = (await repo.cursor(domain)) ?? chain.startBlock
    const head = (await chainClient.getBlockNumber()) - BigInt(chain.confirmations)
    if (head < from) return
    const to = head - from + 1n > BigInt(chain.maxBlockRange) ? from + BigInt(chain.maxBlockRange) - 1n : head
    const logs = await dispatchLogs(chain, chainClient, from, to)
    const observed = this.#toObserved(chain, logs)
    for (const stage of STAGE_QUEUES) {
      const ids = observed.messages.filter((m) => m.firstStage === stage).map((m) => m.id)
      await this.enqueue(stage, ids)
    }
    const inserted = await repo.recordObserved(domain, observed, to + 1n)
    // The tree must be complete up to `to`, or proofs against it fail forever: a node may report a
    // head whose logs it has not indexed yet. Compare with the Mailbox's own leaf count and rescan
    // from the last contiguous leaf when something is missing.
    const onChain = await mailboxCount(chain, chainClient, to)
    const known = await repo.leafCountUpTo(domain, to)
    if (known !== onChain) {
      const resume = (await repo.lastContiguousLeafBlock(domain)) ?? chain.startBlock
      await repo.rewindCursor(domain, resume)
      this.ctx.log.warn('outbox tree has a gap; rescanning', {
        chain: chain.name,
        onChain,
        known,
        to: String(to),
        resume: String(resume),
      })
      return
    }
    metrics.observedBlock.set({ chain: chain.name }, Number(to + 1n))
    for (const m of observed.messages) {
      if (inserted.includes(m.id)) {
        metrics.messages.inc({
          origin: this.#name(m.originDomain),
          destination: this.#name(m.destinationDomain),
          status: 'observed',
        })
      }
    }
  }

  #toObserved(chain: ChainConfig, logs: Awaited<ReturnType<typeof dispatchLogs>>) {
    const hubDomain = this.ctx.hub.domain
    const observed = {
      messages: [] as Parameters<typeof this.ctx.repo.recordObserved>[1]['messages'],
      leaves: logs.map((l) => ({ leafIndex: l.leafIndex, id: l.id, block: l.block })),
      hubLinks: [] as { id: string; hubLeafIndex: number }[],
    }
    for (const log of logs) {
      let message: ReturnType<typeof decodeMessage>
      try {
        message = decodeMessage(log.message)
      } catch (error) {
        this.ctx.log.error('skipping undecodable Dispatch', { chain: chain.name, tx: log.tx, error: messageOf(error) })
        continue
      }
      const forwarded = chain.hub && message.origin !== hubDomain
      if (forwarded) observed.hubLinks.push({ id: log.id, hubLeafIndex: log.leafIndex })
      const stages = route(message.origin === hubDomain, message.destination === hubDomain)
      observed.messages.push({
        id: log.id,
        originDomain: message.origin,
        destinationDomain: message.destination,
        nonce: message.nonce,
        sender: message.sender,
        recipient: message.recipient,
        body: message.body,
        raw: log.message,
        originBlock: log.block,
        originTx: log.tx,
        originLogIndex: log.logIndex,
        // A forwarded message first seen on the hub (relayed by someone else) has no known origin leaf.
        leafIndex: forwarded ? -1 : log.leafIndex,
        hubLeafIndex: chain.hub ? log.leafIndex : null,
        firstStage: forwarded ? 'inclusion' : stages[0]!,
      })
    }
    return observed
  }

  /** Operator retry of a dead-lettered message: back into the stage it died in, attempts reset. */
  async retry(id: string): Promise<MessageRow> {
    const row = await this.ctx.repo.get(id)
    if (!row) throw new NotFoundError(`no message ${id}`, { fix: 'check the id (0x + 64 hex digits)' })
    if (row.status !== 'dead') {
      throw new ConflictError(`message ${id} is ${row.status}, not dead`, {
        fix: 'only dead-lettered messages can be retried',
      })
    }
    await this.ctx.repo.resetForRetry(id)
    await this.ensureJob(row.stage, id)
    await (await this.dead.getJob(id))?.remove()
    this.ctx.log.info('manual retry', { id, stage: row.stage })
    return (await this.ctx.repo.get(id))!
  }

  async queueCounts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {}
    for (const q of [...Object.values(this.queues), this.dead]) {
      out[q.name] = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')
    }
    return out
  }
}

export const isHex = (s: string): s is Hex => /^0x[0-9a-fA-F]{64}$/.test(s)
