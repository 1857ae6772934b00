// Storage, events, context and calls. Storage keys follow Solidity's layout, so a WASM contract's
// state reads the same through eth_getStorageAt and the store's proofs as a Solidity contract's.
import * as host from "./host"
import { U256 } from "./u256"

export function keccak(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  host.keccak256(data.dataStart, data.length, out.dataStart)
  return out
}

/** Slot of `mapping(key => ...)` declared at `slot`: keccak256(pad32(key) ‖ pad32(slot)). */
export function mappingSlot(slot: Uint8Array, key: Uint8Array): Uint8Array {
  const buffer = new Uint8Array(64)
  memory.copy(buffer.dataStart + 32 - key.length, key.dataStart, key.length)
  memory.copy(buffer.dataStart + 32, slot.dataStart, 32)
  return keccak(buffer)
}

export function slotOf(index: u64): Uint8Array {
  return U256.fromU64(index).toBytes()
}

export function sload(key: Uint8Array): U256 {
  const out = new Uint8Array(32)
  host.storage_load(key.dataStart, out.dataStart)
  return U256.load(out.dataStart)
}

export function sstore(key: Uint8Array, value: U256): void {
  const buffer = value.toBytes()
  host.storage_store(key.dataStart, buffer.dataStart)
}

/** Emits a log with up to four 32-byte topics. */
export function emit(topics: Array<Uint8Array>, data: Uint8Array): void {
  const packed = new Uint8Array(topics.length * 32)
  for (let i = 0; i < topics.length; i++) memory.copy(packed.dataStart + <usize>(i * 32), topics[i].dataStart, 32)
  host.log(packed.dataStart, topics.length, data.dataStart, data.length)
}

/** A 20-byte address left-padded to a 32-byte topic. */
export function addressTopic(address: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  memory.copy(out.dataStart + 12, address.dataStart, 20)
  return out
}

export function msgSender(): Uint8Array {
  const out = new Uint8Array(20)
  host.caller(out.dataStart)
  return out
}

export function msgValue(): U256 {
  const out = new Uint8Array(32)
  host.call_value(out.dataStart)
  return U256.load(out.dataStart)
}

/** Calls another contract (EVM or WASM) with all allowed gas; returns success and the return data. */
export class CallResult {
  constructor(public success: bool, public data: Uint8Array) {}
}

function lastReturnData(): Uint8Array {
  const data = new Uint8Array(host.return_data_size())
  host.return_data_copy(data.dataStart, 0, data.length)
  return data
}

export function callContract(target: Uint8Array, value: U256, data: Uint8Array): CallResult {
  const valueBytes = value.toBytes()
  const status = host.call(target.dataStart, valueBytes.dataStart, data.dataStart, data.length, 0)
  return new CallResult(status == 0, lastReturnData())
}

export function staticCallContract(target: Uint8Array, data: Uint8Array): CallResult {
  const status = host.static_call(target.dataStart, data.dataStart, data.length, 0)
  return new CallResult(status == 0, lastReturnData())
}
