// Glue for running one validator as an OS process: the pure state machine, a file WAL and the TCP
// transport. After every batch of inputs it drains once, appends the WAL records (fsync) and only
// then sends — so a crash at any point never leaves a sent message without its WAL record.
import type { CommittedBlock, EquivocationEvidence, Message, Tx } from '../types.ts'
import type { Validator } from '../validator.ts'
import type { FileWal } from '../wal.ts'
import type { TcpTransport } from './transport.ts'

export class ValidatorNode {
  readonly validator: Validator
  readonly #wal: FileWal
  readonly #transport: TcpTransport
  readonly #onBlock: (block: CommittedBlock) => void
  readonly #onEvidence: (e: EquivocationEvidence) => void
  #scheduled = false
  #timer: NodeJS.Timeout | null = null

  constructor(args: {
    validator: Validator
    wal: FileWal
    transport: TcpTransport
    onBlock: (block: CommittedBlock) => void
    onEvidence?: (e: EquivocationEvidence) => void
  }) {
    this.validator = args.validator
    this.#wal = args.wal
    this.#transport = args.transport
    this.#onBlock = args.onBlock
    this.#onEvidence = args.onEvidence ?? (() => {})
  }

  /** Starts the timer that feeds `tick(Date.now())` — the clock lives here, not in the validator. */
  start(tickMs: number): void {
    this.#timer = setInterval(() => {
      this.validator.tick(Date.now())
      this.#schedule()
    }, tickMs)
  }

  deliver(message: Message, from: string): void {
    this.validator.onMessage(message, from as `0x${string}`)
    this.#schedule()
  }

  submit(tx: Tx): boolean {
    const ok = this.validator.submitTx(tx)
    this.#schedule()
    return ok
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      this.flush()
    })
  }

  flush(): void {
    const out = this.validator.drain()
    this.#wal.append(out.wal)
    for (const m of out.messages) this.#transport.send(m.to, m.message)
    for (const b of out.blocks) this.#onBlock(b)
    for (const e of out.evidence) this.#onEvidence(e)
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    await this.#transport.close()
    this.#wal.close()
  }
}
