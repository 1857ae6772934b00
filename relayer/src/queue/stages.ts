import type { Hex, PublicClient, TransactionReceipt } from 'viem'
import { withRpcRetry } from '../chain/rpc.ts'
import type { ChainSender, SendRequest } from '../chain/sender.ts'
import type { ChainConfig, RelayerConfig } from '../config/types.ts'
import type { MessageRow, Repository } from '../db/repository.ts'
import type { Stage } from '../db/schema.ts'
import { DeliveryRevertedError, PermanentMessageError, RelayerError } from '../errors.ts'
import type { Logger } from '../ops/logger.ts'
import type { Metrics } from '../ops/metrics.ts'
import {
  type Call,
  forwardCall,
  forwardedLeaf,
  isForwarded,
  mailboxStatus,
  processCall,
  retryCall,
  STATUS_DELIVERED,
  STATUS_EXPIRED,
  STATUS_FAILED,
  STATUS_NONE,
  spokeCheckpointOnHub,
  spokeRootOnHub,
} from '../protocol/contracts.ts'
import type { ProofBuilder } from '../protocol/proofs.ts'
import { hubCheckpointOnSpoke, hubRootOnSpoke } from '../protocol/spoke-verifier.ts'

// What each stage does for one message. A stage is idempotent: it starts from the chain's state
// (delivered? forwarded? checkpoint high enough?) and the transaction hash it recorded before, never
// from what the previous attempt believed, so replays after crashes or stalls are harmless.

export type StageOutcome =
  | { kind: 'advance'; to?: Stage; patch?: { submit_tx?: string; deliver_tx?: string }; alreadyDone?: boolean }
  | { kind: 'wait'; reason: string }
  | { kind: 'back'; to: Stage; reason: string }

export type StageContext = {
  config: RelayerConfig
  repo: Repository
  hub: ChainConfig
  chains: Map<number, ChainConfig>
  clients: Map<number, PublicClient>
  senders: Map<number, ChainSender>
  proofs: ProofBuilder
  metrics: Metrics
  log: Logger
}

export class AwaitingError extends RelayerError {}

// Checkpoint heights change a few times a second at most, while hundreds of waiting jobs ask for
// them: one read per chain per 200 ms serves them all.
const heightCache = new Map<string, { at: number; value: Promise<bigint | undefined> }>()
function cachedHeight(key: string, read: () => Promise<bigint | undefined>): Promise<bigint | undefined> {
  const hit = heightCache.get(key)
  if (hit && Date.now() - hit.at < 200) return hit.value
  const value = read()
  heightCache.set(key, { at: Date.now(), value })
  value.catch(() => heightCache.delete(key))
  return value
}

const wait = (reason: string): StageOutcome => ({ kind: 'wait', reason })

function chainOf(ctx: StageContext, domain: number, role: string): ChainConfig {
  const chain = ctx.chains.get(domain)
  if (!chain) {
    throw new PermanentMessageError(`${role} domain ${domain} is not a configured chain`, {
      where: 'config chains',
      fix: `add the chain with domain ${domain} to the config, then retry the message (POST /messages/:id/retry)`,
    })
  }
  return chain
}

const client = (ctx: StageContext, chain: ChainConfig) => ctx.clients.get(chain.domain)!

export async function runStage(ctx: StageContext, stage: Stage, row: MessageRow): Promise<StageOutcome> {
  switch (stage) {
    case 'checkpoint':
      return awaitOriginCheckpoint(ctx, row)
    case 'submit':
      return forwardToHub(ctx, row)
    case 'inclusion':
      return awaitHubInclusion(ctx, row)
    case 'deliver':
      return deliver(ctx, row)
    case 'confirm':
      return confirm(ctx, row)
    case 'done':
      return { kind: 'advance' }
  }
}

/** Spoke origin: the hub adapter must hold a checkpoint of the origin at or above the dispatch block. */
async function awaitOriginCheckpoint(ctx: StageContext, row: MessageRow): Promise<StageOutcome> {
  const origin = chainOf(ctx, row.origin_domain, 'origin')
  chainOf(ctx, row.destination_domain, 'destination')
  const height = await cachedHeight(`hub:${ctx.hub.chainId}:${origin.spnId}`, () =>
    spokeCheckpointOnHub(ctx.hub, client(ctx, ctx.hub), origin.spnId!),
  )
  if (height === undefined || height < row.origin_block) return wait('AwaitingOriginCheckpoint')
  return { kind: 'advance' }
}

