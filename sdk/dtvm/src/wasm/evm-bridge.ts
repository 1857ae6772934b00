// Where the EVM and WASM meet: one journal (the EVM's World), one call depth, one gas meter.
// `runWasmCall` runs a call whose code is a WASM contract; its host functions read and write the
// same World the EVM uses and start nested messages (EVM or WASM) through the same driver, with
// the EVM's gas rules (EIP-2929 access costs, value costs, the 63/64 rule, the call stipend).
import { keccak256 } from '@spnkit/crypto'
import {
  CALL,
  CREATE,
  CREATE2,
  DELEGATECALL,
  EMPTY,
  type Env,
  type Message,
  type MessageResult,
  STATICCALL,
} from '../evm/frame.ts'
import { create2Address, createAddress, MAX_INITCODE_SIZE } from '../evm/interpreter.ts'
import { sstoreGas } from '../evm/storage-gas.ts'
import type { Account } from '../state/world.ts'
import type { Address } from '../types.ts'
import { WasmValidationError } from './errors.ts'
import { WASM_LIMITS } from './limits.ts'
import { type CallKind, type WasmFrameResult, type WasmHost, WasmRuntime } from './runtime.ts'

/**
 * Deployed code that starts with these bytes is a WASM contract. 0xEF cannot begin EVM-deployed
 * code (EIP-3541), so the prefix can never collide with an EVM contract.
 */
export const WASM_CODE_PREFIX = Uint8Array.of(0xef, 0xde, 0x00)
/** Stack words every WASM contract frame takes from the shared budget (bounds host recursion). */
export const WASM_FRAME_STACK_WORDS = 64
const CALL_DEPTH_LIMIT = 1024
const MAX_NONCE = (1n << 64n) - 1n
const CODE_DEPOSIT_GAS = 200

/** The one runtime (and compiled-module cache) of this process. */
export const wasmRuntime = new WasmRuntime()

/** Stack words left for WASM frames in the current transaction's call stack. */
let wasmStackLeft: number = WASM_LIMITS.stackWords

export type RunMessage = (env: Env, msg: Message) => MessageResult

export function isWasmCode(code: Uint8Array): boolean {
  return code.length >= 3 && code[0] === 0xef && code[1] === 0xde && code[2] === 0x00
}

/** Creation data for a WASM contract: prefix ‖ uint32 BE module length ‖ module ‖ constructor args. */
export function wasmInitCode(module: Uint8Array, constructorArgs: Uint8Array = EMPTY): Uint8Array {
  const out = new Uint8Array(WASM_CODE_PREFIX.length + 4 + module.length + constructorArgs.length)
  out.set(WASM_CODE_PREFIX, 0)
  new DataView(out.buffer).setUint32(WASM_CODE_PREFIX.length, module.length)
  out.set(module, WASM_CODE_PREFIX.length + 4)
  out.set(constructorArgs, WASM_CODE_PREFIX.length + 4 + module.length)
  return out
}

const hex = (bytes: Uint8Array) => {
  let out = '0x'
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out
}

function fail(reason: string): MessageResult {
  return { status: 2, gasLeft: 0, output: EMPTY, haltReason: reason }
}

function toMessageResult(r: WasmFrameResult): MessageResult {
  const status = r.status === 'success' ? 0 : r.status === 'revert' ? 1 : 2
  return r.haltReason
    ? { status, gasLeft: Number(r.gasLeft), output: r.output, haltReason: r.haltReason }
    : { status, gasLeft: Number(r.gasLeft), output: r.output }
}

