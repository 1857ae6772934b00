// `npm run bench:evm [-- <case>...]`: every evm-bench case on our interpreter and on
// @ethereumjs/evm in the same process; gas must match exactly. Prints a table, then one JSON line.
import { toHex } from '@spnkit/crypto'
import { benchCases } from '../bench/cases.ts'
import { runOnEthereumjs } from '../bench/ethereumjs-runner.ts'
import { setEvmTier } from '../src/evm/jit/tier.ts'
import { runOnOurs } from './ours-runner.ts'

const only = process.argv.slice(2)
const selected = only.length === 0 ? benchCases : benchCases.filter((c) => only.includes(c.name))
if (selected.length === 0) {
  console.error(`no such case: ${only.join(', ')}; cases: ${benchCases.map((c) => c.name).join(', ')}`)
  process.exit(1)
}

// Times are median process CPU milliseconds of the measured call (wall time is shown too): on this
// shared 2-core machine CPU time is the steadier measure, and both engines are measured alike.
const cases: Record<
  string,
  {
    ours_ms: number
    ours_jit_ms: number
    ethereumjs_ms: number
    ratio: number
    ratio_jit: number
    ours_wall_ms: number
    ethereumjs_wall_ms: number
    gas: string
  }
> = {}
console.log(
  `${'case'.padEnd(26)} ${'ours cpu ms'.padStart(12)} ${'ejs cpu ms'.padStart(11)} ${'ratio'.padStart(7)} ${'jit cpu ms'.padStart(11)} ${'jit ratio'.padStart(9)} ${'ours wall'.padStart(10)} ${'ejs wall'.padStart(9)} ${'gas used'.padStart(12)}`,
)
let mismatch = false
for (const c of selected) {
  const ejs = await runOnEthereumjs(c)
  // ours_ms: the interpreter alone; ours_jit_ms: the compiled tier forced on (compiled during warm-up).
  setEvmTier('off')
  const ours = runOnOurs(c, { repeats: Math.max(c.repeats, 9) })
  setEvmTier('always')
  const jit = runOnOurs(c, { repeats: Math.max(c.repeats, 9) })
  setEvmTier('lazy')
  for (const [tier, r] of [
    ['interpreter', ours],
    ['jit', jit],
  ] as const) {
    if (r.gasUsed !== ejs.gasUsed || r.gasRefund !== ejs.gasRefund || toHex(r.returnData) !== toHex(ejs.returnData)) {
      mismatch = true
      console.error(
        `${c.name} (${tier}): MISMATCH gas ${r.gasUsed} vs ${ejs.gasUsed}, refund ${r.gasRefund} vs ${ejs.gasRefund}, return ${toHex(r.returnData).slice(0, 66)} vs ${toHex(ejs.returnData).slice(0, 66)}`,
      )
    }
  }
  const ratio = ejs.cpuMs / ours.cpuMs
  const ratioJit = ejs.cpuMs / jit.cpuMs
  cases[c.name] = {
    ours_ms: r2(ours.cpuMs),
    ours_jit_ms: r2(jit.cpuMs),
    ethereumjs_ms: r2(ejs.cpuMs),
    ratio: r2(ratio),
    ratio_jit: r2(ratioJit),
    ours_wall_ms: r2(ours.ms),
    ethereumjs_wall_ms: r2(ejs.ms),
    gas: ours.gasUsed.toString(),
  }
  console.log(
    `${c.name.padEnd(26)} ${ours.cpuMs.toFixed(2).padStart(12)} ${ejs.cpuMs.toFixed(1).padStart(11)} ${ratio.toFixed(1).padStart(7)} ${jit.cpuMs.toFixed(2).padStart(11)} ${ratioJit.toFixed(1).padStart(9)} ${ours.ms.toFixed(2).padStart(10)} ${ejs.ms.toFixed(1).padStart(9)} ${ours.gasUsed.toString().padStart(12)}`,
  )
}
const geomeanOf = (ratios: number[]) => Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length)
const geomean = geomeanOf(Object.values(cases).map((c) => c.ratio))
const geomeanJit = geomeanOf(Object.values(cases).map((c) => c.ratio_jit))
console.log(
  JSON.stringify({
    bench: 'evm',
    cases,
    geomean_ratio: r2(geomean),
    geomean_ratio_jit: r2(geomeanJit),
    gas_match: !mismatch,
  }),
)
process.exitCode = mismatch ? 1 : 0

function r2(v: number): number {
  return Math.round(v * 100) / 100
}
