import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { createTestDatabase } from '../testing/postgres.ts'
import { type Database, openDatabase } from './database.ts'
import { type NewMessage, Repository } from './repository.ts'

const message = (i: number, origin = 2): NewMessage => ({
  id: `0x${i.toString(16).padStart(64, '0')}`,
  originDomain: origin,
  destinationDomain: 3,
  nonce: i,
  sender: '0x01',
  recipient: '0x02',
  body: '0x',
  raw: '0x00',
  originBlock: BigInt(10 + i),
  originTx: '0xaa',
  originLogIndex: 0,
  leafIndex: i,
  hubLeafIndex: null,
  firstStage: 'checkpoint',
})

const observed = (messages: NewMessage[]) => ({
  messages,
  leaves: messages.map((m) => ({ leafIndex: m.leafIndex, id: m.id, block: m.originBlock })),
  hubLinks: [],
})

function suite(name: string, open: () => Promise<{ database: Database; cleanup: () => Promise<void> }>) {
  describe(`repository on ${name}`, () => {
    it('records messages and the cursor atomically, idempotently, never moving the cursor back', async () => {
      const { database, cleanup } = await open()
      try {
        const repo = new Repository(database.db)
        assert.equal(await repo.cursor(2), undefined)
        const first = await repo.recordObserved(2, observed([message(0), message(1)]), 20n)
        assert.deepEqual(first.sort(), [message(0).id, message(1).id].sort())
        const again = await repo.recordObserved(2, observed([message(1), message(2)]), 15n)
        assert.deepEqual(again, [message(2).id])
        assert.equal(await repo.cursor(2), 20n, 'a smaller next block must not move the cursor back')
        const row = await repo.get(message(1).id)
        assert.equal(row?.status, 'pending')
        assert.equal(row?.origin_block, 11n)
        assert.equal(row?.leaf_index, 1)
        assert.deepEqual(await repo.leavesUpTo(2, 11n), [message(0).id, message(1).id])
        await repo.recordObserved(
          2,
          { messages: [], leaves: [], hubLinks: [{ id: message(2).id, hubLeafIndex: 9 }] },
          21n,
        )
        assert.equal((await repo.get(message(2).id))?.hub_leaf_index, 9)
      } finally {
        await cleanup()
      }
    })

    it('advances only from the expected stage and keeps history', async () => {
      const { database, cleanup } = await open()
      try {
        const repo = new Repository(database.db)
        await repo.recordObserved(2, observed([message(7)]), 1n)
        const id = message(7).id
        assert.equal(await repo.advance(id, 'checkpoint', 'submit'), true)
        assert.equal(await repo.advance(id, 'checkpoint', 'submit'), false, 'a replayed job must not move it again')
        await repo.recordFailure(id, 'submit', 'RpcError', 'connection refused', 2)
        let row = await repo.get(id)
        assert.equal(row?.retry_reason, 'RpcError')
        assert.equal(row?.attempts, 2)
        assert.equal(await repo.advance(id, 'submit', 'inclusion', { submit_tx: '0xbeef' }), true)
        row = await repo.get(id)
        assert.equal(row?.status, 'relaying')
        assert.equal(row?.submit_tx, '0xbeef')
        assert.equal(row?.retry_reason, null)
        assert.ok(row?.checkpointed_at && row.submitted_at)
        await repo.markDead(id, 'inclusion', 'DeliveryRevertedError', 'reverted', 5)
        assert.equal((await repo.get(id))?.status, 'dead')
        assert.deepEqual(
          (await repo.list({ status: 'dead' })).map((r) => r.id),
          [id],
        )
        const retried = await repo.resetForRetry(id)
        assert.equal(retried?.status, 'relaying')
        assert.equal(retried?.attempts, 0)
        assert.deepEqual(
          (await repo.events(id)).map((e) => e.kind),
          ['advanced', 'retry', 'advanced', 'dead', 'manual-retry'],
        )
        assert.deepEqual(await repo.countByStatus(), { relaying: 1 })
      } finally {
        await cleanup()
      }
    })
  })
}

suite('PGlite (in memory)', async () => {
  const database = await openDatabase('memory://')
  return { database, cleanup: () => database.close() }
})

const dirs: string[] = []
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('PGlite on disk', () => {
  it('keeps rows across a close and reopen (a database restart)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relayer-pglite-'))
    dirs.push(dir)
    const first = await openDatabase(`pglite://${dir}`)
    await new Repository(first.db).recordObserved(2, observed([message(3)]), 99n)
    await first.close()
    const second = await openDatabase(`pglite://${dir}`)
    try {
      const repo = new Repository(second.db)
      assert.equal(await repo.cursor(2), 99n)
      assert.equal((await repo.get(message(3).id))?.nonce, 3)
    } finally {
      await second.close()
    }
  })
})

suite('Postgres', async () => {
  const temp = await createTestDatabase('repo')
  const database = await openDatabase(temp.url, { poolSize: 2 })
  return {
    database,
    cleanup: async () => {
      await database.close()
      await temp.drop()
    },
  }
})

describe('openDatabase', () => {
  it('rejects an unknown URL with a clear error', async () => {
    await assert.rejects(openDatabase('mysql://x'), /unsupported database URL "mysql:\/\/x"[\s\S]*fix: use memory:\/\//)
  })
  it('explains an unreachable Postgres server', async () => {
    await assert.rejects(
      openDatabase('postgres://postgres@127.0.0.1:1/none'),
      /cannot open the relayer database at postgres:\/\/postgres@127.0.0.1:1\/none/,
    )
  })
})
