// `npm run bench:store -- [--keys N] [--block B] [--blocks K] [--reads R] [--cache-mb M] [--engines a,b] [--fresh]`
// Side-by-side benchmark: our store vs @ethereumjs/mpt over classic-level (stock and tuned), each
// engine in its own child process replaying the same seeded workload, with the same cache budget.
// Phases: bulk load N keys in blocks of B; K blocks of B random updates (root + durable commit per
// block); R cold random reads with proofs in a fresh process. Prints a table, then one JSON line.
//
// The baseline takes tens of minutes at 1M keys, so its measurements are kept in
// .bench/results/ keyed by every workload parameter and reused (the table says so); --fresh
// re-measures everything.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { diskBytes } from './workload.ts'

type Args = {
  keys: number
  block: number
  blocks: number
  reads: number
  cacheMb: number
  engines: string[]
  fresh: boolean
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    keys: 1_000_000,
    block: 10_000,
    blocks: 20,
    reads: 100_000,
    cacheMb: 256,
    engines: ['ours', 'mpt-tuned', 'mpt-stock'],
    fresh: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const next = () => {
      const v = argv[++i]
      if (v === undefined || !/^\d+$/.test(v))
        throw new Error(`bench: ${flag} needs a positive integer, got ${v ?? 'nothing'}`)
      return Number(v)
    }
    if (flag === '--keys') a.keys = next()
    else if (flag === '--block') a.block = next()
    else if (flag === '--blocks') a.blocks = next()
    else if (flag === '--reads') a.reads = next()
    else if (flag === '--cache-mb') a.cacheMb = next()
    else if (flag === '--engines') a.engines = (argv[++i] ?? '').split(',').filter(Boolean)
    else if (flag === '--fresh') a.fresh = true
    else
      throw new Error(
        `bench: unknown flag ${flag} (flags: --keys --block --blocks --reads --cache-mb --engines --fresh)`,
      )
  }
  if (a.keys < 1 || a.block < 1) throw new Error('bench: --keys and --block must be at least 1')
  for (const e of a.engines)
    if (!['ours', 'mpt-tuned', 'mpt-stock'].includes(e))
      throw new Error(`bench: unknown engine ${e} (ours, mpt-tuned, mpt-stock)`)
  return a
}

const here = import.meta.dirname
const pkg = path.resolve(here, '..')
const benchDir = path.join(pkg, '.bench')

