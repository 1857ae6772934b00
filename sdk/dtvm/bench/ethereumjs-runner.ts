// The baseline half of `npm run bench:evm`: deploys and runs a bench case on @ethereumjs/evm
// (Cancun, in-memory SimpleStateManager) and reports the median time of the measured call.
//
// Gas semantics (so the other engine can compare like with like): `gasUsed` is the execution gas
// of the top-level call as a transaction would spend it — the tx's gas before refunds minus the
// intrinsic gas (21,000 + calldata). The caller, the callee and the precompiles are warm (EIP-2929
// as in a transaction) and nothing else is; `gasRefund` is the refund counter, not yet capped.
// Every timed run starts from the same post-deployment state: each run is reverted afterwards.
import { Common, Hardfork, Mainnet } from '@ethereumjs/common'
import { createEVM, type EVM } from '@ethereumjs/evm'
import { type Address, createAddressFromString } from '@ethereumjs/util'
import type { BenchCase } from './cases.ts'

export type EngineRun = {
  /** Median wall time of the measured call, in milliseconds. */
  ms: number
  /** Every timed sample, in run order. */
  samplesMs: number[]
  /**
   * Median process CPU time of the measured call (all threads, so GC included), in milliseconds.
   * Steadier than wall time when other work shares the cores; compare like with like.
   */
  cpuMs: number
  gasUsed: bigint
  gasRefund: bigint
  returnData: Uint8Array
}

export type RunOptions = {
  /** Override the case's calldata (e.g. `smokeCalldata` in tests). */
  calldata?: Uint8Array
  /** Override the case's repeat count. */
  repeats?: number
  /** Untimed runs before timing (JIT warm-up); default 1. */
  warmups?: number
  /** Gas limit of the measured call; default 1,000,000,000. */
  gasLimit?: bigint
}

export const BENCH_CALLER = createAddressFromString('0x1000000000000000000000000000000000000001')
const PRECOMPILES = Array.from({ length: 10 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`)

export class BenchRunError extends Error {
  override readonly name = 'BenchRunError'
}

type Internals = {
  journal: { cleanJournal(): void; addAlwaysWarmAddress(address: string, addToAccessList?: boolean): void }
  stateManager: { checkpoint(): Promise<void>; revert(): Promise<void>; originalStorageCache: { clear(): void } }
}

/** Deploys `benchCase` on a fresh @ethereumjs/evm and times its measured call. */
export async function runOnEthereumjs(benchCase: BenchCase, options: RunOptions = {}): Promise<EngineRun> {
  const gasLimit = options.gasLimit ?? 1_000_000_000n
  const calldata = options.calldata ?? benchCase.calldata
  const repeats = options.repeats ?? benchCase.repeats
  const evm = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Cancun }) })
  const target = await deploy(evm, benchCase)
  const samplesMs: number[] = []
  const cpuSamplesMs: number[] = []
  let last: { gasUsed: bigint; gasRefund: bigint; returnData: Uint8Array } | undefined
  for (let run = 0; run < (options.warmups ?? 1) + repeats; run++) {
    const measured = await timedCall(evm, target, calldata, gasLimit, benchCase.name)
    if (last !== undefined && (measured.gasUsed !== last.gasUsed || measured.gasRefund !== last.gasRefund))
      throw new BenchRunError(`${benchCase.name}: gas differs between runs (${last.gasUsed} vs ${measured.gasUsed})`)
    last = measured
    if (run >= (options.warmups ?? 1)) {
      samplesMs.push(measured.ms)
      cpuSamplesMs.push(measured.cpuMs)
    }
  }
  if (last === undefined) throw new BenchRunError(`${benchCase.name}: repeats must be at least 1`)
  return {
    ms: median(samplesMs),
    samplesMs,
    cpuMs: median(cpuSamplesMs),
    gasUsed: last.gasUsed,
    gasRefund: last.gasRefund,
    returnData: last.returnData,
  }
}

async function deploy(evm: EVM, benchCase: BenchCase): Promise<Address> {
  const result = await evm.runCall({ caller: BENCH_CALLER, data: benchCase.bytecode, gasLimit: 1_000_000_000n })
  const error = result.execResult.exceptionError
  if (error !== undefined || result.createdAddress === undefined)
    throw new BenchRunError(
      `${benchCase.name}: deployment of ${benchCase.contract} failed (${error?.error ?? 'no address'})`,
    )
  return result.createdAddress
}

async function timedCall(evm: EVM, to: Address, data: Uint8Array, gasLimit: bigint, name: string) {
  const internals = evm as unknown as Internals
  // A transaction's starting conditions: empty journal, fresh warm set, fresh original values.
  internals.journal.cleanJournal()
  for (const warm of [BENCH_CALLER.toString(), to.toString(), ...PRECOMPILES])
    internals.journal.addAlwaysWarmAddress(warm)
  internals.stateManager.originalStorageCache.clear()
  await internals.stateManager.checkpoint()
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const result = await evm.runCall({ caller: BENCH_CALLER, origin: BENCH_CALLER, to, data, gasLimit })
  const ms = performance.now() - start
  const cpu = process.cpuUsage(cpuStart)
  await internals.stateManager.revert()
  const { exceptionError, executionGasUsed, gasRefund, returnValue } = result.execResult
  if (exceptionError !== undefined)
    throw new BenchRunError(`${name}: the measured call failed on ethereumjs (${exceptionError.error})`)
  const cpuMs = (cpu.user + cpu.system) / 1000
  return { ms, cpuMs, gasUsed: executionGasUsed, gasRefund: gasRefund ?? 0n, returnData: returnValue }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
