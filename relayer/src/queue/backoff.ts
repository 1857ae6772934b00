import { keccak256Concat } from '@spnkit/crypto'

// Hyperlane's stepped retry schedule (rust relayer, pending_message.rs calculate_msg_backoff):
// 5 s, 10 s, 30 s, 60 s, then 3 min, then 5 min + 90 s per retry up to ~25 min, 30 min, 60 min,
// then 2 h and more, with jitter so a backlog of failures does not retry in lockstep. The jitter is
// derived from (message id, attempt) instead of Math.random: spread out, but reproducible.

export function steppedDelayMs(attempt: number): number {
  const s = 1000
  const m = 60 * s
  if (attempt <= 1) return 5 * s
  if (attempt === 2) return 10 * s
  if (attempt === 3) return 30 * s
  if (attempt === 4) return 60 * s
  if (attempt <= 24) return 3 * m
  if (attempt <= 39) return 5 * m + 90 * s * (attempt - 25)
  if (attempt <= 44) return 30 * m
  if (attempt <= 49) return 60 * m
  return Math.max(2 * 60 * m, 2 * 60 * m * (attempt - 49))
}

/** Up to +25% (and 6 h at most) of deterministic jitter per (id, attempt). */
export function jitterMs(base: number, id: string, attempt: number): number {
  const h = keccak256Concat(new TextEncoder().encode(id), new Uint8Array([attempt & 0xff, (attempt >> 8) & 0xff]))
  const unit = (h[0]! * 256 + h[1]!) / 65536
  return Math.min(Math.floor(base * 0.25 * unit), 6 * 60 * 60 * 1000)
}

/** The delay before retry `attempt` (1-based) of message `id`, scaled (tests run the schedule faster). */
export function retryDelayMs(id: string, attempt: number, scale = 1): number {
  const base = steppedDelayMs(attempt)
  return Math.max(1, Math.round((base + jitterMs(base, id, attempt)) * scale))
}
