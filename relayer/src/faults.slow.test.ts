import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { MailboxAbi } from '@spnkit/contracts/abi'
import { createWalletClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { type RunningRelayer, startRelayer } from './services.ts'
import { devnetConfig } from './testing/config.ts'
import { CountingRecipientAbi, type Devnet, type DevnetChain, startDevnet } from './testing/devnet.ts'
import { adminQuery, createTestDatabase, uniquePrefix } from './testing/postgres.ts'
import { startFaultyProxy } from './testing/proxy.ts'
import { dropRedisPrefix } from './testing/redis-cleanup.ts'
import { startPrivateRedis } from './testing/redis-server.ts'
import { sendMessages, waitForDeliveries } from './testing/traffic.ts'

// Faults at every edge, each against real services: a flaky RPC (dropped and delayed requests), a
// Redis restart, a database restart (Postgres connections killed; PGlite closed and reopened), and
// a recipient that reverts until it is fixed (retry -> dead letter -> manual retry -> delivered).

const prefixes: string[] = []
const prefixFor = (label: string) => {
  const p = uniquePrefix(label)
  prefixes.push(p)
  return p
}

const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('relayer under faults', () => {
  let devnet: Devnet
  let checkpointer: { stop: () => Promise<void> }
  let spn1: DevnetChain
  let spn2: DevnetChain
  const cleanups: (() => Promise<void>)[] = []

  before(async () => {
    devnet = await startDevnet({ label: 'faults' })
    checkpointer = devnet.startCheckpointer(150)
    ;[spn1, spn2] = devnet.spokes as [DevnetChain, DevnetChain]
  })
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {})
    await checkpointer?.stop()
    await devnet?.stop()
    for (const p of prefixes) await dropRedisPrefix(p).catch(() => 0)
  })

  it('rides out an RPC that drops 25% of requests and delays others', async () => {
    const proxy = await startFaultyProxy(devnet.hub.rpcUrl, { drop: 0.25, delayMs: 400, seed: 11 })
    cleanups.push(() => proxy.close())
    const config = await devnetConfig(devnet, { databaseUrl: 'memory://', prefix: prefixFor('rpc'), label: 'rpc' })
    config.chains.find((c) => c.hub)!.rpcUrl = proxy.url
    config.chains.find((c) => c.hub)!.rpcTimeoutMs = 1_000
    config.maxAttempts = 30
    // Start with a healthy RPC (startup checks chain ids), then turn the faults on.
    proxy.setFaults({ drop: 0, delayMs: 0 })
    const relayer = await startRelayer(config)
    cleanups.push(() => relayer.stop())
    proxy.setFaults({ drop: 0.25, delayMs: 400 })
    const sent = await sendMessages(
      devnet,
      [
        { from: spn1, to: spn2, count: 8 },
        { from: spn2, to: devnet.hub, count: 6 },
      ],
      'rpc',
    )
    assert.deepEqual(await waitForDeliveries(sent, 120_000), { delivered: sent.length, duplicates: 0, lost: [] })
    assert.ok(proxy.dropped() > 0, 'the proxy really dropped requests')
    await relayer.stop()
  })

  it('keeps going through a Redis restart', async () => {
    const redis = await startPrivateRedis()
    cleanups.push(() => redis.stop())
    const relayer = await startRelayer(
      await devnetConfig(devnet, {
        databaseUrl: 'memory://',
        prefix: prefixFor('redis'),
        redisUrl: redis.url,
        label: 'redis',
      }),
    )
    cleanups.push(() => relayer.stop())
    const first = await sendMessages(devnet, [{ from: spn1, to: spn2, count: 5 }], 'redis-a')
    await redis.restart()
    const second = await sendMessages(devnet, [{ from: spn2, to: spn1, count: 5 }], 'redis-b')
    const all = [...first, ...second]
    assert.deepEqual(await waitForDeliveries(all, 120_000), { delivered: all.length, duplicates: 0, lost: [] })
    await relayer.stop()
  })

  it('keeps going when every Postgres connection is killed (a server restart, seen from the client)', async () => {
    const db = await createTestDatabase('dbrestart')
    cleanups.push(() => db.drop())
    const relayer = await startRelayer(
      await devnetConfig(devnet, { databaseUrl: db.url, prefix: prefixFor('pg'), label: 'pg' }),
    )
    cleanups.push(() => relayer.stop())
    const sent = await sendMessages(
      devnet,
      [
        { from: spn1, to: devnet.hub, count: 6 },
        { from: devnet.hub, to: spn2, count: 6 },
      ],
      'pg',
    )
    const name = db.url.slice(db.url.lastIndexOf('/') + 1)
    let terminated = 0
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 300))
      const rows = await adminQuery(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      )
      terminated += rows.length
    }
    assert.ok(terminated > 0, 'the relayer had connections that were killed')
    assert.deepEqual(await waitForDeliveries(sent, 120_000), { delivered: sent.length, duplicates: 0, lost: [] })
    await relayer.stop()
  })

  it('resumes from an embedded PGlite database after a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relayer-pglite-restart-'))
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
    const config = await devnetConfig(devnet, {
      databaseUrl: `pglite://${dir}`,
      prefix: prefixFor('pgl'),
      label: 'pgl',
    })
    let relayer = await startRelayer(config)
    const sent = await sendMessages(devnet, [{ from: spn2, to: spn1, count: 6 }], 'pgl')
    await new Promise((r) => setTimeout(r, 400))
    await relayer.stop()
    const cursor = await (async () => {
      relayer = await startRelayer(config)
      return relayer.repo.cursor(spn2.domain)
    })()
    cleanups.push(() => relayer.stop())
    assert.ok(cursor !== undefined && cursor > 0n, 'the observer cursor survived the restart')
    assert.deepEqual(await waitForDeliveries(sent, 120_000), { delivered: sent.length, duplicates: 0, lost: [] })
    await relayer.stop()
  })

  it('dead-letters a message whose recipient keeps reverting, then a manual retry delivers it after the fix', async () => {
    const owner = createWalletClient({ transport: http(spn1.rpcUrl), account: privateKeyToAccount(devnet.deployerKey) })
    const setFailing = async (failing: boolean) => {
      const hash = await owner.writeContract({
        chain: null,
        address: spn1.recipient,
        abi: CountingRecipientAbi,
        functionName: 'setFailing',
        args: [failing],
      })
      await spn1.client.waitForTransactionReceipt({ hash })
    }
    await setFailing(true)
    const config = await devnetConfig(devnet, { databaseUrl: 'memory://', prefix: prefixFor('dead'), label: 'dead' })
    config.maxAttempts = 3
    const relayer: RunningRelayer = await startRelayer(config)
    cleanups.push(() => relayer.stop())
    const [message] = await sendMessages(devnet, [{ from: spn2, to: spn1, count: 1 }], 'dead')
    const id = message!.id
    await waitFor('the message to be dead-lettered', async () => (await relayer.repo.get(id))?.status === 'dead')
    const dead = await (await fetch(`${relayer.url}/messages?status=dead`)).json()
    assert.deepEqual(
      dead.messages.map((m: { id: string }) => m.id),
      [id],
    )
    const row = await (await fetch(`${relayer.url}/messages/${id}`)).json()
    assert.equal(row.stage, 'deliver')
    assert.equal(row.retryReason, 'DeliveryRevertedError')
    assert.match(row.lastError, /reverted/)
    assert.equal(row.attempts, 3)
    assert.ok(await relayer.pipeline.dead.getJob(id), 'the dead-letter queue holds it')
    // The Mailbox recorded the failed handler: the message is Failed (retryable), not lost.
    assert.equal(
      await spn1.client.readContract({ address: spn1.mailbox, abi: MailboxAbi, functionName: 'status', args: [id] }),
      2,
    )

    assert.equal((await fetch(`${relayer.url}/messages/${id}/retry`, { method: 'POST' })).status, 200)
    // Still broken: it dies again.
    await waitFor('the message to die again', async () => (await relayer.repo.get(id))?.status === 'dead')
    await setFailing(false)
    assert.equal((await fetch(`${relayer.url}/messages/${id}/retry`, { method: 'POST' })).status, 200)
    assert.equal(
      (await fetch(`${relayer.url}/messages/${id}/retry`, { method: 'POST' })).status,
      409,
      'only dead messages can be retried',
    )
    await waitFor('delivery after the fix', async () => (await relayer.repo.get(id))?.status === 'delivered')
    assert.deepEqual(await waitForDeliveries([message!], 10_000), { delivered: 1, duplicates: 0, lost: [] })
    assert.equal(await relayer.pipeline.dead.getJob(id), undefined)
    await relayer.stop()
  })
})
