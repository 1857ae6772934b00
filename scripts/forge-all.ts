// Runs one forge command in every Foundry project of the repo (contracts/, restaking/), stopping at
// the first failure. Usage: node scripts/forge-all.ts <forge args...>   e.g. `fmt --check`
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const forge = path.join(root, 'node_modules/.bin/forge')
for (const project of ['contracts', 'restaking']) {
  const dir = path.join(root, project)
  if (!existsSync(path.join(dir, 'foundry.toml'))) continue
  console.log(`forge ${process.argv.slice(2).join(' ')}  (${project}/)`)
  const result = spawnSync(forge, process.argv.slice(2), { cwd: dir, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