function runChild(script: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=4096', path.join(here, script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? ''
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited with code ${code}`))
      try {
        resolve(JSON.parse(last) as Record<string, unknown>)
      } catch {
        reject(new Error(`${script} printed no JSON result line: ${last.slice(0, 200)}`))
      }
    })
  })
}

type EngineResult = {
  write: Record<string, unknown>
  read: Record<string, unknown>
  diskBytes: number
  cachedAt?: string
}

async function runEngine(engine: string, a: Args): Promise<EngineResult> {
  const tag = `${engine}-k${a.keys}-b${a.block}-n${a.blocks}-r${a.reads}-c${a.cacheMb}`
  const cacheFile = path.join(benchDir, 'results', `${tag}.json`)
  if (engine !== 'ours' && !a.fresh && existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as EngineResult
    return { ...cached, cachedAt: cached.cachedAt ?? 'unknown' }
  }
  const dir = path.join(benchDir, 'data', tag)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const script = engine === 'ours' ? 'store-engine.ts' : 'mpt-engine.ts'
  const mode = engine === 'ours' ? 'ours' : engine.slice(4)
  const common = [mode, String(a.keys), String(a.block), String(a.blocks), String(a.reads), String(a.cacheMb)]
  process.stderr.write(`[bench] ${engine}: load ${a.keys} + ${a.blocks} × ${a.block} updates…\n`)
  const write = await runChild(script, ['write', dir, ...common])
  const disk = diskBytes(dir)
  process.stderr.write(`[bench] ${engine}: ${a.reads} cold reads with proofs…\n`)
  const read = await runChild(script, ['read', dir, ...common])
  if (engine === 'ours') read.verifyGas = measureVerifyGas(path.join(dir, 'proof-samples.json'))
  rmSync(dir, { recursive: true, force: true })
  const result: EngineResult = { write, read, diskBytes: disk }
  if (engine !== 'ours') {
    mkdirSync(path.dirname(cacheFile), { recursive: true })
    writeFileSync(cacheFile, JSON.stringify({ ...result, cachedAt: new Date().toISOString() }))
  }
  return result
}

/** Runs the Solidity verifier (forge, under the shared lock) on proofs from this run; returns the
 *  highest in-transaction cost: the external verify call plus the calldata of its arguments. */
function measureVerifyGas(samplesFile: string): number | null {
  const contracts = path.resolve(pkg, '../../contracts')
  const forge = path.resolve(pkg, '../../node_modules/.bin/forge')
  if (!existsSync(samplesFile) || !existsSync(forge)) return null
  const { root, samples } = JSON.parse(readFileSync(samplesFile, 'utf8')) as {
    root: string
    samples: { key: string; value: string; proof: string }[]
  }
  const vectors = path.join(contracts, 'test/vectors/.bench-proofs.json')
  const cases = samples.map((s) => ({ name: 'bench', root, key: s.key, present: 1, value: s.value, proof: s.proof }))
  writeFileSync(vectors, JSON.stringify({ count: cases.length, cases }))
  process.stderr.write(`[bench] measuring verify gas of ${cases.length} proofs with forge…\n`)
  const r = spawnSync('flock', ['/tmp/spnkit-forge.lock', forge, 'test', '--match-test', 'test_gasReport', '-vv'], {
    cwd: contracts,
    env: { ...process.env, SPN_PROOF_VECTORS: vectors },
    encoding: 'utf8',
  })
  rmSync(vectors, { force: true })
  const m = /verify_gas_max (\d+)/.exec(r.stdout ?? '')
  if (r.status !== 0 || !m) {
    process.stderr.write(`[bench] forge gas measurement failed:\n${(r.stdout ?? '').slice(-2000)}${r.stderr ?? ''}\n`)
    return null
  }
  return Number(m[1])
}

const fmt = (n: unknown, digits = 0) =>
  typeof n === 'number'
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : String(n ?? '—')

function table(results: Map<string, EngineResult>): string {
  const rows: [string, (r: EngineResult) => string][] = [
    ['load keys/s', (r) => fmt((Number(r.write.loadKeys ?? 0) || 0) / (Number(r.write.loadMs) / 1000))],
    ['load device write (MB)', (r) => fmt(Number(r.write.loadWriteBytes) / 1e6, 1)],
    ['updates/s (durable blocks)', (r) => fmt(r.write.updatesPerS)],
    ['median block ms', (r) => fmt(r.write.medianBlockMs, 1)],
    ['root ms per block (median)', (r) => fmt(r.write.rootMsPerBlock, 1)],
    ['device write bytes / update', (r) => fmt(r.write.writeBytesPerUpdate)],
    ['disk bytes after updates (MB)', (r) => fmt(r.diskBytes / 1e6, 1)],
    ['open ms (reads phase, fresh process)', (r) => fmt(r.read.openMs)],
    ['reads per get (file/DB level)', (r) => fmt(r.read.dbGetsPerGet, 2)],
    ['reads per get p99', (r) => fmt(r.read.dbGetsPerGetP99)],
    ['ms per cold read + proof', (r) => fmt(r.read.msPerRead, 3)],
    ['device read bytes (reads phase, MB)', (r) => fmt(Number(r.read.deviceReadBytes) / 1e6, 1)],
    ['proof bytes (median)', (r) => fmt(r.read.proofBytes)],
    ['verify gas in Solidity (max, incl. calldata)', (r) => fmt(r.read.verifyGas)],
    ['read mismatches', (r) => fmt(r.read.mismatches)],
    ['root', (r) => String(r.write.root).slice(0, 18)],
    ['measured', (r) => (r.cachedAt ? `cached ${r.cachedAt}` : 'this run')],
  ]
  const names = [...results.keys()]
  const w0 = Math.max(...rows.map(([n]) => n.length))
  const cells = rows.map(([n, f]) => [n, ...names.map((e) => f(results.get(e) as EngineResult))])
  const widths = names.map((e, i) => Math.max(e.length, ...cells.map((c) => (c[i + 1] as string).length)))
  const line = (c: string[]) =>
    `${(c[0] as string).padEnd(w0)} | ${c
      .slice(1)
      .map((x, i) => x.padStart(widths[i] as number))
      .join(' | ')}`
  return [
    line(['metric', ...names]),
    `${'-'.repeat(w0)}-+-${widths.map((w) => '-'.repeat(w)).join('-+-')}`,
    ...cells.map(line),
  ].join('\n')
}

const args = parseArgs(process.argv.slice(2))
const results = new Map<string, EngineResult>()
for (const e of args.engines) results.set(e, await runEngine(e, args))
console.log(
  `\nstore benchmark: keys=${args.keys} block=${args.block} update blocks=${args.blocks} reads=${args.reads} cache=${args.cacheMb} MiB each\n`,
)
console.log(table(results))

const ours = results.get('ours')
const base = results.get('mpt-tuned')
const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null)
const round = (x: number | null, d = 2) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d)
const ups = num(ours?.write.updatesPerS)
const bups = num(base?.write.updatesPerS)
const summary = {
  bench: 'store',
  keys: args.keys,
  block: args.block,
  updates_per_s: round(ups, 0),
  baseline_updates_per_s: round(bups, 0),
  ratio: ups !== null && bups !== null ? round(ups / bups) : null,
  reads_per_get: round(num(ours?.read.dbGetsPerGet)),
  reads_per_get_p99: num(ours?.read.dbGetsPerGetP99),
  bytes_written_per_update: round(num(ours?.write.writeBytesPerUpdate), 0),
  baseline_bytes_written_per_update: round(num(base?.write.writeBytesPerUpdate), 0),
  disk_bytes: ours ? ours.diskBytes : null,
  baseline_disk_bytes: base ? base.diskBytes : null,
  root_ms_per_block: round(num(ours?.write.rootMsPerBlock)),
  proof_bytes: num(ours?.read.proofBytes),
  verify_gas: num(ours?.read.verifyGas),
}
console.log(JSON.stringify(summary))
