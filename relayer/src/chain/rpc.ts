import { Effect, Schedule } from 'effect'
import { RpcError } from '../errors.ts'

// In-job retries for single RPC calls, where BullMQ's own backoff does not reach: a flaky read
// is retried a few times with jittered exponential delays before the job itself fails and the
// queue's stepped backoff takes over. Only transport-level failures are retried; a revert or a
// typed relayer error is returned at once.

export type RpcRetryOptions = { times?: number; baseDelayMs?: number }

const transient = (error: unknown): boolean => {
  const e = error as { name?: string; message?: string; status?: number; shortMessage?: string }
  // A revert is an answer, not a transport failure, whatever bytes its data contains.
  if (/revert/i.test(`${e?.shortMessage ?? ''} ${e?.name ?? ''}`)) return false
  if (typeof e?.status === 'number' && (e.status === 429 || e.status >= 500)) return true
  const text = `${e?.name ?? ''} ${e?.shortMessage ?? ''} ${(e?.message ?? '').split('\n')[0]}`
  return /HttpRequestError|TimeoutError|fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|UND_ERR|timed out|took too long|other side closed/i.test(
    text,
  )
}

export function isTransientRpcError(error: unknown): boolean {
  let e: unknown = error
  for (let depth = 0; e && depth < 6; depth++) {
    if (transient(e)) return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}

/** Runs `call`, retrying transient transport failures; wraps the final one in an RpcError naming the chain and call. */
export function withRpcRetry<T>(
  chain: string,
  what: string,
  call: () => Promise<T>,
  options: RpcRetryOptions = {},
): Promise<T> {
  const attempt = Effect.tryPromise({ try: call, catch: (cause) => cause })
  const program = attempt.pipe(
    Effect.retry({
      schedule: Schedule.exponential(`${options.baseDelayMs ?? 100} millis`).pipe(Schedule.jittered),
      times: options.times ?? 3,
      while: isTransientRpcError,
    }),
    Effect.mapError((cause) =>
      isTransientRpcError(cause)
        ? new RpcError(`${what} on ${chain} failed: ${shortMessage(cause)}`, {
            where: `chain ${chain}`,
            fix: 'check that the chain RPC is up and reachable; the job is retried with backoff',
            cause,
          })
        : cause,
    ),
  )
  return Effect.runPromise(program)
}

export function shortMessage(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string }
  return (e?.shortMessage ?? e?.message ?? String(error)).split('\n')[0]!
}
