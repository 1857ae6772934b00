import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely'
import { DatabaseError } from '../errors.ts'

// Migrations live in code (not files on disk) so the package works wherever it is imported from.
// Never edit a shipped migration: add the next one.

const migrations: Record<string, Migration> = {
  '0001_messages': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('relayer_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('origin_domain', 'int8', (c) => c.notNull())
        .addColumn('destination_domain', 'int8', (c) => c.notNull())
        .addColumn('nonce', 'int8', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('raw', 'text', (c) => c.notNull())
        .addColumn('origin_block', 'int8', (c) => c.notNull())
        .addColumn('origin_tx', 'text', (c) => c.notNull())
        .addColumn('origin_log_index', 'int4', (c) => c.notNull())
        .addColumn('leaf_index', 'int8', (c) => c.notNull())
        .addColumn('hub_leaf_index', 'int8')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('attempts', 'int4', (c) => c.notNull().defaultTo(0))
        .addColumn('retry_reason', 'text')
        .addColumn('last_error', 'text')
        .addColumn('submit_tx', 'text')
        .addColumn('deliver_tx', 'text')
        .addColumn('created_at', 'int8', (c) => c.notNull())
        .addColumn('updated_at', 'int8', (c) => c.notNull())
        .addColumn('checkpointed_at', 'int8')
        .addColumn('submitted_at', 'int8')
        .addColumn('included_at', 'int8')
        .addColumn('delivered_at', 'int8')
        .addColumn('confirmed_at', 'int8')
        .execute()
      // Dashboard queries: by status newest first, stuck work per stage, per-route listings, and
      // proof building (all leaves of one origin in tree order).
      await db.schema
        .createIndex('relayer_messages_status_updated')
        .on('relayer_messages')
        .columns(['status', 'updated_at'])
        .execute()
      await db.schema
        .createIndex('relayer_messages_stage')
        .on('relayer_messages')
        .columns(['stage', 'updated_at'])
        .execute()
      await db.schema
        .createIndex('relayer_messages_route')
        .on('relayer_messages')
        .columns(['origin_domain', 'destination_domain', 'created_at'])
        .execute()

      // Every leaf of every observed outbox tree (local dispatches and, on the hub, forwarded
      // messages), which is what Merkle proofs are rebuilt from.
      await db.schema
        .createTable('relayer_leaves')
        .addColumn('domain', 'int8', (c) => c.notNull())
        .addColumn('leaf_index', 'int8', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('block', 'int8', (c) => c.notNull())
        .addPrimaryKeyConstraint('relayer_leaves_pk', ['domain', 'leaf_index'])
        .execute()

      await db.schema
        .createTable('relayer_cursors')
        .addColumn('domain', 'int8', (c) => c.primaryKey())
        .addColumn('next_block', 'int8', (c) => c.notNull())
        .addColumn('updated_at', 'int8', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('relayer_transactions')
        .addColumn('seq', 'bigserial', (c) => c.primaryKey())
        .addColumn('domain', 'int8', (c) => c.notNull())
        .addColumn('signer', 'text', (c) => c.notNull())
        .addColumn('nonce', 'int8', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('message_id', 'text')
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('max_fee_per_gas', 'text', (c) => c.notNull())
        .addColumn('priority_fee_per_gas', 'text', (c) => c.notNull())
        .addColumn('gas_limit', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('gas_used', 'text')
        .addColumn('sent_at', 'int8', (c) => c.notNull())
        .addColumn('mined_at', 'int8')
        .execute()
      await db.schema
        .createIndex('relayer_transactions_signer_nonce')
        .on('relayer_transactions')
        .columns(['domain', 'signer', 'nonce'])
        .execute()
      await db.schema
        .createIndex('relayer_transactions_message')
        .on('relayer_transactions')
        .column('message_id')
        .execute()

      await db.schema
        .createTable('relayer_events')
        .addColumn('seq', 'bigserial', (c) => c.primaryKey())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('at', 'int8', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('relayer_events_message')
        .on('relayer_events')
        .columns(['message_id', 'seq'])
        .execute()
    },
  },
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

/** Brings the schema up to date. Safe to run from many processes at once (kysely takes a lock). */
export async function migrate(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'relayer_migrations',
    migrationLockTableName: 'relayer_migrations_lock',
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new DatabaseError(`database migration ${failed} failed: ${(error as Error).message ?? String(error)}`, {
      where: 'relayer/src/db/migrations.ts',
      fix: 'check that the database user may create tables; the failed migration was rolled back',
      cause: error,
    })
  }
}

/** Whether the connection answers; used by /ready. */
export async function ping(db: Kysely<unknown>): Promise<void> {
  await sql`select 1`.execute(db)
}
