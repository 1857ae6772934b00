// The evm-bench classics as runnable cases: creation bytecode (from cases.generated.json, built by
// `npm run bench:compile -w @spnkit/dtvm`), the calldata of the measured call, and how many timed
// repeats to take the median of. Every case deploys with empty calldata and no value.
import { readFileSync } from 'node:fs'
import { fromHex, keccak256 } from '@spnkit/crypto'
import type { GeneratedCases } from './compile.ts'

export type BenchCase = {
  /** Key in the benchmark's JSON line, e.g. `erc20.transfer`. */
  name: string
  /** What the measured call does, for the table. */
  description: string
  /** Contract (in bench/contracts) whose creation code `bytecode` is. */
  contract: string
  /** Creation bytecode; its constructor sets up any helper contracts (e.g. the token). */
  bytecode: Uint8Array
  /** Calldata of the measured call to the deployed contract. */
  calldata: Uint8Array
  /** The same entry point with a tiny workload, for tests. */
  smokeCalldata: Uint8Array
  /** Timed runs per engine (after one untimed warm-up); report the median. */
  repeats: number
}

const generated = JSON.parse(readFileSync(new URL('./cases.generated.json', import.meta.url), 'utf8')) as GeneratedCases

function creationCode(contract: string): Uint8Array {
  const entry = generated.contracts[contract]
  if (entry === undefined)
    throw new Error(
      `bench/cases: no bytecode for ${contract} in cases.generated.json; run npm run bench:compile -w @spnkit/dtvm`,
    )
  return fromHex(entry.bytecode)
}

/** ABI-encodes a call whose arguments are all uint256 (all our entry points are). */
export function encodeUintCall(signature: string, ...args: bigint[]): Uint8Array {
  const out = new Uint8Array(4 + 32 * args.length)
  out.set(keccak256(new TextEncoder().encode(signature)).subarray(0, 4), 0)
  args.forEach((arg, i) => {
    let v = arg
    for (let b = 4 + 32 * (i + 1) - 1; v > 0n; b--, v >>= 8n) out[b] = Number(v & 0xffn)
  })
  return out
}

export const benchCases: readonly BenchCase[] = [
  {
    name: 'snailtracer',
    description: 'ray-trace a 24x18 image (fixed-point, shadows, 2 reflection bounces)',
    contract: 'SnailTracer',
    bytecode: creationCode('SnailTracer'),
    calldata: encodeUintCall('render(uint256,uint256)', 24n, 18n),
    smokeCalldata: encodeUintCall('render(uint256,uint256)', 4n, 3n),
    repeats: 5,
  },
  {
    name: 'erc20.transfer',
    description: '2,000 external transfer() calls to 512 rotating recipients',
    contract: 'ERC20TransferBench',
    bytecode: creationCode('ERC20TransferBench'),
    calldata: encodeUintCall('run(uint256)', 2000n),
    smokeCalldata: encodeUintCall('run(uint256)', 3n),
    repeats: 5,
  },
  {
    name: 'erc20.mint',
    description: '2,000 external mint() calls to 512 rotating recipients',
    contract: 'ERC20MintBench',
    bytecode: creationCode('ERC20MintBench'),
    calldata: encodeUintCall('run(uint256)', 2000n),
    smokeCalldata: encodeUintCall('run(uint256)', 3n),
    repeats: 5,
  },
  {
    name: 'erc20.approval-transfer',
    description: '1,000 rounds of approve() + transferFrom() to 512 rotating recipients',
    contract: 'ERC20ApprovalTransferBench',
    bytecode: creationCode('ERC20ApprovalTransferBench'),
    calldata: encodeUintCall('run(uint256)', 1000n),
    smokeCalldata: encodeUintCall('run(uint256)', 3n),
    repeats: 5,
  },
  {
    name: 'ten-thousand-hashes',
    description: '10,000 chained keccak256 hashes',
    contract: 'TenThousandHashes',
    bytecode: creationCode('TenThousandHashes'),
    calldata: encodeUintCall('run(uint256)', 10000n),
    smokeCalldata: encodeUintCall('run(uint256)', 3n),
    repeats: 5,
  },
]
