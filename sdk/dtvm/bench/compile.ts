// Compiles the benchmark contracts in bench/contracts with npm solc 0.8.30 (standard JSON,
// optimizer on, EVM version cancun) and writes their creation bytecode to cases.generated.json.
// Usage: npm run bench:compile -w @spnkit/dtvm  (or: node bench/compile.ts [--check])
// --check recompiles and fails if the committed file is stale, for CI.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { compileSolidity, solcVersion } from '@spnkit/solc'

const benchDir = import.meta.dirname
const contractsDir = path.join(benchDir, 'contracts')
const outputFile = path.join(benchDir, 'cases.generated.json')
export const REQUIRED_SOLC = '0.8.30'

export type GeneratedCases = {
  solc: string
  settings: { optimizer: { enabled: boolean; runs: number }; evmVersion: string }
  contracts: Record<string, { source: string; bytecode: `0x${string}` }>
}

export function compileBenchContracts(): GeneratedCases {
  const version = solcVersion()
  if (!version.startsWith(`${REQUIRED_SOLC}+`))
    throw new Error(
      `bench/compile: solc ${REQUIRED_SOLC} is required, found ${version} (npm install solc@${REQUIRED_SOLC})`,
    )
  const files = readdirSync(contractsDir)
    .filter((f) => f.endsWith('.sol'))
    .sort()
  const sources = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(contractsDir, f), 'utf8')]))
  const output = compileSolidity(sources, { optimizerRuns: 200 })
  for (const warning of output.warnings) console.warn(warning)
  const contracts: GeneratedCases['contracts'] = {}
  for (const name of Object.keys(output.contracts).sort((a, b) => a.localeCompare(b))) {
    const c = output.contracts[name]!
    contracts[name] = { source: `contracts/${c.source}`, bytecode: c.bytecode }
  }
  return { solc: version, settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun' }, contracts }
}

if (import.meta.main) {
  const generated = `${JSON.stringify(compileBenchContracts(), null, 2)}\n`
  if (process.argv.includes('--check')) {
    if (readFileSync(outputFile, 'utf8') !== generated) {
      console.error('bench/cases.generated.json is stale: run `npm run bench:compile -w @spnkit/dtvm`')
      process.exit(1)
    }
    console.log('bench/cases.generated.json is up to date')
  } else {
    writeFileSync(outputFile, generated)
    console.log(`wrote ${path.relative(process.cwd(), outputFile)}`)
  }
}