/** Proof of the origin leaf against the origin's latest checkpoint on the hub. */
async function originProof(ctx: StageContext, row: MessageRow): Promise<Hex> {
  const origin = chainOf(ctx, row.origin_domain, 'origin')
  const hubClient = client(ctx, ctx.hub)
  const height = await spokeCheckpointOnHub(ctx.hub, hubClient, origin.spnId!)
  if (height === undefined || height < row.origin_block) throw new AwaitingError('origin checkpoint went missing')
  const cursor = await ctx.repo.cursor(origin.domain)
  if (cursor === undefined || cursor <= height)
    throw new AwaitingError(`observer of ${origin.name} is behind height ${height}`)
  const root = await spokeRootOnHub(ctx.hub, hubClient, origin.domain, height)
  return ctx.proofs.metadata(origin.domain, height, row.leaf_index, root)
}

/** Spoke -> spoke: forward the proven message into the hub Mailbox tree (SPNAdapter.forward). */
async function forwardToHub(ctx: StageContext, row: MessageRow): Promise<StageOutcome> {
  const hubClient = client(ctx, ctx.hub)
  const id = row.id as Hex
  if (await isForwarded(ctx.hub, hubClient, id)) {
    const leaf = row.submit_tx ? await leafFromTx(ctx, row.submit_tx as Hex, id) : undefined
    if (leaf !== undefined)
      await ctx.repo.recordObserved(
        ctx.hub.domain,
        { messages: [], leaves: [], hubLinks: [{ id, hubLeafIndex: leaf }] },
        0n,
      )
    return { kind: 'advance', alreadyDone: !row.submit_tx }
  }
  const metadata = await originProof(ctx, row)
  const call = forwardCall(ctx.hub, metadata, row.raw as Hex)
  const { receipt } = await transact(
    ctx,
    ctx.hub,
    { ...call, messageId: row.id, stage: 'submit' },
    row,
    'submit_tx',
    () => isForwarded(ctx.hub, hubClient, id),
  )
  if (receipt) {
    const leaf = forwardedLeaf(ctx.hub, receipt, id)
    if (leaf !== undefined) {
      await ctx.repo.recordObserved(
        ctx.hub.domain,
        { messages: [], leaves: [], hubLinks: [{ id, hubLeafIndex: leaf }] },
        0n,
      )
    }
  }
  return { kind: 'advance', patch: receipt ? { submit_tx: receipt.transactionHash } : {}, alreadyDone: !receipt }
}

async function leafFromTx(ctx: StageContext, hash: Hex, id: Hex): Promise<number | undefined> {
  const receipt = await client(ctx, ctx.hub)
    .getTransactionReceipt({ hash })
    .catch(() => undefined)
  return receipt ? forwardedLeaf(ctx.hub, receipt, id) : undefined
}

/** Hub leaf -> spoke: the destination's verifier must hold a hub checkpoint covering the hub leaf. */
async function awaitHubInclusion(ctx: StageContext, row: MessageRow): Promise<StageOutcome> {
  const destination = chainOf(ctx, row.destination_domain, 'destination')
  if (row.hub_leaf_index === null) return wait('AwaitingHubLeaf')
  const leafBlock = await ctx.repo.leafBlock(ctx.hub.domain, row.hub_leaf_index)
  if (leafBlock === undefined) return wait('AwaitingHubObserver')
  const height = await cachedHeight(`spoke:${destination.chainId}`, () =>
    hubCheckpointOnSpoke(destination, client(ctx, destination)),
  )
  if (height === undefined || height < leafBlock) return wait('AwaitingHubCheckpoint')
  return { kind: 'advance' }
}

/** Delivers on the destination: Mailbox.process with a proof, or Mailbox.retry for a Failed handler. */
async function deliver(ctx: StageContext, row: MessageRow): Promise<StageOutcome> {
  const destination = chainOf(ctx, row.destination_domain, 'destination')
  const destClient = client(ctx, destination)
  const id = row.id as Hex
  const status = await mailboxStatus(destination, destClient, id)
  if (status === STATUS_DELIVERED) return { kind: 'advance', alreadyDone: !row.deliver_tx }
  if (status === STATUS_EXPIRED) {
    throw new PermanentMessageError(`message ${id} expired on ${destination.name}: its retry window closed`, {
      where: `Mailbox ${destination.mailbox}`,
      fix: 'nothing to relay: the application refunds expired messages (Bridge bounce-back)',
    })
  }
  let call: Call
  if (status === STATUS_FAILED) {
    call = retryCall(destination, row.raw as Hex)
  } else {
    const metadata = destination.hub ? await originProof(ctx, row) : await hubProof(ctx, destination, row)
    call = processCall(destination, metadata, row.raw as Hex)
  }
  const { receipt } = await transact(
    ctx,
    destination,
    { ...call, messageId: row.id, stage: 'deliver' },
    row,
    'deliver_tx',
    async () => (status === STATUS_NONE ? (await mailboxStatus(destination, destClient, id)) !== STATUS_NONE : false),
  )
  const after = await mailboxStatus(destination, destClient, id)
  if (after === STATUS_FAILED) {
    throw new DeliveryRevertedError(
      `recipient handler of ${id} on ${destination.name} reverted; the Mailbox keeps it retryable`,
      {
        where: `recipient ${row.recipient}`,
        fix: 'fix the recipient; the relayer retries with backoff, then dead-letters (manual retry: POST /messages/:id/retry)',
      },
    )
  }
  if (after !== STATUS_DELIVERED)
    throw new DeliveryRevertedError(`delivery of ${id} on ${destination.name} did not land (status ${after})`)
  return { kind: 'advance', patch: receipt ? { deliver_tx: receipt.transactionHash } : {}, alreadyDone: !receipt }
}

