// `npm run bench:gas`: runs each Foundry project's gas benchmark (contracts/ts/bench-gas.ts,
// restaking/ts/bench-gas.ts), shows their tables, and ends with one merged JSON line
// `{"bench":"gas", ...every project's figures}`.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const figures: Record<string, number> = {}
let missing = 0
for (const project of ['contracts', 'restaking']) {
  const script = path.join(root, project, 'ts/bench-gas.ts')
  if (!existsSync(script)) {
    console.error(`bench:gas: ${project}/ts/bench-gas.ts not found; skipping ${project}`)
    missing++
    continue
  }
  const result = spawnSync(process.execPath, [script], {
    cwd: path.join(root, project),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines = result.stdout.trimEnd().split('\n')
  const last = lines.pop() ?? ''
  process.stdout.write(`${lines.join('\n')}\n`)
  if (result.status !== 0) {
    console.error(`bench:gas: ${project} benchmark exited with ${result.status}`)
    process.exit(1)
  }
  Object.assign(figures, JSON.parse(last) as Record<string, number>)
}
if (missing === 2) process.exit(1)
console.log(JSON.stringify({ bench: 'gas', ...figures }))
