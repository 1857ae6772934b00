// Runs one WASM call frame: instantiate the instrumented module (cached by code hash), bind the
// host ABI to the caller-provided host (the EVM's journal and call machinery), convert gas to ink
// and back, and turn every way a frame can end into a deterministic result.
import { keccak256 } from '@spnkit/crypto'
import { ModuleCache } from './cache.ts'
import { DEPLOY_EXPORT, ENTRY_EXPORT, HOST_FUNCTIONS, HOST_MODULE } from './host-abi.ts'
import {
  INK_GLOBAL_EXPORT,
  STACK_GLOBAL_EXPORT,
  TRAP_GLOBAL_EXPORT,
  TRAP_OUT_OF_INK,
  TRAP_STACK_EXHAUSTED,
} from './instrument.ts'
import { INK_PER_GAS } from './opcodes.ts'

export type Address = `0x${string}`
export type CallKind = 'call' | 'staticcall' | 'delegatecall'

/** What the frame's host (the shared journal and call machinery) provides. Gas follows EVM rules. */
export interface WasmHost {
  sload(key: bigint): { value: bigint; gas: bigint }
  /** Storage write priced by EIP-2200/2929/3529 rules; `gasLeft` lets the host apply the stipend check. */
  sstore(key: bigint, value: bigint, gasLeft: bigint): { gas: bigint }
  tload(key: bigint): bigint
  tstore(key: bigint, value: bigint): void
  /** A nested call to any contract (EVM or WASM). `gasUsed` covers access, value and the callee. */
  call(request: {
    kind: CallKind
    to: Address
    value: bigint
    data: Uint8Array
    /** Requested gas; 0 means "as much as the 63/64 rule allows". */
    gas: bigint
    gasLeft: bigint
    wasmStackLeft: number
  }): { success: boolean; returnData: Uint8Array; gasUsed: bigint }
  create(request: {
    value: bigint
    initCode: Uint8Array
    salt: bigint | undefined
    gasLeft: bigint
    wasmStackLeft: number
  }): {
    address: Address | undefined
    returnData: Uint8Array
    gasUsed: bigint
  }
  log(topics: Uint8Array[], data: Uint8Array): void
  balance(address: Address): { value: bigint; gas: bigint }
  context(): {
    caller: Address
    callValue: bigint
    address: Address
    origin: Address
    blockNumber: bigint
    timestamp: bigint
    chainId: bigint
    coinbase: Address
    baseFee: bigint
    gasPrice: bigint
  }
}

export type WasmFrameInput = {
  /** The contract's WASM module (the code after the WASM prefix). */
  module: Uint8Array
  /** Cache key: hex keccak of the deployed code. */
  codeHash: string
  calldata: Uint8Array
  gas: bigint
  isStatic: boolean
  /** 'deploy' runs the constructor export (if any) at creation; 'call' the entry point. */
  entry: 'call' | 'deploy'
  /** WASM stack words left for this frame and everything it calls (shared across nested frames). */
  wasmStackLeft: number
}

export type WasmFrameResult = {
  status: 'success' | 'revert' | 'halt'
  output: Uint8Array
  gasLeft: bigint
  haltReason?: string
}

/** A frame-ending condition raised from inside a host function; unwinds the WASM stack. */
class FrameExit {
  readonly status: 'success' | 'revert' | 'halt'
  readonly output: Uint8Array
  readonly reason: string | undefined
  constructor(status: 'success' | 'revert' | 'halt', output: Uint8Array, reason?: string) {
    this.status = status
    this.output = output
    this.reason = reason
  }
}

/** A failure of the host itself (not of the contract): never a consensus result; the node must stop. */
export class WasmHostFatalError extends Error {
  override readonly name = 'WasmHostFatalError'
}

/** Per-frame fixed charge: instantiation and memory setup (≈ Stylus's cached-program init gas). */
export const WASM_CALL_BASE_GAS = 300n
export const GAS_PER_INITIAL_PAGE = 2_000n
const HOST_CALL_GAS = 2n
const WORD_COPY_GAS = 3n
const KECCAK_GAS = 30n
const KECCAK_WORD_GAS = 6n
const LOG_GAS = 375n
const LOG_TOPIC_GAS = 375n
const LOG_BYTE_GAS = 8n

const words = (length: number) => BigInt(Math.ceil(length / 32))

function toBig(bytes: Uint8Array): bigint {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  return value
}
function toWord(value: bigint, out: Uint8Array, offset: number): void {
  let v = value
  for (let i = 31; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn)
    v >>= 8n
  }
}
function addressBytes(address: Address): Uint8Array {
  const out = new Uint8Array(20)
  for (let i = 0; i < 20; i++) out[i] = Number.parseInt(address.slice(2 + i * 2, 4 + i * 2), 16)
  return out
}
function toAddress(bytes: Uint8Array): Address {
  let hex = '0x'
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex as Address
}

export class WasmRuntime {
  readonly cache: ModuleCache

  constructor(cache = new ModuleCache()) {
    this.cache = cache
  }

