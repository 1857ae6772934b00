import { Context, Data, Effect, Layer } from 'effect'
import { ChainDb } from './chaindb/chaindb.ts'
import type { LogLevel } from './log.ts'
import { consoleLog } from './log.ts'
import { defaultMempoolConfig, Mempool } from './mempool/mempool.ts'
import { NodeMetrics } from './metrics.ts'
import { dtvmEngine } from './node/dtvm-engine.ts'
import { Node, type NodeLog } from './node/node.ts'
import { ConsensusOrdering } from './ordering/consensus-ordering.ts'
import { FollowerOrdering } from './ordering/follower-ordering.ts'
import { LocalOrdering } from './ordering/local-ordering.ts'
import type { Ordering } from './ordering/types.ts'
import { ethHandlers } from './rpc/eth.ts'
import { RpcServer } from './rpc/server.ts'
import type { StateBackend, StateDiff } from './state/types.ts'
import { SenderRecovery } from './tx/sender-recovery.ts'
import type { Address } from './tx/transaction.ts'

/** Everything a node process is configured with (mainnet and SPNs fill it differently). */
export type NodeSettings = {
  name: string
  chainId: bigint
  clientVersion: string
  /** Where blocks and state live; undefined keeps everything in a temporary directory. */
  dataDir: string
  rpc: { host: string; port: number; maxBodyBytes: number; maxBatch: number }
  gasLimit: bigint
  minBaseFee: bigint
  priorityFee: bigint
  emptyBlockIntervalMs: number
  maxBlockTransactions: number
  pipelineDepth: number
  recoveryWorkers: number
  /** This validator's key; absent on a follower (non-validator full node). */
  validatorKey: Uint8Array | undefined
  validatorAddress: Address | undefined
  /** Follow this validator's RPC (re-execute and verify its blocks) instead of ordering. */
  follow?: string
  /** The other validators' RPC URLs: this node's block signatures are sent there (seal gossip). */
  peers?: string[]
  /** Order with @spnkit/consensus over TCP with these validators (each: consensus endpoint + RPC URL). */
  consensus?: { listenPort: number; validators: { address: Address; host: string; port: number; rpc: string }[] }
  validators: { address: Address; power: bigint }[]
  genesis: {
    timestamp: bigint
    baseFeePerGas: bigint
    diff: () => StateDiff
    /** System contracts created at genesis by running their creation code (constructor arguments appended). */
    deployments?: { from: Address; initcode: Uint8Array }[]
  }
  /** The Mailbox whose outbox root every header carries in extraData. */
  outbox?: { address: Address; rootCalldata: Uint8Array }
  logLevel: LogLevel
}

/** A node component failed to start: which one, why, and what to do. */
export class NodeStartupError extends Data.TaggedError('NodeStartupError')<{
  component: string
  message: string
  hint: string
}> {}

export class Settings extends Context.Service<Settings, NodeSettings>()('@spnkit/chain/Settings') {}
export class Log extends Context.Service<Log, NodeLog>()('@spnkit/chain/Log') {}
export class State extends Context.Service<State, StateBackend>()('@spnkit/chain/State') {}
export class Blocks extends Context.Service<Blocks, ChainDb>()('@spnkit/chain/Blocks') {}
export class Recovery extends Context.Service<Recovery, SenderRecovery>()('@spnkit/chain/Recovery') {}
export class Pipeline extends Context.Service<Pipeline, Node>()('@spnkit/chain/Pipeline') {}
export class OrderingService extends Context.Service<OrderingService, Ordering>()('@spnkit/chain/Ordering') {}
export class Metrics extends Context.Service<Metrics, NodeMetrics>()('@spnkit/chain/Metrics') {}
export class Rpc extends Context.Service<Rpc, { url: string; wsUrl: string; port: number }>()('@spnkit/chain/Rpc') {}

const startup = (component: string, hint: string) => (cause: unknown) =>
  new NodeStartupError({ component, message: cause instanceof Error ? cause.message : String(cause), hint })

const LogLive = Layer.effect(
  Log,
  Effect.gen(function* () {
    const s = yield* Settings
    return consoleLog(s.name, s.logLevel)
  }),
)

/** The state store, opened by the caller-provided function and closed when the node stops. */
export const stateLayer = (open: (settings: NodeSettings) => Promise<StateBackend>) =>
  Layer.effect(
    State,
    Effect.gen(function* () {
      const settings = yield* Settings
      return yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () => open(settings),
          catch: startup('state store', `check that ${settings.dataDir} is writable and not used by another node`),
        }),
        (state) => Effect.promise(() => state.close()),
      )
    }),
  )

