#!/usr/bin/env node
// Serves forge as its `solc`: forge cannot download compilers on these machines, so it runs this
// script, which answers `--version` like a native solc and compiles standard JSON with the npm
// `solc` package (pinned in the root package.json).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const solc = require('solc')
const args = process.argv.slice(2)

if (args.includes('--version')) {
  // forge parses "Version: <semver>+commit.<hash>"; the npm build reports an Emscripten platform.
  const [semver, commit] = solc.version().split('+')
  const hash = commit.split('.')[1]
  process.stdout.write(
    `solc, the solidity compiler commandline interface\nVersion: ${semver}+commit.${hash}.Linux.g++\n`,
  )
  process.exit(0)
}

if (!args.includes('--standard-json')) {
  process.stderr.write(`solc.mjs: only --version and --standard-json are supported (got: ${args.join(' ')})\n`)
  process.exit(2)
}

// Import paths forge did not inline are resolved against the base and include paths it passes.
const roots = [process.cwd()]
for (let i = 0; i < args.length; i++) {
  if ((args[i] === '--base-path' || args[i] === '--include-path') && args[i + 1]) roots.push(path.resolve(args[++i]))
}
function findImports(importPath) {
  for (const root of roots) {
    try {
      return { contents: readFileSync(path.resolve(root, importPath), 'utf8') }
    } catch {}
  }
  return { error: `File not found under ${roots.join(', ')}: ${importPath}` }
}

const input = readFileSync(0, 'utf8')
process.stdout.write(solc.compile(input, { import: findImports }))