  run(input: WasmFrameInput, host: WasmHost): WasmFrameResult {
    const info = this.cache.describe(input.codeHash, input.module)
    const fixedGas = WASM_CALL_BASE_GAS + GAS_PER_INITIAL_PAGE * BigInt(info.initialPages)
    if (input.gas < fixedGas) return { status: 'halt', output: new Uint8Array(), gasLeft: 0n, haltReason: 'OutOfGas' }
    // No constructor: nothing runs at deployment, and compilation stays in the background.
    if (input.entry === 'deploy' && !info.hasDeploy)
      return { status: 'success', output: new Uint8Array(), gasLeft: input.gas - fixedGas }
    const prepared = this.cache.get(input.codeHash, input.module)

    let memory: WebAssembly.Memory | undefined
    let inkGlobal: WebAssembly.Global | undefined
    let stackGlobal: WebAssembly.Global | undefined
    let returnData: Uint8Array = new Uint8Array()

    const view = (ptr: number, length: number): Uint8Array => {
      const buffer = memory!.buffer
      if (ptr < 0 || length < 0 || ptr + length > buffer.byteLength)
        throw new FrameExit('halt', new Uint8Array(), 'MemoryOutOfBounds')
      return new Uint8Array(buffer, ptr, length)
    }
    const gasLeft = () => (inkGlobal!.value as bigint) / INK_PER_GAS
    const charge = (gas: bigint) => {
      const ink = gas * INK_PER_GAS
      const left = inkGlobal!.value as bigint
      if (left < ink) {
        inkGlobal!.value = 0n
        throw new FrameExit('halt', new Uint8Array(), 'OutOfGas')
      }
      inkGlobal!.value = left - ink
    }
    /** Charges the flat host-call price, then answers. */
    const charged = <T>(answer: () => T): T => {
      charge(HOST_CALL_GAS)
      return answer()
    }
    const notStatic = (what: string) => {
      if (input.isStatic) throw new FrameExit('halt', new Uint8Array(), `StaticStateChange: ${what} in a static call`)
    }
    const readWord = (ptr: number) => toBig(view(ptr, 32))
    const writeWord = (ptr: number, value: bigint) => toWord(value, view(ptr, 32), 0)
    const writeAddress = (ptr: number, address: Address) => view(ptr, 20).set(addressBytes(address))

    const env: Record<string, (...args: never[]) => unknown> = {
      calldata_size: () => {
        charge(HOST_CALL_GAS)
        return input.calldata.length
      },
      calldata_copy: (dest: number, offset: number, length: number) => {
        charge(HOST_CALL_GAS + WORD_COPY_GAS * words(length))
        const target = view(dest, length)
        target.fill(0)
        if (offset < input.calldata.length)
          target.set(input.calldata.subarray(offset, Math.min(offset + length, input.calldata.length)))
      },
      finish: (ptr: number, length: number) => {
        charge(WORD_COPY_GAS * words(length))
        throw new FrameExit('success', view(ptr, length).slice())
      },
      revert: (ptr: number, length: number) => {
        charge(WORD_COPY_GAS * words(length))
        throw new FrameExit('revert', view(ptr, length).slice())
      },
      storage_load: (keyPtr: number, outPtr: number) => {
        const { value, gas } = host.sload(readWord(keyPtr))
        charge(gas)
        writeWord(outPtr, value)
      },
      storage_store: (keyPtr: number, valuePtr: number) => {
        notStatic('storage_store')
        const { gas } = host.sstore(readWord(keyPtr), readWord(valuePtr), gasLeft())
        charge(gas)
      },
      transient_load: (keyPtr: number, outPtr: number) => {
        charge(100n)
        writeWord(outPtr, host.tload(readWord(keyPtr)))
      },
      transient_store: (keyPtr: number, valuePtr: number) => {
        notStatic('transient_store')
        charge(100n)
        host.tstore(readWord(keyPtr), readWord(valuePtr))
      },
      call: (addressPtr: number, valuePtr: number, dataPtr: number, dataLength: number, gas: bigint) => {
        const value = readWord(valuePtr)
        if (value !== 0n) notStatic('call with value')
        return nestedCall('call', addressPtr, value, dataPtr, dataLength, gas)
      },
      static_call: (addressPtr: number, dataPtr: number, dataLength: number, gas: bigint) =>
        nestedCall('staticcall', addressPtr, 0n, dataPtr, dataLength, gas),
      delegate_call: (addressPtr: number, dataPtr: number, dataLength: number, gas: bigint) =>
        nestedCall('delegatecall', addressPtr, 0n, dataPtr, dataLength, gas),
      return_data_size: () => {
        charge(HOST_CALL_GAS)
        return returnData.length
      },
      return_data_copy: (dest: number, offset: number, length: number) => {
        charge(HOST_CALL_GAS + WORD_COPY_GAS * words(length))
        if (offset + length > returnData.length) throw new FrameExit('halt', new Uint8Array(), 'ReturnDataOutOfBounds')
        view(dest, length).set(returnData.subarray(offset, offset + length))
      },
      create: (valuePtr: number, codePtr: number, codeLength: number, saltPtr: number, outPtr: number) => {
        notStatic('create')
        const result = host.create({
          value: readWord(valuePtr),
          initCode: view(codePtr, codeLength).slice(),
          salt: saltPtr === 0 ? undefined : readWord(saltPtr),
          gasLeft: gasLeft(),
          wasmStackLeft: stackGlobal!.value as number,
        })
        charge(result.gasUsed)
        returnData = result.returnData
        view(outPtr, 20).set(result.address ? addressBytes(result.address) : new Uint8Array(20))
        return result.address ? 0 : 1
      },
      log: (topicsPtr: number, topicCount: number, dataPtr: number, dataLength: number) => {
        notStatic('log')
        if (topicCount < 0 || topicCount > 4)
          throw new FrameExit('halt', new Uint8Array(), `InvalidLog: ${topicCount} topics (0..4 allowed)`)
        charge(LOG_GAS + LOG_TOPIC_GAS * BigInt(topicCount) + LOG_BYTE_GAS * BigInt(dataLength))
        const topics = Array.from({ length: topicCount }, (_, i) => view(topicsPtr + i * 32, 32).slice())
        host.log(topics, view(dataPtr, dataLength).slice())
      },
      caller: (out: number) => charged(() => writeAddress(out, host.context().caller)),
      call_value: (out: number) => charged(() => writeWord(out, host.context().callValue)),
      address: (out: number) => charged(() => writeAddress(out, host.context().address)),
      origin: (out: number) => charged(() => writeAddress(out, host.context().origin)),
      balance: (addressPtr: number, out: number) => {
        const { value, gas } = host.balance(toAddress(view(addressPtr, 20)))
        charge(gas)
        writeWord(out, value)
      },
      block_number: () => charged(() => host.context().blockNumber),
      block_timestamp: () => charged(() => host.context().timestamp),
      chain_id: () => charged(() => host.context().chainId),
      block_coinbase: (out: number) => charged(() => writeAddress(out, host.context().coinbase)),
      base_fee: (out: number) => charged(() => writeWord(out, host.context().baseFee)),
      gas_price: (out: number) => charged(() => writeWord(out, host.context().gasPrice)),
      keccak256: (ptr: number, length: number, out: number) => {
        charge(KECCAK_GAS + KECCAK_WORD_GAS * words(length))
        view(out, 32).set(keccak256(view(ptr, length)))
      },
      gas_left: () => charged(() => gasLeft()),
    }
    const nestedCall = (
      kind: CallKind,
      addressPtr: number,
      value: bigint,
      dataPtr: number,
      dataLength: number,
      gas: bigint,
    ) => {
      charge(HOST_CALL_GAS)
      const result = host.call({
        kind,
        to: toAddress(view(addressPtr, 20)),
        value,
        data: view(dataPtr, dataLength).slice(),
        gas: BigInt.asUintN(64, gas),
        gasLeft: gasLeft(),
        wasmStackLeft: stackGlobal!.value as number,
      })
      charge(result.gasUsed)
      returnData = result.returnData
      return result.success ? 0 : 1
    }
    for (const name of Object.keys(HOST_FUNCTIONS))
      if (!(name in env)) throw new WasmHostFatalError(`host function ${name} is not bound`)

    const instance = new WebAssembly.Instance(prepared.module, { [HOST_MODULE]: env })
    const exports = instance.exports as Record<string, unknown>
    memory = exports.memory as WebAssembly.Memory
    inkGlobal = exports[INK_GLOBAL_EXPORT] as WebAssembly.Global
    stackGlobal = exports[STACK_GLOBAL_EXPORT] as WebAssembly.Global
    const trapGlobal = exports[TRAP_GLOBAL_EXPORT] as WebAssembly.Global
    inkGlobal.value = (input.gas - fixedGas) * INK_PER_GAS
    stackGlobal.value = input.wasmStackLeft

    const finish = (status: WasmFrameResult['status'], output: Uint8Array, reason?: string): WasmFrameResult => {
      const left = status === 'halt' ? 0n : (inkGlobal!.value as bigint) / INK_PER_GAS
      return reason ? { status, output, gasLeft: left, haltReason: reason } : { status, output, gasLeft: left }
    }
    try {
      if (typeof exports._initialize === 'function') (exports._initialize as () => void)()
      ;(exports[input.entry === 'deploy' ? DEPLOY_EXPORT : ENTRY_EXPORT] as () => void)()
      return finish('success', new Uint8Array())
    } catch (error) {
      if (error instanceof FrameExit) return finish(error.status, error.output, error.reason)
      if (error instanceof WasmHostFatalError) throw error
      if (error instanceof WebAssembly.RuntimeError) {
        const trap = trapGlobal.value as number
        if (trap === TRAP_OUT_OF_INK) return finish('halt', new Uint8Array(), 'OutOfGas')
        if (trap === TRAP_STACK_EXHAUSTED) return finish('halt', new Uint8Array(), 'StackOverflow')
        return finish('halt', new Uint8Array(), `WasmTrap: ${error.message}`)
      }
      // RangeError (host stack), out-of-memory or a bug in a host function: not a contract outcome.
      throw new WasmHostFatalError(`WASM frame failed in the host, not in the contract: ${(error as Error).message}`)
    }
  }
}
