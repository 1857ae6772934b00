import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import {
  type CommittedBlock,
  type Hex as ConsensusHex,
  FileWal,
  secp256k1Scheme,
  TcpTransport,
  type Tx,
  Validator,
  ValidatorNode,
  ValidatorSet,
} from '@spnkit/consensus'
import { fromHex, toHex } from '@spnkit/crypto'
import type { PooledTransaction } from '../mempool/mempool.ts'
import type { NodeLog } from '../node/node.ts'
import { recoverInline } from '../tx/sender-recovery.ts'
import { type Address, decodeTransaction, type Hex } from '../tx/transaction.ts'
import type { OrderedSlot, Ordering } from './types.ts'

export type ConsensusOrderingOptions = {
  chainId: bigint
  dataDir: string
  privateKey: Uint8Array
  validators: Address[]
  /** Consensus TCP listen port of this validator. */
  listenPort: number
  /** Every validator's consensus endpoint (this one included is fine). */
  peers: { address: Address; host: string; port: number }[]
  /** Slot executed last by the chain (from its block log), so committed-but-unexecuted slots are replayed. */
  lastExecutedSlot: number
  /** Sender this node already recovered for a transaction hash (its pool): proposals skip recovery for those. */
  knownSender?: (hash: Hex) => Address | undefined
  /** JSON-RPC URL of a validator (owners receive forwarded transactions there). */
  rpcOf: (validator: Address) => string | undefined
  log: NodeLog
  tickMs?: number
  maxBatch?: number
}

type SlotLine = {
  slot: number
  epoch: number
  hash: Hex
  timestamp: number
  proposer: Address
  txs: [raw: Hex, sender: Address][]
}

/**
 * Ordering by @spnkit/consensus: this validator runs the multi-proposer BFT state machine over the
 * consensus TCP transport with the other validator processes. Every committed slot with
 * transactions becomes the next block (empty slots make no block). Committed slots are appended to
 * `slots.jsonl` before they are handed on, so a crash between ordering and execution replays them.
 */
export class ConsensusOrdering implements Ordering {
  readonly name = 'consensus (multi-proposer BFT over TCP)'
  readonly #o: ConsensusOrderingOptions
  readonly #queue: SlotLine[] = []
  readonly #file: string
  #node: ValidatorNode | undefined
  #validator: Validator | undefined
  #wake: (() => void) | undefined
  #closed = false
  #peers = 0
  readonly #forward = new Map<string, Hex[]>()
  readonly #me: Address

  constructor(options: ConsensusOrderingOptions) {
    this.#o = options
    this.#file = path.join(options.dataDir, 'slots.jsonl')
    this.#me = secp256k1Scheme.address(options.privateKey) as Address
  }

