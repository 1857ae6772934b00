// `npm test`: every TypeScript package's tests (node:test, one process per file) and every Foundry
// project's tests, then one closing line `N passed, N failed, N skipped` over both.
// Usage: node scripts/test.ts [path-prefix...] [--no-forge] [--no-ts]
// Files named *.test.ts are the quick suite; heavier suites use *.slow.test.ts (npm run test:slow).
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { run } from 'node:test'
import { spec } from 'node:test/reporters'

const root = path.resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)
const slow = args.includes('--slow')
const prefixes = args.filter((a) => !a.startsWith('--')).map((p) => path.resolve(p))
const skipDirs = new Set(['node_modules', 'out', 'cache', '.git', '.devnet', '.bench', '.data', 'abi'])
const foundryProjects = ['contracts', 'restaking']

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (skipDirs.has(name)) return []
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return testFiles(full)
    const isSlow = name.endsWith('.slow.test.ts')
    return name.endsWith('.test.ts') && isSlow === slow ? [full] : []
  })
}

const selected = (file: string) => prefixes.length === 0 || prefixes.some((p) => file.startsWith(p))

type Counts = { passed: number; failed: number; skipped: number }
const total: Counts = { passed: 0, failed: 0, skipped: 0 }
let runnerFailures = 0

async function runTypeScript(): Promise<void> {
  const files = testFiles(root).filter(selected).sort()
  if (files.length === 0) return
  console.log(`\n── TypeScript: ${files.length} test file(s) ──`)
  const stream = run({ files, concurrency: 2, isolation: 'process', timeout: 10 * 60_000 })
  stream.on('test:pass', (event) => {
    if (event.details.type === 'suite') return
    if (event.skip || event.todo) total.skipped++
    else total.passed++
  })
  stream.on('test:fail', (event) => {
    if (event.details.type !== 'suite') total.failed++
  })
  await new Promise<void>((resolve, reject) => {
    const out = stream.compose(spec)
    out.on('data', (chunk: string | Buffer) => process.stdout.write(chunk))
    out.on('end', resolve)
    out.on('error', reject)
  })
}

function runForge(project: string): Promise<void> {
  const dir = path.join(root, project)
  if (!existsSync(path.join(dir, 'foundry.toml')) || !selected(dir + path.sep)) return Promise.resolve()
  console.log(`\n── Foundry: ${project} ──`)
  return new Promise((resolve) => {
    const child = spawn(path.join(root, 'node_modules/.bin/forge'), ['test'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let tail = ''
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk)
      tail = (tail + chunk.toString()).slice(-4000)
    })
    child.on('close', (code) => {
      const summary = /(\d+) tests passed, (\d+) failed, (\d+) skipped/.exec(tail)
      if (summary) {
        total.passed += Number(summary[1])
        total.failed += Number(summary[2])
        total.skipped += Number(summary[3])
      }
      if (code !== 0 && (!summary || Number(summary[2]) === 0)) {
        console.error(`forge test in ${project} exited with code ${code} before reporting results (compile error?)`)
        runnerFailures++
      }
      resolve()
    })
  })
}

const started = Date.now()
if (!args.includes('--no-ts')) await runTypeScript()
if (!args.includes('--no-forge') && !slow) for (const project of foundryProjects) await runForge(project)
const seconds = ((Date.now() - started) / 1000).toFixed(1)
console.log(`\n(${seconds}s${runnerFailures ? `, ${runnerFailures} runner failure(s)` : ''})`)
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`)
process.exitCode = total.failed > 0 || runnerFailures > 0 || total.passed === 0 ? 1 : 0
