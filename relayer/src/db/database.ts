import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { DatabaseError } from '../errors.ts'
import { migrate, ping } from './migrations.ts'
import { PgliteDialect } from './pglite-dialect.ts'
import type { Schema } from './schema.ts'

export type Database = {
  db: Kysely<Schema>
  kind: 'postgres' | 'pglite'
  close: () => Promise<void>
}

/**
 * Opens the relayer database and migrates it. `memory://` and `pglite://<dir>` are embedded PGlite
 * (one process only: PGlite has a single connection); `postgres://` is shared by every relayer process.
 */
export async function openDatabase(url: string, options: { poolSize?: number } = {}): Promise<Database> {
  let database: Database
  try {
    if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
      // node-postgres rather than postgres.js: postgres.js 3.4.9 throws an uncaught TypeError (a
      // write on a closed socket in connection.js nextWrite) when the server terminates connections,
      // which killed the whole relayer on a database restart (see faults.slow.test.ts).
      const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 })
      // An idle client losing its server is reported here; the pool replaces it on the next query.
      pool.on('error', () => {})
      // A client in use when its server goes away also emits 'error'; without a listener Node would
      // throw it. The statement it was running fails with the same error, and the job retries.
      pool.on('connect', (client) => client.on('error', () => {}))
      const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) })
      database = { db, kind: 'postgres', close: () => db.destroy() }
    } else if (url === 'memory://' || url.startsWith('pglite://')) {
      const dir = url === 'memory://' ? undefined : url.slice('pglite://'.length)
      if (dir) mkdirSync(dir, { recursive: true })
      const pg = dir ? await PGlite.create(dir) : await PGlite.create()
      const db = new Kysely<Schema>({ dialect: new PgliteDialect(pg) })
      database = { db, kind: 'pglite', close: () => db.destroy() }
    } else {
      throw new DatabaseError(`unsupported database URL ${JSON.stringify(url)}`, {
        where: 'config databaseUrl',
        fix: 'use memory://, pglite://<directory> or postgres://user@host:port/db',
      })
    }
    await ping(database.db as unknown as Kysely<unknown>)
  } catch (cause) {
    if (cause instanceof DatabaseError) throw cause
    throw new DatabaseError(`cannot open the relayer database at ${redactUrl(url)}: ${(cause as Error).message}`, {
      where: 'config databaseUrl',
      fix: 'check that the server runs and the database exists, or use pglite://<dir> for the embedded default',
      cause,
    })
  }
  await migrate(database.db as unknown as Kysely<unknown>)
  return database
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@')
}
