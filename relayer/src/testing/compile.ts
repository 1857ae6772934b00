import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Abi, Hex } from 'viem'

// Compiles the relayer's own Solidity test fixture (CountingRecipient) with the npm solc the root
// pins, caching the output by source hash so only the first test run pays for the compiler.

export type Compiled = { abi: Abi; bytecode: Hex }

export async function compileFixture(name: string): Promise<Compiled> {
  const file = path.join(import.meta.dirname, `${name}.sol`)
  const source = readFileSync(file, 'utf8')
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16)
  const cacheDir = path.join(tmpdir(), 'spnkit-relayer-solc')
  const cached = path.join(cacheDir, `${name}-${hash}.json`)
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Compiled
  const solc = (await import('solc')).default as { compile: (input: string) => string }
  const input = {
    language: 'Solidity',
    sources: { [`${name}.sol`]: { content: source } },
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[]
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>
  }
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0)
    throw new Error(`solc failed for ${name}.sol:\n${errors.map((e) => e.formattedMessage).join('\n')}`)
  const contract = output.contracts[`${name}.sol`]![name]!
  const compiled: Compiled = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` }
  mkdirSync(cacheDir, { recursive: true })
  writeFileSync(cached, JSON.stringify(compiled))
  return compiled
}
