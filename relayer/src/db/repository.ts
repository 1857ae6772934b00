import { type Kysely, sql } from 'kysely'
import type { MessageStatus, MessagesTable, Schema, Stage } from './schema.ts'

// Every write is conditional on the row's current stage, so a job that runs twice (a stalled job
// picked up by another process, a crash after the write but before the job completed) changes
// nothing the second time.

export type MessageRow = Omit<
  MessagesTable,
  | 'origin_block'
  | 'leaf_index'
  | 'hub_leaf_index'
  | 'created_at'
  | 'updated_at'
  | 'checkpointed_at'
  | 'submitted_at'
  | 'included_at'
  | 'delivered_at'
  | 'confirmed_at'
> & {
  origin_block: bigint
  leaf_index: number
  hub_leaf_index: number | null
  created_at: number
  updated_at: number
  checkpointed_at: number | null
  submitted_at: number | null
  included_at: number | null
  delivered_at: number | null
  confirmed_at: number | null
}

export type NewMessage = {
  id: string
  originDomain: number
  destinationDomain: number
  nonce: number
  sender: string
  recipient: string
  body: string
  raw: string
  originBlock: bigint
  originTx: string
  originLogIndex: number
  leafIndex: number
  /** Leaf of the message in the hub's tree, when known at insert time (hub-origin or forwarded). */
  hubLeafIndex: number | null
  firstStage: Stage
}

export type Observed = {
  messages: NewMessage[]
  /** Every Dispatch leaf seen in the range (the chain's outbox tree). */
  leaves: { leafIndex: number; id: string; block: bigint }[]
  /** Hub only: forwarded messages whose hub leaf is now known. */
  hubLinks: { id: string; hubLeafIndex: number }[]
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v))

function toRow(r: MessagesTable): MessageRow {
  return {
    ...r,
    origin_domain: Number(r.origin_domain),
    destination_domain: Number(r.destination_domain),
    nonce: Number(r.nonce),
    origin_block: BigInt(r.origin_block),
    leaf_index: Number(r.leaf_index),
    hub_leaf_index: num(r.hub_leaf_index),
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
    checkpointed_at: num(r.checkpointed_at),
    submitted_at: num(r.submitted_at),
    included_at: num(r.included_at),
    delivered_at: num(r.delivered_at),
    confirmed_at: num(r.confirmed_at),
  }
}

/** Column that records when a message reached a stage (for stage latency metrics and the API). */
export const stageTimestamp: Partial<Record<Stage, keyof MessagesTable>> = {
  submit: 'checkpointed_at',
  inclusion: 'submitted_at',
  deliver: 'included_at',
  confirm: 'delivered_at',
  done: 'confirmed_at',
}

export class Repository {
  readonly db: Kysely<Schema>
  readonly now: () => number
  constructor(db: Kysely<Schema>, now: () => number = Date.now) {
    this.db = db
    this.now = now
  }

  /**
   * Stores newly observed messages and moves the chain's cursor in one transaction, so a crash
   * either keeps both or neither; returns the ids that were new.
   */
  async recordObserved(domain: number, observed: Observed, nextBlock: bigint): Promise<string[]> {
    const now = this.now()
    const { messages, leaves, hubLinks } = observed
    return this.db.transaction().execute(async (trx) => {
      let inserted: string[] = []
      if (leaves.length > 0) {
        await trx
          .insertInto('relayer_leaves')
          .values(leaves.map((l) => ({ domain, leaf_index: l.leafIndex, id: l.id, block: l.block.toString() })))
          .onConflict((oc) => oc.columns(['domain', 'leaf_index']).doNothing())
          .execute()
      }
      for (const link of hubLinks) {
        await trx
          .updateTable('relayer_messages')
          .set({ hub_leaf_index: link.hubLeafIndex, updated_at: now })
          .where('id', '=', link.id)
          .where('hub_leaf_index', 'is', null)
          .execute()
      }
      if (messages.length > 0) {
        const rows = await trx
          .insertInto('relayer_messages')
          .values(
            messages.map((m) => ({
              id: m.id,
              origin_domain: m.originDomain,
              destination_domain: m.destinationDomain,
              nonce: m.nonce,
              sender: m.sender,
              recipient: m.recipient,
              body: m.body,
              raw: m.raw,
              origin_block: m.originBlock.toString(),
              origin_tx: m.originTx,
              origin_log_index: m.originLogIndex,
              leaf_index: m.leafIndex,
              hub_leaf_index: m.hubLeafIndex,
              status: 'pending' as const,
              stage: m.firstStage,
              attempts: 0,
              retry_reason: null,
              last_error: null,
              submit_tx: null,
              deliver_tx: null,
              created_at: now,
              updated_at: now,
              checkpointed_at: null,
              submitted_at: null,
              included_at: null,
              delivered_at: null,
              confirmed_at: null,
            })),
          )
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .execute()
        inserted = rows.map((r) => r.id)
      }
      await trx
        .insertInto('relayer_cursors')
        .values({ domain, next_block: nextBlock.toString(), updated_at: now })
        .onConflict((oc) =>
          oc.column('domain').doUpdateSet({ next_block: nextBlock.toString(), updated_at: now }).where(
            // Never move a cursor backwards (two observers racing after a lease handover).
            sql<boolean>`relayer_cursors.next_block < excluded.next_block`,
          ),
        )
        .execute()
      return inserted
    })
  }

