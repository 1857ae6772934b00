import { randomBytes } from 'node:crypto'
import pg from 'pg'

// Test helpers: a throwaway database on the shared Postgres server (unique name, dropped after),
// so parallel test runs never see each other's rows.

export const POSTGRES_ADMIN_URL = process.env.RELAYER_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** Runs one statement as the admin user on the maintenance database. */
export async function adminQuery<R extends Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
  url = POSTGRES_ADMIN_URL,
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<R>(text, values)).rows
  } finally {
    await client.end()
  }
}

export async function createTestDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `relayer_${label}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_')
  await adminQuery(`create database "${name}"`)
  const url = POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`)
  return {
    url,
    drop: async () => {
      await adminQuery(`drop database if exists "${name}" with (force)`)
    },
  }
}

export function uniquePrefix(label: string): string {
  return `t${label}${randomBytes(4).toString('hex')}`
}