/** The WasmHost of one frame, over the EVM's World. */
function hostFor(env: Env, msg: Message, run: RunMessage): WasmHost {
  const world = env.world
  const self = world.account(msg.address)
  const nested = (child: Message, stackLeft: number): MessageResult => {
    const saved = wasmStackLeft
    wasmStackLeft = stackLeft
    try {
      return run(env, child)
    } finally {
      wasmStackLeft = saved
    }
  }
  return {
    sload(key) {
      const gas = world.warmSlot(msg.address, key) ? 100n : 2100n
      return { value: self.getStorage(key), gas }
    },
    sstore(key, value, gasLeft) {
      // EIP-2200: an SSTORE with 2,300 gas or less left fails; asking for more than is left makes it so.
      if (gasLeft <= 2300n) return { gas: gasLeft + 1n }
      const gas = sstoreGas(world, self, key, value)
      if (self.getStorage(key) !== value) world.setStorage(self, key, value)
      return { gas: BigInt(gas) }
    },
    tload: (key) => world.getTransient(msg.address, key),
    tstore: (key, value) => world.setTransient(msg.address, key, value),
    call({ kind, to, value, data, gas, gasLeft, wasmStackLeft: stackLeft }) {
      let cost = 100
      if (!world.warmAddress(to)) cost += 2500
      if (value !== 0n) {
        cost += 9000
        const target = world.account(to)
        if (kind === 'call' && (!target.exists || target.isEmpty())) cost += 25000
      }
      const left = Number(gasLeft)
      if (left < cost) return { success: false, returnData: EMPTY, gasUsed: BigInt(cost) }
      const available = left - cost - Math.floor((left - cost) / 64)
      let childGas = gas === 0n || gas > BigInt(available) ? available : Number(gas)
      const charged = cost + childGas
      if (value !== 0n) childGas += 2300
      if (msg.depth >= CALL_DEPTH_LIMIT || (value !== 0n && self.balance < value))
        return { success: false, returnData: EMPTY, gasUsed: BigInt(cost) }
      const child: Message = {
        kind: kindCode(kind),
        caller: kind === 'delegatecall' ? msg.caller : msg.address,
        address: kind === 'delegatecall' ? msg.address : to,
        codeAddress: to,
        value: kind === 'delegatecall' ? msg.value : value,
        transfer: kind === 'call',
        input: data,
        gas: childGas,
        isStatic: msg.isStatic || kind === 'staticcall',
        depth: msg.depth + 1,
        retOffset: 0,
        retSize: 0,
      }
      const r = nested(child, stackLeft)
      return { success: r.status === 0, returnData: r.output, gasUsed: BigInt(charged - r.gasLeft) }
    },
    create({ value, initCode, salt, gasLeft, wasmStackLeft: stackLeft }) {
      if (initCode.length > MAX_INITCODE_SIZE) return { address: undefined, returnData: EMPTY, gasUsed: gasLeft + 1n }
      const words = Math.ceil(initCode.length / 32)
      const cost = 32000 + 2 * words + (salt === undefined ? 0 : 6 * words)
      const left = Number(gasLeft)
      if (left < cost) return { address: undefined, returnData: EMPTY, gasUsed: BigInt(cost) }
      if (msg.depth >= CALL_DEPTH_LIMIT || self.balance < value || self.nonce >= MAX_NONCE)
        return { address: undefined, returnData: EMPTY, gasUsed: BigInt(cost) }
      const nonce = self.nonce
      world.setNonce(self, nonce + 1n)
      const saltBytes = salt === undefined ? undefined : bigToWord(salt)
      const address = saltBytes ? create2Address(msg.address, saltBytes, initCode) : createAddress(msg.address, nonce)
      world.warmAddress(address)
      const childGas = left - cost - Math.floor((left - cost) / 64)
      const child: Message = {
        kind: saltBytes ? CREATE2 : CREATE,
        caller: msg.address,
        address,
        codeAddress: address,
        value,
        transfer: true,
        input: initCode,
        gas: childGas,
        isStatic: false,
        depth: msg.depth + 1,
        retOffset: 0,
        retSize: 0,
      }
      const r = nested(child, stackLeft)
      return {
        address: r.status === 0 ? address : undefined,
        returnData: r.status === 1 ? r.output : EMPTY,
        gasUsed: BigInt(cost + childGas - r.gasLeft),
      }
    },
    log: (topics, data) => world.addLog({ address: msg.address, topics, data }),
    balance(address) {
      const gas = world.warmAddress(address) ? 100n : 2600n
      return { value: world.account(address).balance, gas }
    },
    context: () => ({
      caller: msg.caller,
      callValue: msg.value,
      address: msg.address,
      origin: env.tx.origin,
      blockNumber: env.block.number,
      timestamp: env.block.timestamp,
      chainId: env.block.chainId,
      coinbase: env.block.coinbase,
      baseFee: env.block.baseFee,
      gasPrice: env.tx.gasPrice,
    }),
  }
}

