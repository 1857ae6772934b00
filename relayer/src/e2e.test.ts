import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type RunningRelayer, startRelayer } from './services.ts'
import { devnetConfig } from './testing/config.ts'
import { type Devnet, startDevnet } from './testing/devnet.ts'
import { uniquePrefix } from './testing/postgres.ts'
import { dropRedisPrefix } from './testing/redis-cleanup.ts'
import { checkDeliveries, sendMessages, waitForDeliveries } from './testing/traffic.ts'

// One relayer (PGlite, real Redis) against three real anvils running the real contracts: messages in
// every direction (SPN -> SPN through the hub, SPN -> hub, hub -> SPN) are delivered exactly once,
// and the operator API, metrics and bull-board page report them.

describe('relayer end to end (PGlite, one process)', () => {
  let devnet: Devnet
  let relayer: RunningRelayer
  let checkpointer: { stop: () => Promise<void> }
  const prefix = uniquePrefix('e2e')

  before(async () => {
    devnet = await startDevnet({ label: 'e2e' })
    checkpointer = devnet.startCheckpointer(100)
    relayer = await startRelayer(await devnetConfig(devnet, { databaseUrl: 'memory://', prefix }))
  })
  after(async () => {
    await relayer?.stop()
    await dropRedisPrefix(prefix)
    await checkpointer?.stop()
    await devnet?.stop()
  })

  it('delivers messages in every direction exactly once and reports them', async () => {
    const [spn1, spn2] = devnet.spokes as [Devnet['hub'], Devnet['hub']]
    const sent = await sendMessages(
      devnet,
      [
        { from: spn1, to: spn2, count: 6 },
        { from: spn2, to: devnet.hub, count: 6 },
        { from: devnet.hub, to: spn1, count: 6 },
        { from: spn2, to: spn1, count: 4 },
      ],
      'e2e',
    )
    const check = await waitForDeliveries(sent, 60_000)
    assert.deepEqual(check, { delivered: sent.length, duplicates: 0, lost: [] })

    // The table catches up right after the last confirm.
    for (let i = 0; i < 50; i++) {
      const counts = await relayer.repo.countByStatus()
      if (counts.delivered === sent.length) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const one = await (await fetch(`${relayer.url}/messages/${sent[0]!.id}`)).json()
    assert.equal(one.status, 'delivered')
    assert.equal(one.stage, 'done')
    assert.match(one.submitTx, /^0x[0-9a-f]{64}$/, 'an SPN -> SPN message is forwarded on the hub')
    assert.match(one.deliverTx, /^0x[0-9a-f]{64}$/)
    assert.ok(one.timestamps.confirmed >= one.timestamps.observed)
    assert.deepEqual(
      one.history.map((h: { kind: string }) => h.kind),
      ['advanced', 'advanced', 'advanced', 'advanced', 'advanced'],
    )
    const list = await (await fetch(`${relayer.url}/messages?status=delivered&limit=1000`)).json()
    assert.equal(list.messages.length, sent.length)
    assert.equal((await fetch(`${relayer.url}/messages?status=nope`)).status, 400)
    assert.equal((await fetch(`${relayer.url}/messages/0x1234`)).status, 400)
    assert.equal((await fetch(`${relayer.url}/messages/0x${'ab'.repeat(32)}`)).status, 404)

    const metrics = await (await fetch(`${relayer.url}/metrics`)).text()
    assert.match(metrics, /spnkit_relayer_messages_total\{origin="spn1",destination="spn2",status="delivered"\} 6/)
    assert.match(metrics, /spnkit_relayer_queue_jobs\{queue="deliver",state="completed"\}/)
    assert.match(metrics, /spnkit_relayer_signer_balance_eth\{chain="hub"/)
    assert.match(metrics, /spnkit_relayer_gas_spent_eth_total\{chain="spn1"\}/)
    const board = await fetch(`${relayer.url}/admin/queues`)
    assert.equal(board.status, 200)
    assert.match(await board.text(), /<html/i)

    // Nothing was sent twice.
    assert.deepEqual(await checkDeliveries(sent), { delivered: sent.length, duplicates: 0, lost: [] })
  })
})
