import type { AddressInfo } from 'node:net'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { HonoAdapter } from '@bull-board/hono'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import type { Repository } from '../db/repository.ts'
import type { MessageStatus, Stage } from '../db/schema.ts'
import { RelayerError } from '../errors.ts'
import { ConflictError, isHex, NotFoundError, type Pipeline } from '../queue/pipeline.ts'
import type { Metrics } from './metrics.ts'

// The operator surface: Prometheus /metrics, the bull-board page at /admin/queues, a JSON API over
// the message table (status, stage, attempts, retry reason, last error, tx hashes, history) and a
// manual retry for dead-lettered messages.

const STATUSES: MessageStatus[] = ['pending', 'relaying', 'delivered', 'dead']
const STAGES: Stage[] = ['checkpoint', 'submit', 'inclusion', 'deliver', 'confirm', 'done']

export type HttpServer = { url: string; close: () => Promise<void> }

const errorBody = (error: string, fix?: string) => ({ error, ...(fix ? { fix } : {}) })

export function createApp(deps: {
  repo: Repository
  pipeline: Pipeline
  metrics: Metrics
  ready: () => Promise<void>
}): Hono {
  const { repo, pipeline, metrics } = deps
  const app = new Hono()

  app.get('/metrics', async (c) => {
    const counts = await pipeline.queueCounts().catch(() => ({}))
    for (const [queue, states] of Object.entries(counts)) {
      for (const [state, n] of Object.entries(states)) metrics.queueJobs.set({ queue, state }, n)
    }
    return c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType })
  })

  app.get('/ready', async (c) => {
    try {
      await deps.ready()
      return c.json({ ready: true })
    } catch (error) {
      return c.json({ ready: false, error: (error as Error).message }, 503)
    }
  })

  app.get('/messages', async (c) => {
    const status = c.req.query('status')
    const stage = c.req.query('stage')
    const limit = Number(c.req.query('limit') ?? 100)
    const offset = Number(c.req.query('offset') ?? 0)
    if (status !== undefined && !STATUSES.includes(status as MessageStatus)) {
      return c.json(errorBody(`unknown status ${JSON.stringify(status)}`, `use one of ${STATUSES.join(', ')}`), 400)
    }
    if (stage !== undefined && !STAGES.includes(stage as Stage)) {
      return c.json(errorBody(`unknown stage ${JSON.stringify(stage)}`, `use one of ${STAGES.join(', ')}`), 400)
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(offset) || offset < 0) {
      return c.json(errorBody('limit must be 1..1000 and offset >= 0'), 400)
    }
    const rows = await repo.list({
      status: status as MessageStatus | undefined,
      stage: stage as Stage | undefined,
      limit,
      offset,
    })
    return c.json({ messages: rows.map(view), counts: await repo.countByStatus() })
  })

  app.get('/messages/:id', async (c) => {
    const id = c.req.param('id').toLowerCase()
    if (!isHex(id))
      return c.json(errorBody(`malformed message id ${JSON.stringify(id)}`, 'a message id is 0x + 64 hex digits'), 400)
    const row = await repo.get(id)
    if (!row)
      return c.json(
        errorBody(`no message ${id}`, 'it may not be observed yet; check the origin chain and the observer cursor'),
        404,
      )
    return c.json({ ...view(row), history: await repo.events(id), transactions: await repo.transactionsOf(id) })
  })

  app.post('/messages/:id/retry', async (c) => {
    const id = c.req.param('id').toLowerCase()
    if (!isHex(id)) return c.json(errorBody(`malformed message id ${JSON.stringify(id)}`), 400)
    try {
      return c.json(view(await pipeline.retry(id)))
    } catch (error) {
      if (error instanceof NotFoundError) return c.json(errorBody(error.message), 404)
      if (error instanceof ConflictError) return c.json(errorBody(error.message), 409)
      throw error
    }
  })

  app.onError((error, c) => {
    const status = error instanceof RelayerError && !error.retryable ? 400 : 500
    return c.json(errorBody(error.message.split('\n')[0]!), status)
  })

  const board = new HonoAdapter(serveStatic).setBasePath('/admin/queues')
  createBullBoard({
    queues: [...Object.values(pipeline.queues), pipeline.dead, pipeline.observe].map((q) => new BullMQAdapter(q)),
    serverAdapter: board,
  })
  app.route('/admin/queues', board.registerPlugin())
  return app
}

function view(row: Awaited<ReturnType<Repository['get']>> & object) {
  return {
    id: row.id,
    status: row.status,
    stage: row.stage,
    origin: row.origin_domain,
    destination: row.destination_domain,
    nonce: row.nonce,
    sender: row.sender,
    recipient: row.recipient,
    attempts: row.attempts,
    retryReason: row.retry_reason,
    lastError: row.last_error,
    originTx: row.origin_tx,
    originBlock: row.origin_block.toString(),
    submitTx: row.submit_tx,
    deliverTx: row.deliver_tx,
    timestamps: {
      observed: row.created_at,
      checkpointed: row.checkpointed_at,
      submitted: row.submitted_at,
      included: row.included_at,
      delivered: row.delivered_at,
      confirmed: row.confirmed_at,
      updated: row.updated_at,
    },
  }
}

export async function listen(app: Hono, host: string, port: number): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      resolve({
        url: `http://${host}:${info.port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      })
    })
    server.once('error', reject)
  })
}