const BlocksLive = Layer.effect(
  Blocks,
  Effect.gen(function* () {
    const settings = yield* Settings
    return yield* Effect.acquireRelease(
      Effect.try({
        try: () => new ChainDb(settings.dataDir),
        catch: startup('block log', `check ${settings.dataDir}/blocks.log`),
      }),
      (db) => Effect.sync(() => db.close()),
    )
  }),
)

const RecoveryLive = Layer.effect(
  Recovery,
  Effect.gen(function* () {
    const settings = yield* Settings
    return yield* Effect.acquireRelease(
      Effect.sync(() => new SenderRecovery({ workers: settings.recoveryWorkers })),
      (r) => Effect.promise(() => r.close()),
    )
  }),
)

/**
 * The pipeline (node) with its mempool and ordering. Ordering is supplied by `orderingFor`, so the
 * same runtime runs a single validator (LocalOrdering) or a BFT validator set (consensus).
 */
export const pipelineLayer = (
  orderingFor?: (args: { settings: NodeSettings; mempool: Mempool; log: NodeLog }) => Ordering,
) =>
  Layer.effect(
    Pipeline,
    Effect.gen(function* () {
      const settings = yield* Settings
      const log = yield* Log
      const state = yield* State
      const db = yield* Blocks
      const recovery = yield* Recovery
      let node: Node | undefined
      const mempool = new Mempool(
        { ...defaultMempoolConfig(settings.chainId), blockGasLimit: settings.gasLimit },
        (address) => {
          const a = (node ? node.headReader : state.reader(state.latestVersion())).getAccount(address)
          return { nonce: a?.nonce ?? 0n, balance: a?.balance ?? 0n }
        },
        settings.minBaseFee,
      )
      const follower = settings.follow ? new FollowerOrdering(settings.follow, log) : undefined
      if (!follower && !settings.validatorAddress)
        return yield* new NodeStartupError({
          component: 'pipeline',
          message: 'a node needs a validator key, or an upstream validator to follow',
          hint: 'pass --validator-index / --validator-key, or --follow <validator RPC URL>',
        })
      let consensus: ConsensusOrdering | undefined
      if (!follower && settings.consensus && settings.validatorKey) {
        const network = settings.consensus
        let lastSlot = 0
        for (let n = db.height; n >= 0n && lastSlot === 0; n--) lastSlot = db.byNumber(n)!.slot ?? 0
        const created = new ConsensusOrdering({
          chainId: settings.chainId,
          dataDir: settings.dataDir,
          privateKey: settings.validatorKey,
          validators: settings.validators.map((v) => v.address),
          listenPort: network.listenPort,
          peers: network.validators,
          lastExecutedSlot: lastSlot,
          rpcOf: (address) => network.validators.find((v) => v.address === address)?.rpc,
          knownSender: (hash) => mempool.get(hash)?.from,
          log,
        })
        yield* Effect.acquireRelease(
          Effect.tryPromise({
            try: () => created.start(),
            catch: startup(
              'consensus',
              `consensus port ${network.listenPort} may be taken, or the WAL in ${settings.dataDir} is damaged`,
            ),
          }),
          () => Effect.promise(() => created.close()),
        )
        consensus = created
      }
      const ordering =
        follower ??
        consensus ??
        orderingFor?.({ settings, mempool, log }) ??
        new LocalOrdering({
          mempool,
          proposer: settings.validatorAddress!,
          maxTransactions: settings.maxBlockTransactions,
          gasLimit: settings.gasLimit,
          emptyBlockIntervalMs: settings.emptyBlockIntervalMs,
        })
      node = new Node({
        chainId: settings.chainId,
        clientVersion: settings.clientVersion,
        engine: dtvmEngine,
        state,
        db,
        mempool,
        ordering,
        recovery,
        validatorKey: settings.validatorKey,
        validatorAddress: settings.validatorAddress,
        validators: settings.validators,
        gasLimit: settings.gasLimit,
        minBaseFee: settings.minBaseFee,
        priorityFee: settings.priorityFee,
        pipelineDepth: settings.pipelineDepth,
        outbox: settings.outbox,
        log,
        forward: follower ? (raw) => follower.forward(raw) : undefined,
        onPooled: consensus ? (tx) => consensus.forwardToOwner(tx) : undefined,
        onAdmitted: consensus ? (tx) => consensus.submit(tx) : undefined,
        peerCount: consensus ? () => consensus.peerCount : undefined,
        onBlockSigned: (number, signature) => gossipSignature(settings.peers ?? [], number, signature, log),
        onFatal: (e) => {
          log('error', 'node stopped: a pipeline stage failed; restart it to resume from the last committed block', {
            error: e.message,
          })
          process.exitCode = 1
          process.kill(process.pid, 'SIGTERM')
        },
      })
      const started = node
      if (follower)
        follower.seals = {
          pending: () => (started.latest() > started.finalized() ? started.latest() : undefined),
          add: (n, sigs) => void started.addBlockSignatures(n, sigs),
        }
      if (ordering instanceof LocalOrdering) started.on('submitted' as 'block', () => ordering.notify())
      yield* Effect.tryPromise({
        try: () =>
          started.initGenesis(
            settings.genesis.diff(),
            settings.genesis.timestamp,
            settings.genesis.baseFeePerGas,
            settings.genesis.deployments,
          ),
        catch: startup('genesis', 'check the genesis system contracts, or start from a fresh --data-dir'),
      })
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          started.start()
          log('info', 'pipeline started', { head: started.latest(), ordering: ordering.name, engine: dtvmEngine.name })
        }),
        () =>
          Effect.promise(() => started.stop()).pipe(
            Effect.tap(() => Effect.sync(() => log('info', 'pipeline stopped', { head: started.latest() }))),
          ),
      )
      // Signatures gossiped while this node was down or behind never arrive by push: pull the seal
      // of the newest block that is not final here from the other validators.
      const peers = settings.peers ?? []
      if (peers.length > 0)
        yield* Effect.acquireRelease(
          Effect.sync(() => setInterval(() => pullSeal(started, peers), 500)),
          (timer) => Effect.sync(() => clearInterval(timer)),
        )
      return started
    }),
  )

