import type { Hex } from '../tx/transaction.ts'
import type { ChainApi } from './api.ts'
import { RpcError, RpcErrorCode } from './errors.ts'
import { formatLog } from './format.ts'
import { collectLogs } from './logs.ts'
import type { LogFilter } from './params.ts'

type Filter =
  | { kind: 'logs'; filter: LogFilter; next: bigint; polled: number }
  | { kind: 'blocks'; next: bigint; polled: number }
  | { kind: 'pending'; hashes: Hex[]; polled: number }

/** Filters idle this long (no eth_getFilterChanges) are dropped, as geth does after 5 minutes. */
const FILTER_TIMEOUT_MS = 5 * 60_000
const MAX_PENDING_BUFFER = 10_000

/** Poll-based filters (eth_newFilter / eth_newBlockFilter / eth_newPendingTransactionFilter). */
export class FilterRegistry {
  readonly #chain: ChainApi
  readonly #filters = new Map<Hex, Filter>()
  readonly #unsubscribe: () => void
  readonly #sweeper: NodeJS.Timeout
  #nextId = 1n

  constructor(chain: ChainApi) {
    this.#chain = chain
    this.#unsubscribe = chain.on('pendingTransaction', (hash) => {
      for (const f of this.#filters.values())
        if (f.kind === 'pending' && f.hashes.length < MAX_PENDING_BUFFER) f.hashes.push(hash)
    })
    this.#sweeper = setInterval(() => {
      const now = performance.now()
      for (const [id, f] of this.#filters) if (now - f.polled > FILTER_TIMEOUT_MS) this.#filters.delete(id)
    }, 30_000).unref()
  }

  #add(filter: Filter): Hex {
    const id = `0x${(this.#nextId++).toString(16)}` as Hex
    this.#filters.set(id, filter)
    return id
  }

  newLogFilter(filter: LogFilter): Hex {
    const from = 'number' in filter.fromBlock ? filter.fromBlock.number : this.#chain.latest() + 1n
    return this.#add({ kind: 'logs', filter, next: from, polled: performance.now() })
  }

  newBlockFilter(): Hex {
    return this.#add({ kind: 'blocks', next: this.#chain.latest() + 1n, polled: performance.now() })
  }

  newPendingFilter(): Hex {
    return this.#add({ kind: 'pending', hashes: [], polled: performance.now() })
  }

  #get(id: Hex): Filter {
    const f = this.#filters.get(id)
    if (!f)
      throw new RpcError(
        RpcErrorCode.server,
        `filter not found: ${id} (it may have expired after 5 minutes without polling)`,
      )
    f.polled = performance.now()
    return f
  }

  changes(id: Hex): unknown[] {
    const f = this.#get(id)
    const head = this.#chain.latest()
    if (f.kind === 'pending') return f.hashes.splice(0)
    if (f.kind === 'blocks') {
      const out: Hex[] = []
      for (; f.next <= head; f.next++) out.push(this.#chain.db.byNumber(f.next)!.hash)
      return out
    }
    const to = 'number' in f.filter.toBlock && f.filter.toBlock.number < head ? f.filter.toBlock.number : head
    if (f.next > to) return []
    const logs = collectLogs(this.#chain.db, f.next, to, f.filter)
    f.next = to + 1n
    return logs.map((l) => formatLog(l))
  }

  logs(id: Hex): unknown[] {
    const f = this.#get(id)
    if (f.kind !== 'logs') throw new RpcError(RpcErrorCode.server, `filter ${id} is not a log filter`)
    const head = this.#chain.latest()
    const from = 'number' in f.filter.fromBlock ? f.filter.fromBlock.number : head
    const to = 'number' in f.filter.toBlock && f.filter.toBlock.number < head ? f.filter.toBlock.number : head
    return from > to ? [] : collectLogs(this.#chain.db, from, to, f.filter).map((l) => formatLog(l))
  }

  uninstall(id: Hex): boolean {
    return this.#filters.delete(id)
  }

  close(): void {
    clearInterval(this.#sweeper)
    this.#unsubscribe()
    this.#filters.clear()
  }
}
