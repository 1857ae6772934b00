// `npm run sim -- --seeds N --n 4,7,10,16 [--from S] [--real]`: runs N seeds per validator count
// through the fault simulator and the oracle; prints each failing seed with its replay command.
// `npm run sim -- --seed S --n 7 [--fault twins]` replays one seed and prints every failure.
import { FAULTS, type Fault, runScenario } from '../src/sim/scenario.ts'

const args = process.argv.slice(2)
const get = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const ns = (get('n') ?? '4,7').split(',').map(Number)
const real = args.includes('--real')
const fault = get('fault') as Fault | undefined
if (fault && !FAULTS.includes(fault)) {
  console.error(`unknown --fault ${fault}; one of: ${FAULTS.join(', ')}`)
  process.exit(2)
}
if (ns.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error('--n takes a comma-separated list of validator counts, e.g. --n 4,7,10,16')
  process.exit(2)
}
const single = get('seed')
const from = single !== undefined ? Number(single) : Number(get('from') ?? 0)
const count = single !== undefined ? 1 : Number(get('seeds') ?? 100)
let failed = 0
let runs = 0
const t0 = performance.now()
for (const n of ns)
  for (let seed = from; seed < from + count; seed++) {
    const r = runScenario({ seed, n, realSignatures: real, ...(fault ? { fault } : {}) })
    runs++
    if (single !== undefined)
      console.log(
        `seed ${seed} n=${n} fault=${r.spec.fault}: ${r.committedSlots} slots, virtual end ${r.endTime} ms, fingerprint ${r.fingerprint.slice(0, 16)}`,
      )
    if (r.failures.length > 0) {
      failed++
      console.log(`FAIL seed ${seed} n=${n} (${r.spec.fault})`)
      for (const f of single !== undefined ? r.failures : r.failures.slice(0, 5)) console.log(`  ${f}`)
      console.log(`  replay: npm run sim -- --seed ${seed} --n ${n}${real ? ' --real' : ''}`)
    }
  }
console.log(`${runs} runs, ${failed} failing, ${((performance.now() - t0) / 1000).toFixed(1)} s`)
process.exit(failed > 0 ? 1 : 0)