let pullCursor = 0
function pullSeal(node: Node, peers: string[]): void {
  if (node.latest() <= node.finalized()) return
  const number = node.latest()
  const peer = peers[pullCursor++ % peers.length]!
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'spn_getBlockSeal',
    params: [`0x${number.toString(16)}`],
  })
  fetch(peer, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(2000),
  })
    .then(
      (r) =>
        r.json() as Promise<{
          result?: { hash: string; signatures: { validator: Address; signature: `0x${string}` }[] } | null
        }>,
    )
    .then((reply) => {
      if (reply.result) node.addBlockSignatures(number, reply.result.signatures)
    })
    .catch(() => {})
}

/** Sends this validator's block signature to the other validators (best effort: they also sync seals). */
function gossipSignature(
  peers: string[],
  number: bigint,
  signature: { validator: Address; signature: string },
  log: NodeLog,
): void {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'spn_addBlockSignatures',
    params: [`0x${number.toString(16)}`, [signature]],
  })
  for (const peer of peers)
    fetch(peer, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5000),
    })
      .then((r) => r.body?.cancel())
      .catch((e: Error) => log('debug', 'seal gossip failed', { peer, block: number, error: e.message }))
}

const MetricsLive = Layer.effect(
  Metrics,
  Effect.gen(function* () {
    const settings = yield* Settings
    const node = yield* Pipeline
    return new NodeMetrics(
      node,
      { chain: settings.chainId.toString(), validator: settings.validatorAddress ?? 'follower' },
      () => node.peerCount(),
    )
  }),
)

const RpcLive = Layer.effect(
  Rpc,
  Effect.gen(function* () {
    const settings = yield* Settings
    const node = yield* Pipeline
    const metrics = yield* Metrics
    const log = yield* Log
    const eth = ethHandlers(node)
    const server = new RpcServer(eth.handlers, {
      ...settings.rpc,
      onCall: (method, ok, ms) => metrics.observeCall(method, ok, ms),
      routes: {
        '/ready': (res) => {
          const ready = node.failure === undefined
          res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ ready, head: node.latest().toString(), finalized: node.finalized().toString() }))
        },
        '/metrics': async (res) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics())
        },
      },
    })
    const address = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => server.listen(),
        catch: startup(
          'rpc',
          `port ${settings.rpc.port} on ${settings.rpc.host} is taken; pass --rpc-port 0 for any free port`,
        ),
      }),
      () =>
        Effect.promise(async () => {
          eth.close()
          await server.close()
        }),
    )
    log('info', 'json-rpc listening', { http: address.url, ws: address.wsUrl })
    return address
  }),
)

/**
 * A whole node as one layer: settings → log → state / blocks / recovery → pipeline → metrics → rpc.
 * Built in dependency order; released in reverse (RPC closes first, the store last), including
 * when a later component fails to start.
 */
export function nodeLayer(
  settings: NodeSettings,
  openState: (settings: NodeSettings) => Promise<StateBackend>,
  orderingFor?: Parameters<typeof pipelineLayer>[0],
) {
  const base = Layer.mergeAll(LogLive, BlocksLive, RecoveryLive, stateLayer(openState)).pipe(
    Layer.provideMerge(Layer.succeed(Settings, settings)),
  )
  const pipeline = pipelineLayer(orderingFor).pipe(Layer.provideMerge(base))
  const metrics = MetricsLive.pipe(Layer.provideMerge(pipeline))
  return RpcLive.pipe(Layer.provideMerge(metrics))
}
