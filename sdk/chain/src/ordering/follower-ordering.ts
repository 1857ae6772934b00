import { fromHex } from '@spnkit/crypto'
import type { NodeLog } from '../node/node.ts'
import { type Address, decodeTransaction, type Hex } from '../tx/transaction.ts'
import type { OrderedSlot, Ordering } from './types.ts'

type RawBlock = {
  number: Hex
  hash: Hex
  timestamp: Hex
  miner: Address
  mixHash: Hex
  stateRoot: Hex
  transactions: { raw: Hex; from: Address }[]
  seal: { validator: Address; signature: Hex }[]
}

/**
 * Ordering for a non-validator full node: takes each block the validators made (from a validator's
 * RPC, `spn_getRawBlock`) as the next slot. The pipeline re-executes it with DTVM over our own
 * store and refuses to store it unless state root and block hash come out identical; the seal's
 * signatures are checked against the validator set before the block counts as finalized here.
 */
export class FollowerOrdering implements Ordering {
  readonly name: string
  readonly #upstream: string
  readonly #log: NodeLog
  readonly #pollMs: number
  #closed = false
  #wake: (() => void) | undefined
  /** Set by the node: lets the follower pull fuller seals of blocks not yet final here. */
  seals: { pending(): bigint | undefined; add(number: bigint, signatures: RawBlock['seal']): void } | undefined

  constructor(upstream: string, log: NodeLog, pollMs = 100) {
    this.#upstream = upstream
    this.#log = log
    this.#pollMs = pollMs
    this.name = `follower of ${upstream}`
  }

  async #rpc<T>(method: string, params: unknown[]): Promise<T> {
    const res = await fetch(this.#upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      signal: AbortSignal.timeout(10_000),
    })
    const body = (await res.json()) as { result?: T; error?: { message: string } }
    if (body.error) throw new Error(`${method} at ${this.#upstream}: ${body.error.message}`)
    return body.result as T
  }

  /** Hands a raw transaction to the validator (followers keep no pool of their own). */
  forward(raw: Uint8Array): Promise<Hex> {
    return this.#rpc<Hex>('eth_sendRawTransaction', [`0x${Buffer.from(raw).toString('hex')}`])
  }

  async next(number: bigint): Promise<OrderedSlot> {
    let warned = false
    for (;;) {
      if (this.#closed) throw new Error('ordering closed')
      try {
        const block = await this.#rpc<RawBlock | null>('spn_getRawBlock', [`0x${number.toString(16)}`])
        // Wait for finality upstream too, so we never follow a block that a quorum did not sign.
        if (block && block.seal.length > 0) {
          return {
            number,
            timestamp: BigInt(block.timestamp),
            proposer: block.miner,
            txs: block.transactions.map((t) => ({ ...decodeTransaction(fromHex(t.raw)), from: t.from })),
            digest: block.mixHash,
            expected: { hash: block.hash, stateRoot: block.stateRoot, seal: block.seal },
          }
        }
        await this.#syncSeal()
      } catch (e) {
        if (!warned)
          this.#log('warn', 'upstream validator unreachable; retrying', {
            upstream: this.#upstream,
            error: (e as Error).message,
          })
        warned = true
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.#pollMs)
        this.#wake = () => {
          clearTimeout(t)
          resolve()
        }
      })
    }
  }

  /** Validators co-sign blocks after they were made: fetch the newer signatures of our oldest unfinalized block. */
  async #syncSeal(): Promise<void> {
    const number = this.seals?.pending()
    if (number === undefined) return
    const seal = await this.#rpc<{ signatures: RawBlock['seal'] } | null>('spn_getBlockSeal', [
      `0x${number.toString(16)}`,
    ])
    if (seal) this.seals?.add(number, seal.signatures)
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#wake?.()
  }
}
