// `npm run fuzz:evm -- [--cases N] [--seed S] [--jit]`: differential fuzzing against @ethereumjs/evm.
// Mismatches are minimized and written to fuzz/regressions/ (replayed by fuzz.test.ts).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setEvmTier } from '../src/evm/jit/tier.ts'
import { check } from './differential.ts'
import { generateCase } from './generate.ts'
import { minimize, serializeCase } from './minimize.ts'

const args = process.argv.slice(2)
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : dflt
}
const cases = opt('--cases', 100_000)
// --jit forces the compiled EVM tier on for our side of every case.
if (args.includes('--jit')) setEvmTier('always')
const seed = opt('--seed', 1)
const dir = join(import.meta.dirname, 'regressions')
let mismatches = 0
const started = performance.now()
for (let i = 0; i < cases; i++) {
  const c = generateCase(seed + i)
  const diff = await check(c)
  if (diff !== undefined) {
    mismatches++
    const small = await minimize(c)
    const file = join(dir, `seed-${c.seed}.json`)
    writeFileSync(file, serializeCase(small))
    process.stdout.write(`${JSON.stringify({ seed: c.seed, mismatch: (await check(small)) ?? diff, saved: file })}\n`)
    if (mismatches >= 20) break
  }
  if ((i + 1) % 5000 === 0)
    process.stderr.write(
      `${i + 1} cases, ${mismatches} mismatches, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    )
}
process.stdout.write(`fuzz: ${cases} cases from seed ${seed}\n`)
process.stdout.write(`${cases - mismatches} passed, ${mismatches} failed\n`)
process.exitCode = mismatches === 0 ? 0 : 1
