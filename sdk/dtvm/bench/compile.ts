// Compiles the benchmark contracts in bench/contracts with npm solc 0.8.30 (standard JSON,
// optimizer on, EVM version cancun) and writes their creation bytecode to cases.generated.json.
// Usage: npm run bench:compile -w @spnkit/dtvm  (or: node bench/compile.ts [--check])
// --check recompiles and fails if the committed file is stale, for CI.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import solc from 'solc'

const benchDir = import.meta.dirname
const contractsDir = path.join(benchDir, 'contracts')
const outputFile = path.join(benchDir, 'cases.generated.json')
export const REQUIRED_SOLC = '0.8.30'

export const compilerSettings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['evm.bytecode.object'] } },
} as const

type SolcOutput = {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[]
  contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>
}

export type GeneratedCases = {
  solc: string
  settings: { optimizer: { enabled: boolean; runs: number }; evmVersion: string }
  contracts: Record<string, { source: string; bytecode: `0x${string}` }>
}

export function compileBenchContracts(): GeneratedCases {
  const version = solc.version()
  if (!version.startsWith(`${REQUIRED_SOLC}+`))
    throw new Error(
      `bench/compile: solc ${REQUIRED_SOLC} is required, found ${version} (npm install solc@${REQUIRED_SOLC})`,
    )
  const files = readdirSync(contractsDir)
    .filter((f) => f.endsWith('.sol'))
    .sort()
  const sources = Object.fromEntries(
    files.map((f) => [f, { content: readFileSync(path.join(contractsDir, f), 'utf8') }]),
  )
  const input = { language: 'Solidity', sources, settings: compilerSettings }
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0)
    throw new Error(`bench/compile: solc failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`)
  for (const warning of output.errors ?? []) if (warning.severity === 'warning') console.warn(warning.formattedMessage)
  const contracts: GeneratedCases['contracts'] = {}
  for (const source of Object.keys(output.contracts).sort()) {
    for (const [name, artifact] of Object.entries(output.contracts[source]!).sort(([a], [b]) => a.localeCompare(b))) {
      contracts[name] = { source: `contracts/${source}`, bytecode: `0x${artifact.evm.bytecode.object}` }
    }
  }
  const { optimizer, evmVersion } = compilerSettings
  return { solc: version, settings: { optimizer, evmVersion }, contracts }
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
