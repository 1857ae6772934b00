// Builds the example WASM contracts: AssemblyScript with `asc` (npm) and C with Debian's clang +
// lld (--target=wasm32). Outputs go to sdk/dtvm/build/wasm/<lang>-<name>.wasm.
// Usage: node scripts/build-wasm.ts      (also imported by tests, which build on demand)
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { compileSolidity } from '@spnkit/solc'

const packageDir = path.resolve(import.meta.dirname, '..')
export const WASM_BUILD_DIR = path.join(packageDir, 'build/wasm')

export type WasmExample = 'as-erc20' | 'as-pricer' | 'as-forwarder' | 'c-erc20' | 'c-pricer'
export const WASM_EXAMPLES: readonly WasmExample[] = ['as-erc20', 'as-pricer', 'as-forwarder', 'c-erc20', 'c-pricer']

function source(name: WasmExample): string {
  const [lang, contract] = name.split('-') as ['as' | 'c', string]
  return path.join(
    packageDir,
    'wasm-examples',
    lang === 'as' ? 'assemblyscript' : 'c',
    `${contract}.${lang === 'as' ? 'ts' : 'c'}`,
  )
}

function newerThanSources(output: string, inputs: string[]): boolean {
  if (!existsSync(output)) return false
  const built = statSync(output).mtimeMs
  return inputs.every((input) => statSync(input).mtimeMs <= built)
}

function sdkFiles(dir: string): string[] {
  return ['abi.ts', 'host.ts', 'index.ts', 'revert.ts', 'state.ts', 'u256.ts']
    .map((f) => path.join(dir, f))
    .filter(existsSync)
}

/** Builds one example (skipped when its output is newer than its sources) and returns the path. */
export function buildWasmExample(name: WasmExample): string {
  mkdirSync(WASM_BUILD_DIR, { recursive: true })
  const output = path.join(WASM_BUILD_DIR, `${name}.wasm`)
  // Test files run in parallel processes that may build the same example: each compiles to its own
  // temporary file and renames it into place, so no reader ever sees a half-written module.
  const temporary = `${output}.${process.pid}.tmp`
  const input = source(name)
  if (name.startsWith('as-')) {
    const inputs = [input, ...sdkFiles(path.join(packageDir, 'wasm-sdk/assemblyscript'))]
    if (newerThanSources(output, inputs)) return output
    const asc = path.join(packageDir, '../../node_modules/.bin/asc')
    execFileSync(
      asc,
      [
        input,
        '-o',
        temporary,
        '--runtime',
        'stub',
        '-O3',
        '--noAssert',
        '--exportStart',
        '_initialize',
        '--use',
        'abort=wasm-sdk/assemblyscript/revert/abort',
      ],
      { cwd: packageDir, stdio: 'inherit' },
    )
  } else {
    const inputs = [input, path.join(packageDir, 'wasm-sdk/c/dtvm.h')]
    if (newerThanSources(output, inputs)) return output
    if (spawnSync('clang', ['--version']).status !== 0)
      throw new Error('clang not found: C contracts need Debian clang and lld (apt-get install -y clang lld)')
    execFileSync(
      'clang',
      [
        '--target=wasm32',
        '-O2',
        '-nostdlib',
        '-mbulk-memory',
        '-Wl,--no-entry',
        '-Wl,--export=call',
        '-Wl,--export-if-defined=deploy',
        '-o',
        temporary,
        input,
      ],
      { cwd: packageDir, stdio: 'inherit' },
    )
  }
  renameSync(temporary, output)
  return output
}

export type SolidityArtifact = { abi: unknown[]; bytecode: `0x${string}` }

/**
 * Compiles wasm-examples/solidity/*.sol (npm solc, optimizer on, cancun) into
 * build/wasm/solidity.json, once per source change; returns the artifacts by contract name.
 */
export function solidityExamples(): Record<string, SolidityArtifact> {
  const dir = path.join(packageDir, 'wasm-examples/solidity')
  const output = path.join(WASM_BUILD_DIR, 'solidity.json')
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sol'))
    .sort()
  if (
    !newerThanSources(
      output,
      files.map((f) => path.join(dir, f)),
    )
  ) {
    const sources = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]))
    const artifacts: Record<string, SolidityArtifact> = {}
    for (const [name, c] of Object.entries(compileSolidity(sources).contracts))
      artifacts[name] = { abi: c.abi, bytecode: c.bytecode }
    mkdirSync(WASM_BUILD_DIR, { recursive: true })
    const temporary = `${output}.${process.pid}.tmp`
    writeFileSync(temporary, JSON.stringify(artifacts))
    renameSync(temporary, output)
  }
  return JSON.parse(readFileSync(output, 'utf8')) as Record<string, SolidityArtifact>
}

/** The bytes of a built example, building it first if needed. */
export function wasmExample(name: WasmExample): Uint8Array {
  return new Uint8Array(readFileSync(buildWasmExample(name)))
}

if (import.meta.main) {
  for (const name of WASM_EXAMPLES) console.log(`built ${path.relative(process.cwd(), buildWasmExample(name))}`)
  console.log(`compiled ${Object.keys(solidityExamples()).length} Solidity example contracts`)
}
