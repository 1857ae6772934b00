// `npm run conformance -- <file|dir>... [--trace] [--jit] [--fork Cancun] [--quiet] [--exclude <path part>]...`
// One JSON line per subtest (like geth's `evm statetest`), EIP-3155 trace lines on stderr with
// --trace, and a closing `N passed, N failed`. Exit code 1 when any subtest fails.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Frame, StepTracer } from '../src/evm/frame.ts'
import { setEvmTier } from '../src/evm/jit/tier.ts'
import { OPCODE_NAMES } from '../src/evm/opcodes.ts'
import { runSubtest, type StateTestJson } from './statetest.ts'

function collect(path: string, out: string[]): void {
  const st = statSync(path)
  if (st.isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), out)
  } else if (path.endsWith('.json')) out.push(path)
}

function hexWord(s: Uint32Array, o: number): string {
  let v = 0n
  for (let i = 7; i >= 0; i--) v = (v << 32n) | BigInt(s[o + i]!)
  return `0x${v.toString(16)}`
}

const traceStep: StepTracer = (f: Frame, pc: number, op: number, gasBefore: number, gasCost: number, sp: number) => {
  const stack: string[] = []
  for (let i = 0; i < sp; i++) stack.push(hexWord(f.stack, i << 3))
  process.stderr.write(
    `${JSON.stringify({
      pc,
      op,
      gas: `0x${gasBefore.toString(16)}`,
      gasCost: `0x${gasCost.toString(16)}`,
      memSize: f.memSize,
      stack,
      depth: f.msg.depth + 1,
      refund: 0,
      opName: OPCODE_NAMES[op] || `0x${op.toString(16)}`,
    })}\n`,
  )
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  let fork = 'Cancun'
  let trace = false
  let quiet = false
  const paths: string[] = []
  const excludes: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--trace') trace = true
    // Forces the compiled EVM tier on for every frame (tracing still uses the interpreter).
    else if (a === '--jit') setEvmTier('always')
    else if (a === '--quiet') quiet = true
    else if (a === '--fork') fork = args[++i] ?? fork
    else if (a === '--exclude') excludes.push(args[++i] ?? '')
    // npm runs workspace scripts in the package folder; resolve paths against where npm was invoked.
    else paths.push(resolve(process.env.INIT_CWD ?? process.cwd(), a))
  }
  if (paths.length === 0) {
    process.stderr.write('usage: npm run conformance -- <file|dir>... [--trace] [--jit] [--fork Cancun] [--quiet]\n')
    process.exit(2)
  }
  const files: string[] = []
  for (const p of paths) collect(p, files)
  const skipped = files.filter((f) => excludes.some((x) => x !== '' && f.includes(x)))
  for (const f of skipped) process.stderr.write(`excluded by --exclude: ${f}\n`)
  files.splice(0, files.length, ...files.filter((f) => !skipped.includes(f)))
  let passed = 0
  let failed = 0
  for (const file of files) {
    let json: Record<string, StateTestJson>
    try {
      json = JSON.parse(readFileSync(file, 'utf8'))
    } catch (e) {
      failed++
      process.stdout.write(
        `${JSON.stringify({ name: file, pass: false, error: `unreadable fixture: ${(e as Error).message}` })}\n`,
      )
      continue
    }
    for (const [name, t] of Object.entries(json)) {
      const posts = t.post?.[fork] ?? []
      for (let index = 0; index < posts.length; index++) {
        const o = await runSubtest(name, t, fork, index, trace ? traceStep : undefined)
        if (o.pass) passed++
        else failed++
        if (quiet && o.pass) continue
        const line: Record<string, unknown> = {
          name: o.name,
          file,
          index: o.index,
          pass: o.pass,
          stateRoot: o.stateRoot,
          fork: o.fork,
        }
        if (!o.pass) {
          line.expectedStateRoot = o.expectedStateRoot
          line.logsHash = o.logsHash
          line.expectedLogsHash = o.expectedLogsHash
        }
        if (o.result?.included) line.gasUsed = Number(o.result.gasUsed)
        if (o.expectException) line.expectException = o.expectException
        if (o.error) line.error = o.error
        process.stdout.write(`${JSON.stringify(line)}\n`)
      }
    }
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`)
  process.exitCode = failed === 0 ? 0 : 1
}

await main()
