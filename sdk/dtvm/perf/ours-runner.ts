// Our half of `npm run bench:evm`: deploys a bench case on our engine and times the measured call
// under the same conditions as bench/ethereumjs-runner.ts (caller, callee and precompiles warm,
// fresh transaction state, every run rolled back afterwards).
import type { BenchCase } from '../bench/cases.ts'
import { median } from '../bench/ethereumjs-runner.ts'
import { CALL, CREATE, type Env } from '../src/evm/frame.ts'
import { createAddress } from '../src/evm/interpreter.ts'
import { runMessage } from '../src/evm/vm.ts'
import { cancunPrecompiles } from '../src/precompiles/index.ts'
import { InMemoryState } from '../src/state/memory-state.ts'
import { World } from '../src/state/world.ts'
import type { Address } from '../src/types.ts'

export const CALLER: Address = '0x1000000000000000000000000000000000000001'
const PRECOMPILES = Array.from({ length: 10 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}` as Address)

export type OursRun = {
  ms: number
  samplesMs: number[]
  /** Median process CPU time of the call (steadier than wall time on a shared machine). */
  cpuMs: number
  gasUsed: bigint
  gasRefund: bigint
  returnData: Uint8Array
}

function env(world: World): Env {
  return {
    world,
    block: {
      chainId: 1n,
      number: 0n,
      timestamp: 0n,
      coinbase: '0x0000000000000000000000000000000000000000',
      gasLimit: 1_000_000_000n,
      baseFee: 0n,
      prevRandao: 0n,
      excessBlobGas: 0n,
      blockHash: () => new Uint8Array(32),
    },
    blobBaseFee: 1n,
    tx: { origin: CALLER, gasPrice: 0n, blobHashes: [] },
    precompiles: cancunPrecompiles,
    tracer: undefined,
  }
}

export function runOnOurs(
  benchCase: BenchCase,
  options: { calldata?: Uint8Array; repeats?: number; warmups?: number; gasLimit?: number } = {},
): OursRun {
  const gasLimit = options.gasLimit ?? 1_000_000_000
  const calldata = options.calldata ?? benchCase.calldata
  const repeats = options.repeats ?? benchCase.repeats
  const state = new InMemoryState()
  state.setAccount(CALLER, {})
  const world = new World(state)
  const e = env(world)
  // Deploy (the ethereumjs runner's runCall bumps the caller's nonce first, so the address is nonce 0's).
  world.beginTx()
  const target = createAddress(CALLER, 0n)
  world.setNonce(world.account(CALLER), 1n)
  world.warmAddress(CALLER)
  world.warmAddress(target)
  const deployed = runMessage(e, {
    kind: CREATE,
    caller: CALLER,
    address: target,
    codeAddress: target,
    value: 0n,
    transfer: true,
    input: benchCase.bytecode,
    gas: gasLimit,
    isStatic: false,
    depth: 0,
    retOffset: 0,
    retSize: 0,
  })
  if (deployed.status !== 0)
    throw new Error(
      `${benchCase.name}: deployment of ${benchCase.contract} failed on ours (${deployed.haltReason ?? 'revert'})`,
    )
  world.finalizeTx()

  const samplesMs: number[] = []
  const cpuSamplesMs: number[] = []
  let last: Omit<OursRun, 'ms' | 'samplesMs' | 'cpuMs'> | undefined
  const warmups = options.warmups ?? 3
  for (let run = 0; run < warmups + repeats; run++) {
    world.beginTx()
    for (const a of [CALLER, target, ...PRECOMPILES]) world.warmAddress(a)
    const cpuStart = process.cpuUsage()
    const start = performance.now()
    const r = runMessage(e, {
      kind: CALL,
      caller: CALLER,
      address: target,
      codeAddress: target,
      value: 0n,
      transfer: true,
      input: calldata,
      gas: gasLimit,
      isStatic: false,
      depth: 0,
      retOffset: 0,
      retSize: 0,
    })
    const ms = performance.now() - start
    const cpu = process.cpuUsage(cpuStart)
    const refund = BigInt(world.refund)
    world.revert(0)
    if (r.status !== 0)
      throw new Error(`${benchCase.name}: the measured call failed on ours (${r.haltReason ?? 'revert'})`)
    last = { gasUsed: BigInt(gasLimit - r.gasLeft), gasRefund: refund, returnData: r.output }
    if (run >= warmups) {
      samplesMs.push(ms)
      cpuSamplesMs.push((cpu.user + cpu.system) / 1000)
    }
  }
  return { ms: median(samplesMs), samplesMs, cpuMs: median(cpuSamplesMs), ...last! }
}
