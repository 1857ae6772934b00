export type { StepTracer } from './evm/frame.ts'
export { create2Address, createAddress } from './evm/interpreter.ts'
export { type EvmTierMode, evmTier, setEvmTier } from './evm/jit/tier.ts'
export { BlockExecutor } from './executor.ts'
export { EMPTY_CODE_HASH, InMemoryState } from './state/memory-state.ts'
export { World } from './state/world.ts'
export { blobBaseFee, type ExecuteOptions, executeTransaction, intrinsicGas } from './tx.ts'
export type {
  AccessListEntry,
  AccountDiff,
  AccountInfo,
  Address,
  BlockContext,
  Log,
  RejectionCode,
  StateDiff,
  StateReader,
  TxInput,
  TxRejection,
  TxResult,
  TxStatus,
} from './types.ts'
export { isWasmCode, WASM_CODE_PREFIX, wasmInitCode, wasmRuntime } from './wasm/evm-bridge.ts'
export { HOST_FUNCTIONS, INK_PER_GAS, validateWasmContract, WASM_LIMITS, WasmValidationError } from './wasm/index.ts'
export { WasmHostFatalError } from './wasm/runtime.ts'