  async start(): Promise<void> {
    const o = this.#o
    const lines: SlotLine[] = existsSync(this.#file)
      ? readFileSync(this.#file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .flatMap((l) => {
            try {
              return [JSON.parse(l) as SlotLine]
            } catch {
              return [] // torn last line after a crash
            }
          })
      : []
    for (const line of lines) if (line.slot > o.lastExecutedSlot && line.txs.length > 0) this.#queue.push(line)
    const last = lines.at(-1)
    const sets = new Map<number, ValidatorSet>()
    const validatorSet = (epoch: number) => {
      let set = sets.get(epoch)
      if (!set) {
        set = ValidatorSet.equal(epoch, o.validators as ConsensusHex[])
        sets.set(epoch, set)
      }
      return set
    }
    const chainId = Number(o.chainId)
    const wal = FileWal.open(path.join(o.dataDir, 'consensus.wal'))
    this.#validator = new Validator({
      chainId,
      privateKey: o.privateKey,
      validatorSet,
      window: 4,
      // Backups wait longer than the default so an owner's proposal normally wins the race (a backup
      // proposing later nonces first would see them refused at execution and burn their nonce keys).
      backupAfterSlots: 16,
      maxBatch: o.maxBatch ?? 2000,
      proposalTimeoutMs: 600,
      inactiveTimeoutMs: 200,
      retransmitMs: 300,
      committedSlot: last?.slot ?? 0,
      lastTimestamp: last?.timestamp ?? 0,
      history: lines.slice(-1024).map((l) => ({
        slot: l.slot,
        epoch: l.epoch,
        timestamp: l.timestamp,
        hash: l.hash,
        proposals: [],
        txs: l.txs.map(([raw, sender]) => {
          const tx = decodeTransaction(fromHex(raw))
          return { bytes: new Uint8Array(), sender, nonce: tx.nonce, hash: tx.hash }
        }),
      })),
      wal: wal.records,
      // A proposer's claim about a tx is checked: the bytes decode, hash to `hash`, and are signed by `sender`.
      validateTx: (tx) => {
        try {
          const decoded = decodeTransaction(tx.bytes)
          if (decoded.hash !== tx.hash || decoded.nonce !== tx.nonce) return false
          // The hash commits to the signature, so a sender we recovered for this hash before still holds.
          if (o.knownSender?.(decoded.hash) === tx.sender) return true
          return recoverInline(decoded) === tx.sender
        } catch {
          return false
        }
      },
    })
    const transport = await TcpTransport.start({
      chainId,
      privateKey: o.privateKey,
      scheme: secp256k1Scheme,
      listenPort: o.listenPort,
      listenHost: '127.0.0.1',
      peers: o.peers.map((p) => ({ address: p.address as ConsensusHex, host: p.host, port: p.port })),
      onMessage: (m, from) => this.#node?.deliver(m, from),
      onError: (e) => o.log('debug', 'consensus transport', { error: e.message }),
    })
    this.#node = new ValidatorNode({
      validator: this.#validator,
      wal,
      transport,
      onBlock: (b) => this.#committed(b),
      onEvidence: (e) => o.log('warn', 'equivocation evidence', { signer: e.signer, slot: e.slot, phase: e.phase }),
    })
    this.#node.start(this.#o.tickMs ?? 20)
    o.log('info', 'consensus started', {
      validators: o.validators.length,
      port: o.listenPort,
      committedSlot: last?.slot ?? 0,
      replay: this.#queue.length,
    })
  }

  #committed(block: CommittedBlock): void {
    const line: SlotLine = {
      slot: block.slot,
      epoch: block.epoch,
      hash: block.hash,
      timestamp: block.timestamp,
      proposer: (block.proposals[0]?.proposer ?? '0x0000000000000000000000000000000000000000') as Address,
      txs: block.txs.map((t) => [toHex(t.bytes), t.sender as Address]),
    }
    appendFileSync(this.#file, `${JSON.stringify(line)}\n`)
    this.#peers = Math.max(this.#peers, block.proposals.length - 1)
    if (line.txs.length === 0) return
    this.#queue.push(line)
    this.#wake?.()
  }

  /** Hands a transaction (in per-sender nonce order) to this validator's consensus pool: it proposes it as owner or, after a wait, as backup. */
  submit(tx: PooledTransaction): void {
    const item: Tx = { bytes: tx.raw, sender: tx.from as ConsensusHex, nonce: tx.nonce, hash: tx.hash as ConsensusHex }
    this.#node?.submit(item)
  }

  /**
   * Sends a transaction that arrived here to its sender's owner, which proposes it (batched per
   * event-loop turn). Done on arrival, gaps or not: the nonces before it may have reached another node.
   */
  forwardToOwner(tx: PooledTransaction): void {
    const owner = this.ownerOf(tx.from)
    const url = owner && owner !== this.#me ? this.#o.rpcOf(owner) : undefined
    if (!url) return
    let queue = this.#forward.get(url)
    if (!queue) {
      queue = []
      this.#forward.set(url, queue)
    }
    queue.push(toHex(tx.raw))
    if (queue.length === 1) setImmediate(() => this.#flushForward(url))
  }

  #flushForward(url: string): void {
    const raws = this.#forward.get(url) ?? []
    this.#forward.delete(url)
    const body = JSON.stringify(
      raws.map((raw, id) => ({ jsonrpc: '2.0', id, method: 'eth_sendRawTransaction', params: [raw] })),
    )
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5000),
    })
      .then((r) => r.body?.cancel())
      .catch((e: Error) =>
        this.#o.log('debug', 'forward to owner failed; this validator stays the backup proposer', {
          url,
          error: e.message,
        }),
      )
  }

  /** The validator that proposes `sender`'s transactions first (the owner). */
  ownerOf(sender: Address): Address | undefined {
    const v = this.#validator
    if (!v) return undefined
    return v.ownersOf(v.epochOf(1), sender as ConsensusHex)[0] as Address | undefined
  }

  get peerCount(): number {
    return this.#peers
  }

  async next(number: bigint, parentTimestamp: bigint): Promise<OrderedSlot> {
    for (;;) {
      if (this.#closed) throw new Error('ordering closed')
      const line = this.#queue.shift()
      if (line) {
        const seconds = BigInt(Math.floor(line.timestamp / 1000))
        return {
          number,
          slot: line.slot,
          timestamp: seconds > parentTimestamp ? seconds : parentTimestamp,
          proposer: line.proposer,
          txs: line.txs.map(([raw, from]) => ({ ...decodeTransaction(fromHex(raw)), from })),
          digest: line.hash,
        }
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve
      })
      this.#wake = undefined
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#wake?.()
    await this.#node?.stop()
  }
}
