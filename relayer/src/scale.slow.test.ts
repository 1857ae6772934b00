import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type RunningRelayer, startRelayer } from './services.ts'
import { devnetConfig } from './testing/config.ts'
import { type Devnet, type DevnetChain, startDevnet } from './testing/devnet.ts'
import { createTestDatabase, uniquePrefix } from './testing/postgres.ts'
import { dropRedisPrefix } from './testing/redis-cleanup.ts'
import { checkDeliveries, sendMessages, waitForDeliveries } from './testing/traffic.ts'

// Horizontal scale: two and then three relayers share one Redis and one Postgres and race for the
// same messages; every message lands exactly once (recipient counts, Mailbox status) and each
// relayer leased different signer keys.

for (const processes of [2, 3]) {
  describe(`${processes} relayers against one Redis and one Postgres`, () => {
    let devnet: Devnet
    let checkpointer: { stop: () => Promise<void> }
    let db: { url: string; drop: () => Promise<void> }
    const relayers: RunningRelayer[] = []
    const prefix = uniquePrefix(`scale${processes}`)

    before(async () => {
      devnet = await startDevnet({ label: `scale${processes}` })
      checkpointer = devnet.startCheckpointer(150)
      db = await createTestDatabase(`scale${processes}`)
      const config = await devnetConfig(devnet, {
        databaseUrl: db.url,
        prefix,
        signers: processes + 1,
      })
      for (let i = 0; i < processes; i++) relayers.push(await startRelayer(config))
    })
    after(async () => {
      for (const r of relayers) await r.stop()
      await checkpointer?.stop()
      await devnet?.stop()
      await db?.drop()
      await dropRedisPrefix(prefix)
    })

    it('delivers every message once', async () => {
      const [spn1, spn2] = devnet.spokes as [DevnetChain, DevnetChain]
      const sent = await sendMessages(
        devnet,
        [
          { from: spn1, to: spn2, count: 20 },
          { from: spn2, to: spn1, count: 20 },
          { from: spn1, to: devnet.hub, count: 10 },
          { from: devnet.hub, to: spn2, count: 10 },
        ],
        `scale${processes}`,
      )
      assert.deepEqual(await waitForDeliveries(sent, 120_000), { delivered: sent.length, duplicates: 0, lost: [] })
      // Give the confirm stage a moment, then every row agrees.
      for (let i = 0; i < 100 && (await relayers[0]!.repo.countByStatus()).delivered !== sent.length; i++) {
        await new Promise((r) => setTimeout(r, 100))
      }
      assert.equal((await relayers[0]!.repo.countByStatus()).delivered, sent.length)
      // The work was shared: every relayer sent transactions with its own keys.
      const signers = await relayers[0]!.repo.db
        .selectFrom('relayer_transactions')
        .select(['signer'])
        .distinct()
        .where('domain', '=', devnet.hub.domain)
        .execute()
      assert.ok(signers.length >= 2, `expected several signers on the hub, saw ${signers.length}`)
      assert.deepEqual(await checkDeliveries(sent), { delivered: sent.length, duplicates: 0, lost: [] })
    })
  })
}
