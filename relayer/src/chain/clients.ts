import { createPublicClient, defineChain, http, type PublicClient } from 'viem'
import type { ChainConfig } from '../config/types.ts'

/** A viem public client for one configured chain; retries are ours (withRpcRetry), not viem's. */
export function createChainClient(chain: ChainConfig): PublicClient {
  const definition = defineChain({
    id: chain.chainId,
    name: chain.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  })
  return createPublicClient({
    chain: definition,
    transport: http(chain.rpcUrl, { timeout: chain.rpcTimeoutMs, retryCount: 0 }),
    pollingInterval: 100,
    cacheTime: 0,
  })
}
