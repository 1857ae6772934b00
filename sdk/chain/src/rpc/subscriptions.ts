import type { Hex } from '../tx/transaction.ts'
import type { ChainApi } from './api.ts'
import { invalidParams, RpcError, RpcErrorCode } from './errors.ts'
import { formatHeader, formatLog } from './format.ts'
import { logMatches } from './logs.ts'
import { logFilter } from './params.ts'
import type { RpcConnection } from './server.ts'

/**
 * `eth_subscribe` over WebSocket: newHeads, logs, newPendingTransactions, and `spnFinality`
 * (every tier change: { tier, blockNumber, hashes }).
 */
export class Subscriptions {
  readonly #chain: ChainApi
  readonly #active = new Map<Hex, () => void>()
  #nextId = 1n

  constructor(chain: ChainApi) {
    this.#chain = chain
  }

  subscribe(kind: unknown, options: unknown, connection: RpcConnection): Hex {
    const notify = connection.notify
    if (!notify)
      throw new RpcError(
        RpcErrorCode.methodNotFound,
        'eth_subscribe needs a WebSocket connection (notifications are not possible over HTTP)',
      )
    const id = `0x${(this.#nextId++).toString(16).padStart(16, '0')}` as Hex
    const send = (result: unknown) =>
      notify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: id, result } })
    const chain = this.#chain
    let off: () => void
    switch (kind) {
      case 'newHeads':
        off = chain.on('block', (n) => {
          const b = chain.db.byNumber(n)
          if (b) send(formatHeader(b.header, b.hash))
        })
        break
      case 'logs': {
        const filter = logFilter(options)
        off = chain.on('block', (n) => {
          const b = chain.db.byNumber(n)
          if (!b) return
          for (const r of b.receipts) for (const log of r.logs) if (logMatches(log, filter)) send(formatLog(log))
        })
        break
      }
      case 'newPendingTransactions':
        off = chain.on('pendingTransaction', (hash) => send(hash))
        break
      case 'spnFinality':
        off = chain.on('finality', (e) => send({ tier: e.tier, blockNumber: e.blockNumber, hashes: e.hashes }))
        break
      default:
        throw invalidParams(
          `unknown subscription ${JSON.stringify(kind)}: use newHeads, logs, newPendingTransactions or spnFinality`,
        )
    }
    this.#active.set(id, off)
    connection.onClose?.(() => this.unsubscribe(id))
    return id
  }

  unsubscribe(id: Hex): boolean {
    const off = this.#active.get(id)
    if (!off) return false
    off()
    this.#active.delete(id)
    return true
  }

  close(): void {
    for (const off of this.#active.values()) off()
    this.#active.clear()
  }
}
