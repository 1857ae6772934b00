// `npm run bench:relayer`: the fault soak. Starts a hub and two SPN anvils with the real contracts,
// a throwaway Postgres database and a unique Redis prefix, then P relayer processes. It sends M
// messages in every direction in waves while SIGKILLing a random relayer process K times (seeded)
// and restarting it, then checks every message on chain: delivered exactly once, none lost.
// Baseline for comparison in the same run: the same traffic size relayed by ONE process without
// kills. Prints a table and ends with one JSON line.
// Usage: node bench/soak.ts [--messages M] [--kills K] [--processes P] [--baseline N]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { devnetConfig } from '../src/testing/config.ts'
import { type Devnet, startDevnet } from '../src/testing/devnet.ts'
import { adminQuery, createTestDatabase, uniquePrefix } from '../src/testing/postgres.ts'
import { type RelayerChild, spawnRelayer } from '../src/testing/process.ts'
import { dropRedisPrefix } from '../src/testing/redis-cleanup.ts'
import { checkDeliveries, type SentMessage, sendMessages } from '../src/testing/traffic.ts'

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    kills: { type: 'string', default: '24' },
    processes: { type: 'string', default: '3' },
    baseline: { type: 'string', default: '300' },
    seed: { type: 'string', default: '7' },
  },
})
const M = Number(values.messages)
const K = Number(values.kills)
const P = Number(values.processes)
const BASELINE = Number(values.baseline)

const benchDir = path.join(import.meta.dirname, '..', '.bench')
mkdirSync(benchDir, { recursive: true })

// Seeded PRNG (mulberry32): the kill schedule is reproducible.
let state = Number(values.seed) >>> 0
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

// Whatever happens (Ctrl-C, an exception), the anvils and relayer processes die with the bench.
const cleanups = new Set<() => void>()
const cleanupAll = () => {
  for (const c of cleanups) c()
}
process.once('SIGINT', () => {
  cleanupAll()
  process.exit(130)
})
process.once('SIGTERM', () => {
  cleanupAll()
  process.exit(143)
})
process.once('uncaughtException', (error) => {
  cleanupAll()
  console.error(error)
  process.exit(1)
})

type Run = {
  messages: number
  delivered: number
  duplicates: number
  lost: number
  seconds: number
  p50: number
  p99: number
  kills: number
}

function plan(devnet: Devnet, total: number) {
  const [spn1, spn2] = devnet.spokes as [Devnet['hub'], Devnet['hub']]
  const routes = [
    { from: spn1, to: spn2 },
    { from: spn2, to: spn1 },
    { from: spn1, to: devnet.hub },
    { from: devnet.hub, to: spn2 },
    { from: spn2, to: devnet.hub },
    { from: devnet.hub, to: spn1 },
  ]
  return routes.map((r, i) => ({
    ...r,
    count: Math.floor(total / routes.length) + (i < total % routes.length ? 1 : 0),
  }))
}

async function latencies(dbUrl: string, sent: SentMessage[]): Promise<number[]> {
  const rows = await adminQuery<{ id: string; delivered_at: string }>(
    'select id, delivered_at from relayer_messages where delivered_at is not null',
    [],
    dbUrl,
  )
  const at = new Map(rows.map((r) => [r.id, Number(r.delivered_at)]))
  return sent
    .map((m) => (at.get(m.id) ?? Number.NaN) - m.sentAt)
    .filter((x) => Number.isFinite(x))
    .sort((a, b) => a - b)
}

async function describeLost(dbUrl: string, ids: string[]): Promise<void> {
  const rows = await adminQuery(
    'select id, origin_domain, destination_domain, status, stage, attempts, retry_reason, hub_leaf_index, leaf_index, origin_block from relayer_messages where id = any($1)',
    [ids],
    dbUrl,
  )
  process.stderr.write(`  lost: ${ids.length}; in db: ${JSON.stringify(rows)}\n`)
}

const pct = (xs: number[], p: number) =>
  xs.length === 0 ? 0 : xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!

