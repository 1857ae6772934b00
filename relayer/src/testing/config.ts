import type { RelayerConfig } from '../config/types.ts'
import { validateConfig } from '../config/validate.ts'
import { type Devnet, key } from './devnet.ts'

/** A relayer config for a test devnet; signer keys are funded on every chain. */
export async function devnetConfig(
  devnet: Devnet,
  options: {
    databaseUrl: string
    prefix: string
    redisUrl?: string
    signers?: number
    label?: string
    overrides?: Record<string, unknown>
  },
): Promise<RelayerConfig> {
  const signerKeys = Array.from({ length: options.signers ?? 3 }, (_, i) =>
    key(`${options.label ?? options.prefix}:signer:${i}`),
  )
  const { privateKeyToAccount } = await import('viem/accounts')
  for (const k of signerKeys) await devnet.fund(privateKeyToAccount(k).address)
  return validateConfig({
    chains: devnet.chains.map((c) => ({
      name: c.name,
      chainId: c.chainId,
      domain: c.domain,
      hub: c.spnId === undefined,
      ...(c.spnId === undefined ? { adapter: c.adapter } : { spnId: c.spnId }),
      rpcUrl: c.rpcUrl,
      mailbox: c.mailbox,
      confirmations: 0,
      pollIntervalMs: 100,
      rpcTimeoutMs: 3_000,
      signerKeys,
      gas: { stuckAfterMs: 5_000 },
    })),
    redis: { url: options.redisUrl ?? 'redis://127.0.0.1:6379', prefix: options.prefix },
    databaseUrl: options.databaseUrl,
    http: { host: '127.0.0.1', port: 0 },
    concurrency: 8,
    maxAttempts: 5,
    backoffScale: 0.01,
    signerLeaseMs: 3_000,
    waitPollMs: 100,
    logLevel: 'warn',
    ...options.overrides,
  })
}
