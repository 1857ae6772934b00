// `npm run conformance:floor -w @spnkit/dtvm [-- <fixtures dir>]`: runs the GeneralStateTests and
// fails when fewer subtests pass than conformance/floor.json records (the floor only ever rises:
// raise it when the pass count improves).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const here = import.meta.dirname
const floor = JSON.parse(readFileSync(join(here, 'floor.json'), 'utf8')) as {
  passed: number
  fixtures: string
  exclude: { path: string; why: string }[]
}
const fixtures = process.argv[2] ?? join(here, '..', floor.fixtures)
const excludeArgs = floor.exclude.flatMap((x) => ['--exclude', x.path])
const run = spawnSync(process.execPath, [join(here, 'run.ts'), fixtures, '--quiet', ...excludeArgs], {
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
})
const lines = run.stdout.trim().split('\n')
const summary = lines.at(-1) ?? ''
const match = /^(\d+) passed, (\d+) failed$/.exec(summary)
if (match === null) {
  console.error(
    `conformance:floor: the runner did not finish (exit ${run.status}); stderr:\n${run.stderr.slice(-2000)}`,
  )
  process.exit(1)
}
const passed = Number(match[1])
const failed = Number(match[2])
for (const line of lines.slice(0, -1)) if (line.includes('"pass":false')) console.log(line)
console.log(`conformance: ${passed} passed, ${failed} failed (floor ${floor.passed})`)
if (passed < floor.passed) {
  console.error(`conformance:floor: ${passed} passing subtests is below the floor of ${floor.passed}`)
  process.exit(1)
}