async function run(label: string, messages: number, processes: number, kills: number): Promise<Run> {
  const devnet = await startDevnet({ label: `bench-${label}` })
  const killAnvils = () => {
    for (const c of devnet.chains) c.anvil.process.kill('SIGKILL')
  }
  cleanups.add(killAnvils)
  const checkpointer = devnet.startCheckpointer(250)
  const db = await createTestDatabase(`bench_${label}`)
  const prefix = uniquePrefix(`bench${label}`)
  const config = await devnetConfig(devnet, {
    databaseUrl: db.url,
    prefix,
    signers: processes * 3 + 2,
    overrides: { concurrency: 24, maxAttempts: 40, logLevel: 'warn', waitPollMs: 250, signersPerProcess: 2 },
  })
  const configPath = path.join(benchDir, `${label}-config.json`)
  writeFileSync(
    configPath,
    JSON.stringify(config, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
  )
  const logPath = path.join(benchDir, `${label}-relayers.log`)
  rmSync(logPath, { force: true })
  const children: (RelayerChild | undefined)[] = Array.from({ length: processes }, () =>
    spawnRelayer(configPath, logPath),
  )
  const killChildren = () => {
    for (const c of children) c?.kill('SIGKILL')
  }
  cleanups.add(killChildren)

  const started = Date.now()
  const sent: SentMessage[] = []
  let killCount = 0
  let sending = true
  const waves = 10
  const perWave = plan(devnet, Math.ceil(messages / waves))
  const waveGapMs = kills > 0 ? 1500 : 0
  const sender = (async () => {
    let remaining = messages
    for (let w = 0; w < waves && remaining > 0; w++) {
      const batch = perWave.map((p) => ({ ...p, count: Math.min(p.count, remaining) }))
      let total = 0
      for (const b of batch) {
        b.count = Math.min(b.count, remaining - total)
        total += b.count
      }
      remaining -= total
      sent.push(
        ...(await sendMessages(
          devnet,
          batch.filter((b) => b.count > 0),
          `${label}-w${w}`,
        )),
      )
      process.stderr.write(`[${label}] sent ${sent.length}/${messages}\n`)
      if (waveGapMs) await new Promise((r) => setTimeout(r, waveGapMs))
    }
    sending = false
  })()
  const killer = (async () => {
    await Promise.all(children.map((c) => c?.ready))
    while (killCount < kills) {
      // A random moment while the victim is running (not while it is still booting).
      await new Promise((r) => setTimeout(r, 300 + random() * 2000))
      const i = Math.floor(random() * processes)
      const victim = children[i]
      if (!victim) continue
      victim.kill('SIGKILL')
      killCount++
      children[i] = undefined
      await new Promise((r) => setTimeout(r, 100 + random() * 600))
      const next = spawnRelayer(configPath, logPath)
      children[i] = next
      await next.ready.catch(() => {})
    }
  })()
  await sender
  await killer
  // Everything is sent and every kill done: wait for delivery (bounded).
  const deadline = Date.now() + 10 * 60_000
  let check = await checkDeliveries(sent)
  while (check.lost.length > 0 && Date.now() < deadline) {
    process.stderr.write(
      `[${label}] ${check.delivered}/${sent.length} delivered, ${killCount} kills, ${Math.round((Date.now() - started) / 1000)} s\n`,
    )
    if (check.lost.length <= 3) await describeLost(db.url, check.lost)
    await new Promise((r) => setTimeout(r, 2000))
    check = await checkDeliveries(sent)
  }
  const seconds = (Date.now() - started) / 1000
  const lat = await latencies(db.url, sent)
  for (const c of children) c?.kill('SIGTERM')
  await new Promise((r) => setTimeout(r, 1500))
  for (const c of children) c?.kill('SIGKILL')
  cleanups.delete(killChildren)
  await checkpointer.stop()
  await devnet.stop()
  cleanups.delete(killAnvils)
  await db.drop()
  await dropRedisPrefix(prefix)
  if (sending) throw new Error('sender did not finish')
  return {
    messages: sent.length,
    delivered: check.delivered,
    duplicates: check.duplicates,
    lost: check.lost.length,
    seconds,
    p50: Math.round(pct(lat, 50)),
    p99: Math.round(pct(lat, 99)),
    kills: killCount,
  }
}

const baseline = BASELINE > 0 ? await run('baseline', BASELINE, 1, 0) : undefined
const soak = await run('soak', M, P, K)

const row = (name: string, r: Run, processes: number) =>
  `${name.padEnd(28)} ${String(processes).padStart(9)} ${String(r.kills).padStart(6)} ${String(r.messages).padStart(9)} ${String(r.delivered).padStart(10)} ${String(r.duplicates).padStart(5)} ${String(r.lost).padStart(5)} ${(r.messages / r.seconds).toFixed(1).padStart(9)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)}`
console.log(`\n${'run'.padEnd(28)} processes  kills  messages  delivered  dups  lost  msgs/s   p50 ms   p99 ms`)
if (baseline) console.log(row('1 process, no kills', baseline, 1))
console.log(row(`${P} processes, SIGKILL soak`, soak, P))
console.log(
  JSON.stringify({
    bench: 'relayer',
    messages: soak.messages,
    delivered: soak.delivered,
    duplicates: soak.duplicates,
    lost: soak.lost,
    kills: soak.kills,
    processes: P,
    msgs_per_s: Number((soak.messages / soak.seconds).toFixed(1)),
    p50_ms: soak.p50,
    p99_ms: soak.p99,
  }),
)
process.exit(0)