function kindCode(kind: CallKind): number {
  return kind === 'call' ? CALL : kind === 'staticcall' ? STATICCALL : DELEGATECALL
}

function bigToWord(value: bigint): Uint8Array {
  const out = new Uint8Array(32)
  let v = value
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

/** Takes this frame's share of the stack budget (resetting it at the top of a transaction). */
function frameStack(msg: Message): number | undefined {
  if (msg.depth === 0) wasmStackLeft = WASM_LIMITS.stackWords
  const left = wasmStackLeft - WASM_FRAME_STACK_WORDS
  return left < 0 ? undefined : left
}

/**
 * Runs a call into WASM code. `begin` has already moved value and taken `snapshot`; on failure
 * this reverts it, as the EVM driver does for EVM frames.
 */
export function runWasmCall(
  env: Env,
  msg: Message,
  code: Uint8Array,
  codeHash: Uint8Array,
  snapshot: number,
  run: RunMessage,
): MessageResult {
  const stack = frameStack(msg)
  if (stack === undefined) {
    env.world.revert(snapshot)
    return fail('StackOverflow')
  }
  const result = wasmRuntime.run(
    {
      module: code.subarray(WASM_CODE_PREFIX.length),
      codeHash: hex(codeHash),
      calldata: msg.input,
      gas: BigInt(msg.gas),
      isStatic: msg.isStatic,
      entry: 'call',
      wasmStackLeft: stack,
    },
    hostFor(env, msg, run),
  )
  if (result.status !== 'success') env.world.revert(snapshot)
  return toMessageResult(result)
}

/**
 * Runs a creation whose init code is WASM (prefix ‖ length ‖ module ‖ args): validates and
 * instruments the module (starting its background compile), runs its `deploy` export with the
 * constructor arguments, charges the code deposit and stores prefix ‖ module as the code.
 */
export function runWasmCreate(
  env: Env,
  msg: Message,
  target: Account,
  snapshot: number,
  run: RunMessage,
): MessageResult {
  const world = env.world
  const initCode = msg.input
  const headerLength = WASM_CODE_PREFIX.length + 4
  const moduleLength =
    initCode.length >= headerLength
      ? new DataView(initCode.buffer, initCode.byteOffset).getUint32(WASM_CODE_PREFIX.length)
      : -1
  if (moduleLength < 0 || headerLength + moduleLength > initCode.length) {
    world.revert(snapshot)
    return fail('InvalidWasm: init code is shorter than its declared module length')
  }
  const module = initCode.subarray(headerLength, headerLength + moduleLength)
  const deployed = new Uint8Array(WASM_CODE_PREFIX.length + moduleLength)
  deployed.set(WASM_CODE_PREFIX, 0)
  deployed.set(module, WASM_CODE_PREFIX.length)
  const codeHash = keccak256(deployed)
  try {
    wasmRuntime.cache.prepare(hex(codeHash), module)
  } catch (error) {
    world.revert(snapshot)
    if (error instanceof WasmValidationError) return fail(`InvalidWasm: ${error.message}`)
    throw error
  }
  const stack = frameStack(msg)
  if (stack === undefined) {
    world.revert(snapshot)
    return fail('StackOverflow')
  }
  const result = wasmRuntime.run(
    {
      module,
      codeHash: hex(codeHash),
      calldata: initCode.subarray(headerLength + moduleLength),
      gas: BigInt(msg.gas),
      isStatic: false,
      entry: 'deploy',
      wasmStackLeft: stack,
    },
    hostFor(env, msg, run),
  )
  if (result.status !== 'success') {
    world.revert(snapshot)
    return toMessageResult(result)
  }
  const deposit = CODE_DEPOSIT_GAS * deployed.length
  if (Number(result.gasLeft) < deposit) {
    world.revert(snapshot)
    return fail('CodeStoreOutOfGas')
  }
  world.setCode(target, deployed)
  return { status: 0, gasLeft: Number(result.gasLeft) - deposit, output: EMPTY, createdAddress: msg.address as Address }
}