  async cursor(domain: number): Promise<bigint | undefined> {
    const row = await this.db
      .selectFrom('relayer_cursors')
      .select('next_block')
      .where('domain', '=', domain)
      .executeTakeFirst()
    return row ? BigInt(row.next_block) : undefined
  }

  async get(id: string): Promise<MessageRow | undefined> {
    const row = await this.db.selectFrom('relayer_messages').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toRow(row) : undefined
  }

  async list(filter: {
    status?: MessageStatus
    stage?: Stage
    limit?: number
    offset?: number
  }): Promise<MessageRow[]> {
    let q = this.db.selectFrom('relayer_messages').selectAll()
    if (filter.status) q = q.where('status', '=', filter.status)
    if (filter.stage) q = q.where('stage', '=', filter.stage)
    const rows = await q
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 100)
      .offset(filter.offset ?? 0)
      .execute()
    return rows.map(toRow)
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('relayer_messages')
      .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .groupBy('status')
      .execute()
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
  }

  /** Leaf ids of `domain`'s outbox tree dispatched at or before `block`, in tree order (for Merkle proofs). */
  async leavesUpTo(domain: number, block: bigint): Promise<string[]> {
    const rows = await this.db
      .selectFrom('relayer_leaves')
      .select(['id', 'leaf_index'])
      .where('domain', '=', domain)
      .where('block', '<=', block.toString())
      .orderBy('leaf_index')
      .execute()
    rows.forEach((r, i) => {
      if (Number(r.leaf_index) !== i) throw new Error(`leaf ${i} of domain ${domain} is missing from the database`)
    })
    return rows.map((r) => r.id)
  }

  /** Leaves of `domain` recorded at or below `block`. */
  async leafCountUpTo(domain: number, block: bigint): Promise<number> {
    const row = await this.db
      .selectFrom('relayer_leaves')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('domain', '=', domain)
      .where('block', '<=', block.toString())
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  /** Block of the last leaf before the first missing index (where a rescan must start), if any. */
  async lastContiguousLeafBlock(domain: number): Promise<bigint | undefined> {
    const rows = await this.db
      .selectFrom('relayer_leaves')
      .select(['leaf_index', 'block'])
      .where('domain', '=', domain)
      .orderBy('leaf_index')
      .execute()
    let last: bigint | undefined
    for (let i = 0; i < rows.length; i++) {
      if (Number(rows[i]!.leaf_index) !== i) break
      last = BigInt(rows[i]!.block)
    }
    return last
  }

  /** Moves a cursor back (the only way it ever goes back): a gap was found below it. */
  async rewindCursor(domain: number, nextBlock: bigint): Promise<void> {
    await this.db
      .updateTable('relayer_cursors')
      .set({ next_block: nextBlock.toString(), updated_at: this.now() })
      .where('domain', '=', domain)
      .execute()
  }

  async leafBlock(domain: number, leafIndex: number): Promise<bigint | undefined> {
    const row = await this.db
      .selectFrom('relayer_leaves')
      .select('block')
      .where('domain', '=', domain)
      .where('leaf_index', '=', leafIndex)
      .executeTakeFirst()
    return row ? BigInt(row.block) : undefined
  }

  /** Moves a message from `from` to `to`; returns false when it is no longer at `from` (a replayed job). */
  async advance(
    id: string,
    from: Stage,
    to: Stage,
    patch: { submit_tx?: string; deliver_tx?: string } = {},
  ): Promise<boolean> {
    const now = this.now()
    const column = stageTimestamp[to]
    const result = await this.db
      .updateTable('relayer_messages')
      .set({
        ...patch,
        stage: to,
        status: to === 'done' ? 'delivered' : 'relaying',
        retry_reason: null,
        last_error: null,
        updated_at: now,
        ...(column ? { [column]: now } : {}),
      })
      .where('id', '=', id)
      .where('stage', '=', from)
      .executeTakeFirst()
    const moved = result.numUpdatedRows > 0n
    if (moved) await this.event(id, to, 'advanced', `${from} -> ${to}`)
    return moved
  }

  /** Remembers a transaction hash for the stage before waiting on it, so a restart checks it first. */
  async setStageTx(id: string, column: 'submit_tx' | 'deliver_tx', hash: string): Promise<void> {
    await this.db
      .updateTable('relayer_messages')
      .set({ [column]: hash, updated_at: this.now() })
      .where('id', '=', id)
      .execute()
  }

  async recordFailure(id: string, stage: Stage, reason: string, error: string, attempts: number): Promise<void> {
    await this.db
      .updateTable('relayer_messages')
      .set({ retry_reason: reason, last_error: error.slice(0, 2000), attempts, updated_at: this.now() })
      .where('id', '=', id)
      .execute()
    await this.event(id, stage, 'retry', `${reason}: ${error.slice(0, 500)}`)
  }

  async markDead(id: string, stage: Stage, reason: string, error: string, attempts: number): Promise<void> {
    await this.db
      .updateTable('relayer_messages')
      .set({ status: 'dead', retry_reason: reason, last_error: error.slice(0, 2000), attempts, updated_at: this.now() })
      .where('id', '=', id)
      .where('status', '!=', 'delivered')
      .execute()
    await this.event(id, stage, 'dead', `${reason}: ${error.slice(0, 500)}`)
  }

  /** Manual retry: back to relaying at the stage it died in, attempt counter reset. */
  async resetForRetry(id: string): Promise<MessageRow | undefined> {
    await this.db
      .updateTable('relayer_messages')
      .set({ status: 'relaying', retry_reason: 'Manual', attempts: 0, updated_at: this.now() })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .execute()
    await this.event(id, 'checkpoint', 'manual-retry', 'operator requested a retry')
    return this.get(id)
  }

  async event(id: string, stage: string, kind: string, detail: string): Promise<void> {
    await this.db.insertInto('relayer_events').values({ message_id: id, at: this.now(), stage, kind, detail }).execute()
  }

  async events(id: string): Promise<{ at: number; stage: string; kind: string; detail: string }[]> {
    const rows = await this.db
      .selectFrom('relayer_events')
      .select(['at', 'stage', 'kind', 'detail'])
      .where('message_id', '=', id)
      .orderBy('seq')
      .execute()
    return rows.map((r) => ({ ...r, at: Number(r.at) }))
  }

  async recordTransaction(tx: {
    domain: number
    signer: string
    nonce: number
    hash: string
    messageId: string | null
    stage: string
    maxFeePerGas: bigint
    priorityFeePerGas: bigint
    gasLimit: bigint
  }): Promise<void> {
    await this.db
      .insertInto('relayer_transactions')
      .values({
        domain: tx.domain,
        signer: tx.signer,
        nonce: tx.nonce,
        hash: tx.hash,
        message_id: tx.messageId,
        stage: tx.stage,
        max_fee_per_gas: tx.maxFeePerGas.toString(),
        priority_fee_per_gas: tx.priorityFeePerGas.toString(),
        gas_limit: tx.gasLimit.toString(),
        status: 'pending',
        gas_used: null,
        sent_at: this.now(),
        mined_at: null,
      })
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute()
  }

  async settleTransaction(hash: string, status: 'mined' | 'reverted' | 'replaced', gasUsed?: bigint): Promise<void> {
    await this.db
      .updateTable('relayer_transactions')
      .set({ status, gas_used: gasUsed?.toString() ?? null, mined_at: this.now() })
      .where('hash', '=', hash)
      .execute()
  }

  async transactionsOf(messageId: string): Promise<{ hash: string; status: string; stage: string; nonce: number }[]> {
    const rows = await this.db
      .selectFrom('relayer_transactions')
      .select(['hash', 'status', 'stage', 'nonce'])
      .where('message_id', '=', messageId)
      .orderBy('seq')
      .execute()
    return rows.map((r) => ({ ...r, nonce: Number(r.nonce) }))
  }
}
