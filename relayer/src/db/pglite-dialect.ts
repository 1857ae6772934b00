import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely'

// Kysely dialect over an in-process PGlite (adapted from ponder's createPgliteKyselyDialect). PGlite
// has a single connection, so the driver hands it out to one caller at a time; a transaction holds
// it from BEGIN to COMMIT/ROLLBACK, which keeps statements of concurrent jobs from interleaving.

class PgliteConnection implements DatabaseConnection {
  readonly #db: PGlite
  constructor(db: PGlite) {
    this.#db = db
  }
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#db.query<R>(query.sql, query.parameters as unknown[], { rowMode: 'object' })
    const affected = result.affectedRows ?? 0
    return { rows: result.rows, numAffectedRows: BigInt(affected) }
  }
  // biome-ignore lint/correctness/useYield: streaming is not supported by PGlite; the error says so.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite dialect: streaming queries are not supported; use execute() instead')
  }
}

class PgliteDriver implements Driver {
  readonly #db: PGlite
  readonly #connection: PgliteConnection
  #queue: Promise<void> = Promise.resolve()
  #release: (() => void) | undefined
  constructor(db: PGlite) {
    this.#db = db
    this.#connection = new PgliteConnection(db)
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue
    let release!: () => void
    this.#queue = new Promise<void>((resolve) => {
      release = resolve
    })
    await previous
    this.#release = release
    return this.#connection
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN'))
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'))
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'))
  }
  async releaseConnection(): Promise<void> {
    const release = this.#release
    this.#release = undefined
    release?.()
  }
  async destroy(): Promise<void> {
    await this.#queue
    if (!this.#db.closed) await this.#db.close()
  }
}

export class PgliteDialect implements Dialect {
  readonly #db: PGlite
  constructor(db: PGlite) {
    this.#db = db
  }
  createAdapter() {
    return new PostgresAdapter()
  }
  createDriver(): Driver {
    return new PgliteDriver(this.#db)
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db)
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
}
