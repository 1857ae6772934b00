import { MailboxAbi, SPNAdapterAbi } from '@spnkit/contracts/abi'
import { decodeEventLog, encodeFunctionData, type Hex, type PublicClient, type TransactionReceipt } from 'viem'
import { withRpcRetry } from '../chain/rpc.ts'
import type { ChainConfig } from '../config/types.ts'
import { PermanentMessageError } from '../errors.ts'

// Every read and call the relayer makes on the spnkit contracts (contracts/src: Mailbox, SPNAdapter,
// MainnetRootVerifier). ABIs are the generated, typed modules from @spnkit/contracts/abi.

export const STATUS_NONE = 0
export const STATUS_DELIVERED = 1
export const STATUS_FAILED = 2
export const STATUS_EXPIRED = 3

export type DispatchLog = {
  id: Hex
  destination: number
  leafIndex: number
  message: Hex
  block: bigint
  tx: Hex
  logIndex: number
}

export type Call = { to: `0x${string}`; data: Hex }

export async function dispatchLogs(
  chain: ChainConfig,
  client: PublicClient,
  from: bigint,
  to: bigint,
): Promise<DispatchLog[]> {
  const logs = await withRpcRetry(chain.name, 'eth_getLogs(Dispatch)', () =>
    client.getContractEvents({
      address: chain.mailbox,
      abi: MailboxAbi,
      eventName: 'Dispatch',
      fromBlock: from,
      toBlock: to,
      strict: true,
    }),
  )
  return logs.map((log) => ({
    id: log.args.id,
    destination: Number(log.args.destination),
    leafIndex: Number(log.args.leafIndex),
    message: log.args.message,
    block: log.blockNumber,
    tx: log.transactionHash,
    logIndex: log.logIndex,
  }))
}

/** The hub leaf of a forwarded message, read from the forward transaction's Dispatch log. */
export function forwardedLeaf(hub: ChainConfig, receipt: TransactionReceipt, id: Hex): number | undefined {
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== hub.mailbox.toLowerCase()) continue
    try {
      const decoded = decodeEventLog({ abi: MailboxAbi, data: log.data, topics: log.topics, strict: true })
      if (decoded.eventName === 'Dispatch' && decoded.args.id === id) return Number(decoded.args.leafIndex)
    } catch {}
  }
  return undefined
}

/** Leaves in a Mailbox's outbox tree as of `block` (dispatched + forwarded). */
export async function mailboxCount(chain: ChainConfig, client: PublicClient, block: bigint): Promise<number> {
  return withRpcRetry(chain.name, 'Mailbox.count', () =>
    client.readContract({ address: chain.mailbox, abi: MailboxAbi, functionName: 'count', blockNumber: block }),
  )
}

export async function mailboxStatus(chain: ChainConfig, client: PublicClient, id: Hex): Promise<number> {
  return withRpcRetry(chain.name, 'Mailbox.status', () =>
    client.readContract({ address: chain.mailbox, abi: MailboxAbi, functionName: 'status', args: [id] }),
  )
}

function hubAdapter(hub: ChainConfig) {
  if (!hub.adapter)
    throw new PermanentMessageError('the hub chain has no adapter address', { where: 'config hub chain' })
  return hub.adapter
}

export async function isForwarded(hub: ChainConfig, client: PublicClient, id: Hex): Promise<boolean> {
  return withRpcRetry(hub.name, 'SPNAdapter.forwarded', () =>
    client.readContract({ address: hubAdapter(hub), abi: SPNAdapterAbi, functionName: 'forwarded', args: [id] }),
  )
}

/** Latest checkpoint height of `spnId` accepted by the hub adapter (undefined when none yet). */
export async function spokeCheckpointOnHub(
  hub: ChainConfig,
  client: PublicClient,
  spnId: number,
): Promise<bigint | undefined> {
  const [height, , , exists] = await withRpcRetry(hub.name, 'SPNAdapter.latest', () =>
    client.readContract({ address: hubAdapter(hub), abi: SPNAdapterAbi, functionName: 'latest', args: [spnId] }),
  )
  return exists ? height : undefined
}

/** Outbox root the hub adapter accepted for `domain` at `height`. */
export async function spokeRootOnHub(
  hub: ChainConfig,
  client: PublicClient,
  domain: number,
  height: bigint,
): Promise<Hex> {
  const [, outboxRoot] = await withRpcRetry(hub.name, 'SPNAdapter.checkpointRoots', () =>
    client.readContract({
      address: hubAdapter(hub),
      abi: SPNAdapterAbi,
      functionName: 'checkpointRoots',
      args: [domain, height],
    }),
  )
  return outboxRoot
}

export const processCall = (chain: ChainConfig, metadata: Hex, message: Hex): Call => ({
  to: chain.mailbox,
  data: encodeFunctionData({ abi: MailboxAbi, functionName: 'process', args: [metadata, message] }),
})

export const retryCall = (chain: ChainConfig, message: Hex): Call => ({
  to: chain.mailbox,
  data: encodeFunctionData({ abi: MailboxAbi, functionName: 'retry', args: [message] }),
})

export const forwardCall = (hub: ChainConfig, metadata: Hex, message: Hex): Call => ({
  to: hubAdapter(hub),
  data: encodeFunctionData({ abi: SPNAdapterAbi, functionName: 'forward', args: [metadata, message] }),
})
