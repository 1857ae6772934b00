import type { Address, Hex } from 'viem'

/** Gas policy of one chain: caps that bound what a single message may cost, and when to bump fees. */
export type GasPolicy = {
  /** Highest gas limit a single delivery may use; estimates above it fail the message for good. */
  maxGasLimit: bigint
  /** Multiplier on the estimate, in percent (120 = estimate + 20%). */
  gasLimitBufferPercent: number
  /**
   * Gas added to every estimate: state can change between estimate and inclusion (e.g. the first
   * write to a fresh Merkle branch slot costs 20k more than the estimate saw).
   */
  gasLimitOverhead: bigint
  /** Highest maxFeePerGas we ever offer, in wei. */
  maxFeePerGas: bigint
  /** Priority fee (tip) of a first submission, in wei. */
  priorityFeePerGas: bigint
  /** Fee increase for a replacement, in percent; nodes require >= 10. */
  bumpPercent: number
  /** A transaction not mined after this long is replaced with bumped fees. */
  stuckAfterMs: number
  /** Below this signer balance the relayer warns (log + metric); it keeps sending while it can pay. */
  minBalanceWei: bigint
}

export type ChainConfig = {
  /** Operator-facing name, used in logs, metrics and the API. */
  name: string
  /** EVM chain id the RPC must report. */
  chainId: number
  /** Messaging domain (uint32) of the chain's Mailbox. */
  domain: number
  /** The hub chain (mainnet): its SPNAdapter accepts checkpoints and routes messages. Exactly one chain is the hub. */
  hub: boolean
  /** SPN id on the hub's adapter (spoke chains only). */
  spnId: number | undefined
  rpcUrl: string
  /** Blocks behind head before a log is observed. */
  confirmations: number
  /** First block scanned when no cursor exists yet. */
  startBlock: bigint
  /** Most blocks per eth_getLogs call. */
  maxBlockRange: number
  pollIntervalMs: number
  /** RPC timeout per call. */
  rpcTimeoutMs: number
  mailbox: Address
  /** SPNAdapter address (hub only). */
  adapter: Address | undefined
  /** Private keys the relayer may send from; each process leases one at a time. */
  signerKeys: Hex[]
  gas: GasPolicy
}

export type RelayerConfig = {
  chains: ChainConfig[]
  redis: { url: string; prefix: string }
  /** `memory://`, `pglite://<dir>` (embedded default) or `postgres://...`. */
  databaseUrl: string
  http: { host: string; port: number }
  /** Jobs per stage worker per process. */
  concurrency: number
  /** Attempts before a message is dead-lettered. */
  maxAttempts: number
  /** Scale of the stepped backoff (1 = Hyperlane's 5 s, 10 s, 30 s...; tests use a small fraction). */
  backoffScale: number
  /** Keys per chain one process leases and rotates over (more keys, more transactions in parallel). */
  signersPerProcess: number
  /** How long a process owns a signer key without renewing it. */
  signerLeaseMs: number
  /** Poll interval of waiting stages (checkpoint, inclusion). */
  waitPollMs: number
  logLevel: 'debug' | 'info' | 'warn' | 'error'
}
