// Shared by the compiled tier's tests: one contract at TARGET on a fresh world, called by CALLER,
// with a fixed block — so a test states only the code, the tier and the call it makes.
import { cancunPrecompiles } from '../../precompiles/index.ts'
import { InMemoryState } from '../../state/memory-state.ts'
import { World } from '../../state/world.ts'
import type { Address } from '../../types.ts'
import { CALL, type Env, type MessageResult } from '../frame.ts'
import { runMessage } from '../vm.ts'
import { type EvmTierMode, setEvmTier } from './tier.ts'

export const CALLER: Address = '0x1000000000000000000000000000000000000001'
export const TARGET: Address = '0x2000000000000000000000000000000000000002'

export type TargetCall = { gas?: number; input?: Uint8Array; value?: bigint; isStatic?: boolean }

/** Calls TARGET (running `code`, storage slot 1 = 7) on a fresh world, in tier `mode`. */
export function callTarget(
  code: Uint8Array,
  mode: EvmTierMode,
  call: TargetCall = {},
  state = new InMemoryState(),
): { result: MessageResult; world: World } {
  setEvmTier(mode)
  state.setAccount(CALLER, { balance: 10n ** 18n })
  state.setAccount(TARGET, { code, storage: new Map([[1n, 7n]]) })
  const world = new World(state)
  world.beginTx()
  world.warmAddress(CALLER)
  world.warmAddress(TARGET)
  const env: Env = {
    world,
    block: {
      chainId: 1n,
      number: 1n,
      timestamp: 1n,
      coinbase: '0x0000000000000000000000000000000000000000',
      gasLimit: 30_000_000n,
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
  const result = runMessage(env, {
    kind: CALL,
    caller: CALLER,
    address: TARGET,
    codeAddress: TARGET,
    value: call.value ?? 0n,
    transfer: true,
    input: call.input ?? new Uint8Array(0),
    gas: call.gas ?? 100_000,
    isStatic: call.isStatic ?? false,
    depth: 0,
    retOffset: 0,
    retSize: 0,
  })
  return { result, world }
}

/** Everything a call lets anyone observe, in comparable form (to prove two tiers identical). */
export function observed(result: MessageResult, world: World) {
  const storage = [...(world.diff().accounts.get(TARGET)?.storage ?? new Map())].map(([k, v]) => `${k}=${v}`)
  return {
    status: result.status,
    gasLeft: result.gasLeft,
    haltReason: result.haltReason,
    output: Buffer.from(result.output).toString('hex'),
    refund: world.refund,
    logs: world.logs.map(
      (l) => `${l.topics.map((t) => Buffer.from(t).toString('hex')).join(',')}:${Buffer.from(l.data).toString('hex')}`,
    ),
    storage,
  }
}
