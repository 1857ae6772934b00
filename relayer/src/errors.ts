// Typed errors. Every error says what went wrong, where, and what to do, and carries a `retryable`
// flag so the queue layer can tell a transient failure (RPC down, nonce race) from a permanent one
// (bad config, a message the contracts will never accept), like ponder's RetryableError split and
// BullMQ's UnrecoverableError.

export type ErrorDetails = { where?: string; fix?: string; cause?: unknown }

export class RelayerError extends Error {
  readonly where: string | undefined
  readonly fix: string | undefined
  readonly retryable: boolean = true
  constructor(message: string, details: ErrorDetails = {}) {
    const lines = [message]
    if (details.where) lines.push(`  where: ${details.where}`)
    if (details.fix) lines.push(`  fix: ${details.fix}`)
    super(lines.join('\n'), details.cause === undefined ? undefined : { cause: details.cause })
    this.name = new.target.name
    this.where = details.where
    this.fix = details.fix
  }
}

/** Configuration that cannot work; reported at start with every problem listed. */
export class ConfigError extends RelayerError {
  override readonly retryable = false
  readonly issues: readonly string[]
  constructor(issues: readonly string[], source: string) {
    super(
      `invalid relayer config (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n  - ${issues.join('\n  - ')}`,
      {
        where: source,
        fix: 'correct the listed fields (see relayer/README.md § Config) and start again',
      },
    )
    this.issues = issues
  }
}

/** A JSON-RPC call failed or timed out after its in-job retries. Retried by the queue with backoff. */
export class RpcError extends RelayerError {}

/** Sending a transaction failed in a way that a later attempt can fix (fees, nonce race, balance). */
export class TransactionError extends RelayerError {}

/** The message can never be delivered as it is (malformed, wrong route, gas above every cap). */
export class PermanentMessageError extends RelayerError {
  override readonly retryable = false
}

/** The destination reverted the delivery; retried with backoff, dead-lettered when attempts run out. */
export class DeliveryRevertedError extends RelayerError {}

/** A database statement failed. */
export class DatabaseError extends RelayerError {}

/** Short, stable reason label for metrics and the message table (Hyperlane's ReprepareReason idea). */
export function reasonOf(error: unknown): string {
  if (error instanceof RelayerError) return error.name
  if (error instanceof Error) return error.name || 'Error'
  return 'Unknown'
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
