import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { keccak256, toHex } from '@spnkit/crypto'
import type { Abi, Hex } from 'viem'

// An OpenZeppelin 5 ERC20 compiled with the repository's npm solc (0.8.30, cancun, optimizer 10000),
// for the differential test and the TPS benchmark. The artifact is cached in the temp dir by source hash.

const require = createRequire(import.meta.url)

export const DEV_TOKEN_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract DevToken is ERC20 {
    error Nope(uint256 code);
    constructor(uint256 supply) ERC20("Dev Token", "DEV") { _mint(msg.sender, supply); }
    function fail(uint256 code) external pure { revert Nope(code); }
    function failString() external pure { revert("dev token says no"); }
}
`

export type Artifact = { abi: Abi; bytecode: Hex }

export function devTokenArtifact(): Artifact {
  const cacheDir = path.join(tmpdir(), 'spnkit-solc-cache')
  const cache = path.join(cacheDir, `${toHex(keccak256(new TextEncoder().encode(DEV_TOKEN_SOURCE))).slice(2, 18)}.json`)
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as Artifact
  const solc = require('solc') as {
    compile(input: string, callbacks: { import: (p: string) => { contents?: string; error?: string } }): string
  }
  const input = {
    language: 'Solidity',
    sources: { 'DevToken.sol': { content: DEV_TOKEN_SOURCE } },
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 10000 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  }
  const findImports = (p: string) => {
    try {
      return { contents: readFileSync(require.resolve(p), 'utf8') }
    } catch {
      return { error: `not found: ${p}` }
    }
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports })) as {
    errors?: { severity: string; formattedMessage: string }[]
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>
  }
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length) throw new Error(`DevToken did not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`)
  const c = output.contracts['DevToken.sol']!.DevToken!
  const artifact: Artifact = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` }
  mkdirSync(cacheDir, { recursive: true })
  writeFileSync(cache, JSON.stringify(artifact))
  return artifact
}
