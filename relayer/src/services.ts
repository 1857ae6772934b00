import { randomBytes } from 'node:crypto'
import { Context, Effect, Layer, ManagedRuntime } from 'effect'
import { Redis } from 'ioredis'
import type { PublicClient } from 'viem'
import { createChainClient } from './chain/clients.ts'
import { shortMessage } from './chain/rpc.ts'
import { ChainSender } from './chain/sender.ts'
import type { ChainConfig, RelayerConfig } from './config/types.ts'
import { type Database, openDatabase, redactUrl } from './db/database.ts'
import { ping } from './db/migrations.ts'
import { Repository } from './db/repository.ts'
import { ConfigError, RelayerError, RpcError } from './errors.ts'
import { createApp, type HttpServer, listen } from './ops/http.ts'
import { createLogger, type Logger } from './ops/logger.ts'
import { createMetrics, type Metrics } from './ops/metrics.ts'
import { ProofBuilder } from './protocol/proofs.ts'
import { Pipeline } from './queue/pipeline.ts'

// The relayer as Effect services and layers. Each resource is scoped (acquireRelease), so closing
// the runtime releases them in reverse order: HTTP stops accepting, workers finish or release their
// jobs, signer leases are given back, then Redis and the database close. That order is the
// graceful shutdown on SIGTERM.

export class RelayerConfigService extends Context.Service<RelayerConfigService, RelayerConfig>()(
  'spnkit/relayer/Config',
) {}
export class LoggerService extends Context.Service<LoggerService, Logger>()('spnkit/relayer/Logger') {}
export class MetricsService extends Context.Service<MetricsService, Metrics>()('spnkit/relayer/Metrics') {}
export class DatabaseService extends Context.Service<DatabaseService, { database: Database; repo: Repository }>()(
  'spnkit/relayer/Database',
) {}
export class RedisService extends Context.Service<RedisService, Redis>()('spnkit/relayer/Redis') {}
export class ChainsService extends Context.Service<
  ChainsService,
  {
    hub: ChainConfig
    chains: Map<number, ChainConfig>
    clients: Map<number, PublicClient>
    senders: Map<number, ChainSender>
  }
>()('spnkit/relayer/Chains') {}
export class PipelineService extends Context.Service<PipelineService, Pipeline>()('spnkit/relayer/Pipeline') {}
export class HttpService extends Context.Service<HttpService, HttpServer>()('spnkit/relayer/Http') {}

const fromPromise = <A>(what: string, run: () => Promise<A>) =>
  Effect.tryPromise({
    try: run,
    catch: (cause) =>
      cause instanceof RelayerError ? cause : new RelayerError(`${what}: ${shortMessage(cause)}`, { cause }),
  })

export const ConfigLive = (config: RelayerConfig) => Layer.succeed(RelayerConfigService, config)

export const LoggerLive = Layer.effect(
  LoggerService,
  Effect.gen(function* () {
    const config = yield* RelayerConfigService
    return createLogger(config.logLevel, { service: 'relayer', pid: process.pid })
  }),
)

export const MetricsLive = Layer.sync(MetricsService, createMetrics)

export const DatabaseLive = Layer.effect(
  DatabaseService,
  Effect.gen(function* () {
    const config = yield* RelayerConfigService
    const log = yield* LoggerService
    const database = yield* Effect.acquireRelease(
      fromPromise('database', () => openDatabase(config.databaseUrl)),
      (db) => Effect.promise(() => db.close().catch(() => {})),
    )
    log.info('database ready', { kind: database.kind, url: redactUrl(config.databaseUrl) })
    return { database, repo: new Repository(database.db) }
  }),
)

export const RedisLive = Layer.effect(
  RedisService,
  Effect.gen(function* () {
    const config = yield* RelayerConfigService
    const log = yield* LoggerService
    return yield* Effect.acquireRelease(
      fromPromise('redis', async () => {
        const redis = new Redis(config.redis.url, {
          lazyConnect: true,
          maxRetriesPerRequest: 3,
          retryStrategy: (n) => Math.min(n * 200, 2_000),
        })
        redis.on('error', (error) => log.debug('redis error', { error: error.message }))
        try {
          await redis.connect()
          await redis.ping()
        } catch (cause) {
          redis.disconnect()
          throw new ConfigError([`cannot reach Redis at ${config.redis.url}: ${(cause as Error).message}`], 'redis.url')
        }
        return redis
      }),
      (redis) =>
        Effect.promise(() =>
          redis.quit().then(
            () => {},
            () => redis.disconnect(),
          ),
        ),
    )
  }),
)

