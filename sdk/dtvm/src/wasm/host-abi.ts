// The host functions a DTVM WASM contract may import, all from module "dtvm". Pointers are offsets
// in the contract's linear memory; words (values, keys, amounts) are 32 bytes big-endian, addresses
// 20 bytes. Documented for contract authors in sdk/dtvm/README.md.
import { type FuncType, I32, I64 } from './module.ts'

export const HOST_MODULE = 'dtvm'

const fn = (params: Array<typeof I32 | typeof I64>, results: Array<typeof I32 | typeof I64> = []): FuncType => ({
  params,
  results,
})
const i = I32
const l = I64

export const HOST_FUNCTIONS: Readonly<Record<string, FuncType>> = {
  // calldata in, return data out, revert
  calldata_size: fn([], [i]),
  calldata_copy: fn([i, i, i]), // (dest, offset, length)
  finish: fn([i, i]), // (ptr, length): return data, ends the call successfully
  revert: fn([i, i]), // (ptr, length): revert data, ends the call and rolls back its state
  // storage
  storage_load: fn([i, i]), // (keyPtr, outPtr)
  storage_store: fn([i, i]), // (keyPtr, valuePtr)
  transient_load: fn([i, i]),
  transient_store: fn([i, i]),
  // calls to any contract (EVM or WASM): 0 = success, 1 = failure/revert; gas 0 means "all allowed"
  call: fn([i, i, i, i, l], [i]), // (addressPtr, valuePtr, dataPtr, dataLength, gas)
  static_call: fn([i, i, i, l], [i]), // (addressPtr, dataPtr, dataLength, gas)
  delegate_call: fn([i, i, i, l], [i]), // (addressPtr, dataPtr, dataLength, gas)
  return_data_size: fn([], [i]),
  return_data_copy: fn([i, i, i]), // (dest, offset, length)
  create: fn([i, i, i, i, i], [i]), // (valuePtr, codePtr, codeLength, saltPtr or 0 for CREATE, outAddressPtr)
  // events
  log: fn([i, i, i, i]), // (topicsPtr, topicCount 0..4, dataPtr, dataLength)
  // context
  caller: fn([i]), // (outPtr) 20 bytes
  call_value: fn([i]), // (outPtr) 32 bytes
  address: fn([i]),
  origin: fn([i]),
  balance: fn([i, i]), // (addressPtr, outPtr)
  block_number: fn([], [l]),
  block_timestamp: fn([], [l]),
  chain_id: fn([], [l]),
  block_coinbase: fn([i]),
  base_fee: fn([i]),
  gas_price: fn([i]),
  // utilities
  keccak256: fn([i, i, i]), // (ptr, length, outPtr)
  gas_left: fn([], [l]),
}

/** Exports a contract must provide: its linear memory and the entry point receiving calldata. */
export const ENTRY_EXPORT = 'call'
/** Optional constructor run once at deployment with the constructor arguments as calldata. */
export const DEPLOY_EXPORT = 'deploy'
export const MEMORY_EXPORT = 'memory'
