import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

// One way to compile Solidity in TypeScript: the npm solc the repository pins (forge gets the same
// compiler through scripts/solc.mjs), standard JSON, EVM version cancun, optimizer on. Imports such
// as "@openzeppelin/contracts/..." resolve through node_modules as seen from `resolveFrom`.

const require = createRequire(import.meta.url)

type Solc = {
  version(): string
  compile(input: string, callbacks?: { import: (p: string) => { contents?: string; error?: string } }): string
}

export type CompileOptions = {
  /** Optimizer runs (default 200). */
  optimizerRuns?: number
  /** A file or directory URL/path whose node_modules resolves imports (default: this package). */
  resolveFrom?: string
}

export type CompiledContract = {
  /** Source file name the contract is declared in. */
  source: string
  abi: unknown[]
  bytecode: `0x${string}`
  deployedBytecode: `0x${string}`
}

export type CompileResult = {
  /** The compiler's full version, e.g. 0.8.30+commit.73712a01.Emscripten.clang. */
  version: string
  /** Contracts by name (a name declared in two sources is an error: name them apart). */
  contracts: Record<string, CompiledContract>
  warnings: string[]
}

/** solc reported errors; `messages` are its formatted messages (file, line, caret). */
export class SolidityCompileError extends Error {
  readonly messages: string[]
  constructor(what: string, messages: string[]) {
    super(`${what} did not compile:\n${messages.join('\n')}`)
    this.name = 'SolidityCompileError'
    this.messages = messages
  }
}

type SolcOutput = {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[]
  contracts?: Record<
    string,
    Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
  >
}

export function solcVersion(): string {
  return (require('solc') as Solc).version()
}

/** Compiles `sources` (file name -> Solidity text). Throws SolidityCompileError on any error. */
export function compileSolidity(sources: Record<string, string>, options: CompileOptions = {}): CompileResult {
  const solc = require('solc') as Solc
  const resolver = options.resolveFrom ? createRequire(options.resolveFrom) : require
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(
      Object.keys(sources)
        .sort()
        .map((file) => [file, { content: sources[file] }]),
    ),
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: options.optimizerRuns ?? 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  }
  const findImport = (file: string) => {
    try {
      return { contents: readFileSync(resolver.resolve(file), 'utf8') }
    } catch {
      return { error: `import ${file} not found in node_modules (install the package that provides it)` }
    }
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput
  const what = Object.keys(sources).sort().join(', ')
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error').map((e) => e.formattedMessage)
  if (errors.length > 0) throw new SolidityCompileError(what, errors)
  const contracts: Record<string, CompiledContract> = {}
  for (const source of Object.keys(output.contracts ?? {}).sort()) {
    // Imported library sources (OpenZeppelin...) come back too; only the caller's files are returned.
    if (!(source in sources)) continue
    for (const [name, c] of Object.entries(output.contracts![source]!).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (contracts[name])
        throw new SolidityCompileError(what, [
          `contract ${name} is declared in ${contracts[name].source} and ${source}`,
        ])
      contracts[name] = {
        source,
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      }
    }
  }
  const warnings = (output.errors ?? []).filter((e) => e.severity === 'warning').map((e) => e.formattedMessage)
  return { version: solc.version(), contracts, warnings }
}
