import { fromHex } from '@spnkit/crypto'
import { bloomMayContain } from '../block/bloom.ts'
import type { Log } from '../block/types.ts'
import type { ChainDb } from '../chaindb/chaindb.ts'
import { RpcError, RpcErrorCode } from './errors.ts'
import type { LogFilter } from './params.ts'

export const MAX_LOG_RANGE = 10_000n
export const MAX_LOG_RESULTS = 10_000

export function logMatches(log: Log, filter: Pick<LogFilter, 'addresses' | 'topics'>): boolean {
  if (filter.addresses && !filter.addresses.includes(log.address)) return false
  for (let i = 0; i < filter.topics.length; i++) {
    const wanted = filter.topics[i]
    if (!wanted) continue
    const topic = log.topics[i]
    if (!topic || !wanted.includes(topic)) return false
  }
  return true
}

function bloomCouldMatch(bloom: Uint8Array, filter: Pick<LogFilter, 'addresses' | 'topics'>): boolean {
  if (filter.addresses && !filter.addresses.some((a) => bloomMayContain(bloom, fromHex(a)))) return false
  for (const wanted of filter.topics)
    if (wanted && !wanted.some((t) => bloomMayContain(bloom, fromHex(t)))) return false
  return true
}

/** Logs of blocks `from..to` (inclusive) matching the filter; the block bloom skips blocks cheaply. */
export function collectLogs(
  db: ChainDb,
  from: bigint,
  to: bigint,
  filter: Pick<LogFilter, 'addresses' | 'topics'>,
): Log[] {
  if (to - from + 1n > MAX_LOG_RANGE)
    throw new RpcError(
      RpcErrorCode.limitExceeded,
      `query exceeds the block range limit: ${to - from + 1n} blocks requested, at most ${MAX_LOG_RANGE}; narrow fromBlock/toBlock`,
    )
  const out: Log[] = []
  for (let n = from; n <= to; n++) {
    const block = db.byNumber(n)
    if (!block) break
    if (!bloomCouldMatch(block.header.logsBloom, filter)) continue
    for (const receipt of block.receipts)
      for (const log of receipt.logs)
        if (logMatches(log, filter)) {
          out.push(log)
          if (out.length > MAX_LOG_RESULTS)
            throw new RpcError(
              RpcErrorCode.limitExceeded,
              `query returned more than ${MAX_LOG_RESULTS} results; narrow the block range or the filter`,
            )
        }
  }
  return out
}