async function hubProof(ctx: StageContext, destination: ChainConfig, row: MessageRow): Promise<Hex> {
  if (row.hub_leaf_index === null) throw new AwaitingError('hub leaf not known yet')
  const destClient = client(ctx, destination)
  const height = await hubCheckpointOnSpoke(destination, destClient)
  if (height === undefined) throw new AwaitingError('no hub checkpoint on the destination yet')
  const cursor = await ctx.repo.cursor(ctx.hub.domain)
  if (cursor === undefined || cursor <= height) throw new AwaitingError(`hub observer is behind height ${height}`)
  const root = await hubRootOnSpoke(destination, destClient, height)
  return ctx.proofs.metadata(ctx.hub.domain, height, row.hub_leaf_index, root)
}

/** After `confirmations` blocks, the delivery must still be there (a reorg sends it back to deliver). */
async function confirm(ctx: StageContext, row: MessageRow): Promise<StageOutcome> {
  const destination = chainOf(ctx, row.destination_domain, 'destination')
  const destClient = client(ctx, destination)
  if (row.deliver_tx && destination.confirmations > 0) {
    const receipt = await destClient.getTransactionReceipt({ hash: row.deliver_tx as Hex }).catch(() => undefined)
    if (receipt) {
      const head = await withRpcRetry(destination.name, 'eth_blockNumber', () => destClient.getBlockNumber())
      if (head - receipt.blockNumber < BigInt(destination.confirmations)) return wait('AwaitingConfirmations')
    }
  }
  const status = await mailboxStatus(destination, destClient, row.id as Hex)
  if (status === STATUS_DELIVERED) return { kind: 'advance' }
  return { kind: 'back', to: 'deliver', reason: status === STATUS_NONE ? 'RevertedOrReorged' : 'HandlerFailed' }
}

/**
 * Sends one transaction for a message, unless a previous attempt's transaction (hash kept in the
 * row) already succeeded, or `done()` says someone else completed the step. Returns the receipt of
 * our successful transaction, or undefined when nothing had to be sent.
 */
async function transact(
  ctx: StageContext,
  chain: ChainConfig,
  request: SendRequest,
  row: MessageRow,
  column: 'submit_tx' | 'deliver_tx',
  done: () => Promise<boolean>,
): Promise<{ receipt: TransactionReceipt | undefined }> {
  const sender = ctx.senders.get(chain.domain)!
  const chainClient = client(ctx, chain)
  const previous = row[column]
  if (previous) {
    const receipt = await chainClient.getTransactionReceipt({ hash: previous as Hex }).catch(() => undefined)
    if (receipt?.status === 'success' && (await done())) return { receipt }
  }
  if (await done()) return { receipt: undefined }
  let gas: bigint
  try {
    gas = await sender.estimate(request)
  } catch (error) {
    if (error instanceof RelayerError) throw error
    // Simulation reverted: someone else may have just completed it, else the call is refused.
    if (await done()) return { receipt: undefined }
    throw new DeliveryRevertedError(
      `${request.stage} of ${row.id} would revert on ${chain.name}: ${revertText(error)}`,
      {
        where: `${chain.name} ${request.to}`,
        fix: 'the job retries with backoff; if the revert persists, the message is dead-lettered with this reason',
        cause: error,
      },
    )
  }
  const sent = await sender.send(request, gas)
  await ctx.repo.setStageTx(row.id, column, sent.hash)
  const receipt = await sender.waitForReceipt(request, sent, Math.max(30_000, chain.gas.stuckAfterMs * 4))
  if (receipt.status !== 'success') {
    if (await done()) return { receipt: undefined }
    throw new DeliveryRevertedError(
      `${request.stage} transaction ${receipt.transactionHash} of ${row.id} reverted on ${chain.name}`,
      {
        where: `${chain.name} block ${receipt.blockNumber}`,
        fix: 'the job re-simulates and retries with backoff',
      },
    )
  }
  return { receipt }
}

function revertText(error: unknown): string {
  const e = error as { shortMessage?: string; details?: string; message?: string }
  return (e.shortMessage ?? e.details ?? e.message ?? String(error)).split('\n')[0]!.slice(0, 300)
}
