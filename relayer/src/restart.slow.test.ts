import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { devnetConfig } from './testing/config.ts'
import { type Devnet, type DevnetChain, startDevnet } from './testing/devnet.ts'
import { adminQuery, createTestDatabase, uniquePrefix } from './testing/postgres.ts'
import { type RelayerChild, spawnRelayer, stopChild, writeConfig } from './testing/process.ts'
import { dropRedisPrefix } from './testing/redis-cleanup.ts'
import { sendMessages, waitForDeliveries } from './testing/traffic.ts'

// Restart from every stage: a relayer child process is SIGKILLed again and again while messages
// flow, each time noting which stages messages were in at the moment of the kill. Every stage of
// every route must have been interrupted at least once, and still every message lands once.

const STAGES = ['checkpoint', 'submit', 'inclusion', 'deliver'] as const

describe('SIGKILL and restart at every stage', () => {
  let devnet: Devnet
  let checkpointer: { stop: () => Promise<void> }
  let db: { url: string; drop: () => Promise<void> }
  let dir: string
  let child: RelayerChild | undefined
  let cleanupPrefix: string | undefined

  before(async () => {
    devnet = await startDevnet({ label: 'restart' })
    // Slow checkpoints keep messages waiting in the checkpoint and inclusion stages for a while.
    checkpointer = devnet.startCheckpointer(700)
    db = await createTestDatabase('restart')
    dir = mkdtempSync(path.join(tmpdir(), 'relayer-restart-'))
  })
  after(async () => {
    if (child) await stopChild(child, 'SIGKILL')
    await checkpointer?.stop()
    await devnet?.stop()
    await db?.drop()
    rmSync(dir, { recursive: true, force: true })
    if (cleanupPrefix) await dropRedisPrefix(cleanupPrefix)
  })

  it('delivers everything once although the relayer died in every stage', async () => {
    const prefix = uniquePrefix('restart')
    cleanupPrefix = prefix
    const config = await devnetConfig(devnet, { databaseUrl: db.url, prefix, signers: 6 })
    // Kills make RPC calls and leases fail now and then; on a slow machine a message could use up
    // the default 5 attempts and be dead-lettered, which is not what this test is about.
    config.maxAttempts = 30
    const configPath = writeConfig(config, path.join(dir, 'config.json'))
    const logPath = path.join(dir, 'relayer.log')
    child = spawnRelayer(configPath, logPath)
    await child.ready
    const [spn1, spn2] = devnet.spokes as [DevnetChain, DevnetChain]
    const interrupted = new Set<string>()
    const sent = []
    for (let round = 0; round < 8; round++) {
      sent.push(
        ...(await sendMessages(
          devnet,
          [
            { from: spn1, to: spn2, count: 4 },
            { from: spn2, to: devnet.hub, count: 2 },
            { from: devnet.hub, to: spn1, count: 2 },
          ],
          `restart-${round}`,
        )),
      )
      // Kill at the moment a message sits in this round's target stage (round-robin over the
      // stages), so every stage is interrupted whatever the machine's speed.
      const target = STAGES[round % STAGES.length]!
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline) {
        const stages = await adminQuery<{ stage: string }>(
          "select distinct stage from relayer_messages where status <> 'delivered'",
          [],
          db.url,
        ).catch(() => [])
        if (stages.some((s) => s.stage === target)) {
          for (const s of stages) interrupted.add(s.stage)
          break
        }
        await new Promise((r) => setTimeout(r, 25))
      }
      await stopChild(child, 'SIGKILL')
      child = spawnRelayer(configPath, logPath)
      await child.ready
    }
    const check = await waitForDeliveries(sent, 300_000)
    if (check.lost.length > 0 || check.duplicates > 0) {
      // Say where each undelivered message stands in the relayer's own records, and what the
      // relayer logged last, so a failure on a CI machine can be read without a rerun.
      const rows = await adminQuery<Record<string, unknown>>(
        'select id, origin_domain, destination_domain, status, stage, attempts, retry_reason, last_error from relayer_messages where id = any($1)',
        [check.lost],
        db.url,
      ).catch((error) => [{ error: String(error) }])
      const log = readFileSync(logPath, 'utf8').split('\n').slice(-40).join('\n')
      assert.fail(
        `${check.delivered}/${sent.length} delivered, ${check.duplicates} duplicates\n` +
          `undelivered: ${JSON.stringify(rows, null, 1)}\nrelayer log tail:\n${log}`,
      )
    }
    for (const stage of STAGES) {
      assert.ok(
        interrupted.has(stage),
        `a kill happened while messages were in ${stage} (saw ${[...interrupted].join(', ')})`,
      )
    }
  })
})
