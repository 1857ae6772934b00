import { compileCached } from '@spnkit/solc'
import type { Abi, Hex } from 'viem'

// An OpenZeppelin 5 ERC20 compiled with the repository's npm solc (0.8.30, cancun, optimizer 10000),
// for the differential test and the TPS benchmark.

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
  const token = compileCached(
    { 'DevToken.sol': DEV_TOKEN_SOURCE },
    { optimizerRuns: 10000, resolveFrom: import.meta.url },
  ).contracts.DevToken!
  return { abi: token.abi as Abi, bytecode: token.bytecode }
}
