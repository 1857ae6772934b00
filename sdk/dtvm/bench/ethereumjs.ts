// Runs only the baseline half: every bench case on @ethereumjs/evm, a table, then one JSON line.
// Usage: npm run bench:ethereumjs -w @spnkit/dtvm [-- <case name>...]
// (`npm run bench:evm` runs ours and ethereumjs side by side; this is for checking the baseline.)
import { loadavg } from 'node:os'
import { benchCases } from './cases.ts'
import { runOnEthereumjs } from './ethereumjs-runner.ts'

const only = process.argv.slice(2)
const selected = only.length === 0 ? benchCases : benchCases.filter((c) => only.includes(c.name))
if (selected.length === 0) {
  console.error(`no such case: ${only.join(', ')}; cases: ${benchCases.map((c) => c.name).join(', ')}`)
  process.exit(1)
}

type Row = { ethereumjs_ms: number; ethereumjs_cpu_ms: number; gas: string; mgas_per_s: number }
const results: Record<string, Row> = {}
console.log(
  `${'case'.padEnd(24)} ${'median ms'.padStart(10)} ${'cpu ms'.padStart(9)} ${'gas used'.padStart(12)} ${'Mgas/s'.padStart(8)}  samples ms`,
)
for (const benchCase of selected) {
  const run = await runOnEthereumjs(benchCase)
  const mgas = Number(run.gasUsed) / 1000 / run.ms
  results[benchCase.name] = {
    ethereumjs_ms: round(run.ms),
    ethereumjs_cpu_ms: round(run.cpuMs),
    gas: run.gasUsed.toString(),
    mgas_per_s: round(mgas),
  }
  console.log(
    `${benchCase.name.padEnd(24)} ${run.ms.toFixed(1).padStart(10)} ${run.cpuMs.toFixed(1).padStart(9)} ${run.gasUsed.toString().padStart(12)} ${mgas.toFixed(1).padStart(8)}  ${run.samplesMs.map((s) => s.toFixed(0)).join(' ')}`,
  )
}
const load = loadavg()[0]!
console.log(JSON.stringify({ bench: 'evm-ethereumjs', node: process.version, load_1m: round(load), cases: results }))

function round(value: number): number {
  return Math.round(value * 100) / 100
}