export const ChainsLive = Layer.effect(
  ChainsService,
  Effect.gen(function* () {
    const config = yield* RelayerConfigService
    const log = yield* LoggerService
    const metrics = yield* MetricsService
    const redis = yield* RedisService
    const { repo } = yield* DatabaseService
    const token = `${process.pid}-${randomBytes(6).toString('hex')}`
    const chains = new Map(config.chains.map((c) => [c.domain, c]))
    const clients = new Map<number, PublicClient>()
    const senders = new Map<number, ChainSender>()
    for (const chain of config.chains) {
      const client = createChainClient(chain)
      // Refuse to start against the wrong chain: a mislabeled RPC would relay into the void.
      const chainId = yield* fromPromise(`chain ${chain.name}`, () => client.getChainId()).pipe(
        Effect.mapError(
          (cause) =>
            new RpcError(`cannot reach ${chain.name} at ${chain.rpcUrl}: ${cause.message}`, {
              where: `chains[${chain.name}].rpcUrl`,
              fix: 'start the node or correct the URL',
            }),
        ),
      )
      if (chainId !== chain.chainId) {
        return yield* Effect.fail(
          new ConfigError(
            [`chains[${chain.name}].chainId: config says ${chain.chainId}, the RPC reports ${chainId}`],
            'config',
          ),
        )
      }
      clients.set(chain.domain, client)
      const sender = new ChainSender(chain, client, {
        redis,
        prefix: config.redis.prefix,
        token,
        leaseMs: config.signerLeaseMs,
        signersPerProcess: config.signersPerProcess,
        repo,
        metrics,
        log,
      })
      yield* Effect.acquireRelease(
        fromPromise(`signer on ${chain.name}`, () => sender.start()),
        () => Effect.promise(() => sender.stop()),
      )
      senders.set(chain.domain, sender)
    }
    const hub = config.chains.find((c) => c.hub)!
    return { hub, chains, clients, senders }
  }),
)

export const PipelineLive = Layer.effect(
  PipelineService,
  Effect.gen(function* () {
    const config = yield* RelayerConfigService
    const log = yield* LoggerService
    const metrics = yield* MetricsService
    const { repo } = yield* DatabaseService
    const chains = yield* ChainsService
    const pipeline = new Pipeline({ config, repo, ...chains, proofs: new ProofBuilder(repo), metrics, log })
    return yield* Effect.acquireRelease(
      fromPromise('pipeline', async () => {
        await pipeline.start()
        return pipeline
      }),
      (p) => Effect.promise(() => p.close()),
    )
  }),
)

export const HttpLive = Layer.effect(
  HttpService,
  Effect.gen(function* () {
    const config = yield* RelayerConfigService
    const log = yield* LoggerService
    const metrics = yield* MetricsService
    const { repo, database } = yield* DatabaseService
    const redis = yield* RedisService
    const pipeline = yield* PipelineService
    const app = createApp({
      repo,
      pipeline,
      metrics,
      ready: async () => {
        await ping(database.db as never)
        await redis.ping()
      },
    })
    const server = yield* Effect.acquireRelease(
      fromPromise('http', () => listen(app, config.http.host, config.http.port)),
      (s) => Effect.promise(() => s.close()),
    )
    log.info('http listening', {
      url: server.url,
      metrics: `${server.url}/metrics`,
      board: `${server.url}/admin/queues`,
    })
    return server
  }),
)

/** The whole relayer: every service, wired. */
export function relayerLayer(config: RelayerConfig) {
  const base = Layer.mergeAll(LoggerLive, MetricsLive).pipe(Layer.provideMerge(ConfigLive(config)))
  const infra = Layer.mergeAll(DatabaseLive, RedisLive).pipe(Layer.provideMerge(base))
  const chains = ChainsLive.pipe(Layer.provideMerge(infra))
  const pipeline = PipelineLive.pipe(Layer.provideMerge(chains))
  return HttpLive.pipe(Layer.provideMerge(pipeline))
}

export type RunningRelayer = {
  url: string
  pipeline: Pipeline
  repo: Repository
  metrics: Metrics
  log: Logger
  /** Graceful stop: releases every resource in reverse order. */
  stop: () => Promise<void>
}

/** Starts a relayer in this process (what `main.ts` and the tests use). */
export async function startRelayer(config: RelayerConfig): Promise<RunningRelayer> {
  const runtime = ManagedRuntime.make(relayerLayer(config))
  try {
    const services = await runtime.runPromise(
      Effect.gen(function* () {
        return {
          http: yield* HttpService,
          pipeline: yield* PipelineService,
          db: yield* DatabaseService,
          metrics: yield* MetricsService,
          log: yield* LoggerService,
        }
      }),
    )
    return {
      url: services.http.url,
      pipeline: services.pipeline,
      repo: services.db.repo,
      metrics: services.metrics,
      log: services.log,
      stop: () => runtime.dispose(),
    }
  } catch (error) {
    await runtime.dispose().catch(() => {})
    throw unwrap(error)
  }
}

/** Effect wraps failures of runPromise; surface our typed error itself. */
function unwrap(error: unknown): unknown {
  let e: unknown = error
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof RelayerError) return e
    e = (e as { cause?: unknown }).cause
  }
  return error
}
