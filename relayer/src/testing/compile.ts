import { readFileSync } from 'node:fs'
import path from 'node:path'
import { compileCached } from '@spnkit/solc'
import type { Abi, Hex } from 'viem'

// The relayer's own Solidity test fixtures (CountingRecipient), compiled once per source change.

export type Compiled = { abi: Abi; bytecode: Hex }

export async function compileFixture(name: string): Promise<Compiled> {
  const source = readFileSync(path.join(import.meta.dirname, `${name}.sol`), 'utf8')
  const contract = compileCached({ [`${name}.sol`]: source }).contracts[name]
  if (!contract) throw new Error(`${name}.sol does not declare a contract named ${name}`)
  return { abi: contract.abi as Abi, bytecode: contract.bytecode }
}
