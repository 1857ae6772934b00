import { keccak256 } from '@spnkit/crypto'
import type { Address } from '../types.ts'
import { stepGasOf } from './analysis.ts'
import {
  CALL,
  CALLCODE,
  CREATE,
  CREATE2,
  DELEGATECALL,
  EMPTY,
  type Env,
  EXIT_HALT,
  EXIT_REVERT,
  EXIT_SUCCESS,
  EXIT_SUSPEND,
  EXIT_YIELD,
  type Frame,
  STATICCALL,
} from './frame.ts'
import { DEFINED, STACK_IN, STACK_OUT } from './opcodes.ts'
import { sstoreGas } from './storage-gas.ts'
import {
  add,
  byteOf,
  copyWord,
  eq,
  fromAddress,
  fromBig,
  isZero,
  loadBytes32,
  loadBytesN,
  lt,
  mul,
  sar,
  setSmall,
  setSmallSigned,
  setZero,
  shiftAmount,
  shl,
  shr,
  signExtend,
  slt,
  storeBytes32,
  sub,
  toAddress,
  toBig,
  toNum,
  toSmallSigned,
} from './word.ts'

const MAX_CODE_SIZE = 24576
const MAX_INITCODE_SIZE = 2 * MAX_CODE_SIZE
const CALL_DEPTH_LIMIT = 1024
// Memory beyond 128 MiB would cost over 3.4e10 gas: treat it as out of gas without allocating.
// (Only absurd gas limits could pay for more; no chain block can.)
const MAX_MEMORY_END = 0x8000000
const U256 = (1n << 256n) - 1n
const SIGN_BIT = 1n << 255n
const MAX_NONCE = (1n << 64n) - 1n

export { MAX_CODE_SIZE, MAX_INITCODE_SIZE }

function memCost(words: number): number {
  return 3 * words + Math.floor((words * words) / 512)
}

/** Gas to grow memory so that byte `end - 1` is addressable (Infinity when absurdly large). */
// Exported (with grow) for the compiled tier (jit/), which inlines memory access the same way.
export function expansionCost(f: Frame, end: number): number {
  if (end <= f.memSize) return 0
  if (end > MAX_MEMORY_END) return Number.POSITIVE_INFINITY
  return memCost(Math.ceil(end / 32)) - memCost(f.memSize / 32)
}

export function grow(f: Frame, end: number): void {
  if (end <= f.memSize) return
  const newSize = Math.ceil(end / 32) * 32
  if (newSize > f.mem.length) {
    let cap = f.mem.length === 0 ? 1024 : f.mem.length * 2
    while (cap < newSize) cap *= 2
    const m = new Uint8Array(cap)
    m.set(f.mem.subarray(0, f.memSize))
    f.mem = m
    f.memView = new DataView(m.buffer)
    f.memDirty = 0
  } else if (f.memSize < f.memDirty) f.mem.fill(0, f.memSize, Math.min(newSize, f.memDirty))
  f.memSize = newSize
}

/** Copies `size` bytes of `src` from `srcPos` into memory at `dst`, zero-filling past the source's end. */
function copyToMemory(f: Frame, dst: number, src: Uint8Array, srcPos: number, size: number): void {
  const avail = srcPos >= src.length ? 0 : Math.min(size, src.length - srcPos)
  if (avail > 0) f.mem.set(src.subarray(srcPos, srcPos + avail), dst)
  if (avail < size) f.mem.fill(0, dst + avail, dst + size)
}

function words(size: number): number {
  return Math.ceil(size / 32)
}

function toSigned(v: bigint): bigint {
  return v >= SIGN_BIT ? v - (1n << 256n) : v
}

function toUnsigned(v: bigint): bigint {
  return v < 0n ? v + (1n << 256n) : v
}

function expMod(base: bigint, exp: bigint): bigint {
  let result = 1n
  let b = base
  let e = exp
  while (e > 0n) {
    if (e & 1n) result = (result * b) & U256
    e >>= 1n
    if (e > 0n) b = (b * b) & U256
  }
  return result
}

function rlpNonce(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array([0x80])
  if (n < 0x80n) return new Uint8Array([Number(n)])
  const hex = n.toString(16)
  const len = Math.ceil(hex.length / 2)
  const out = new Uint8Array(len + 1)
  out[0] = 0x80 + len
  let v = n
  for (let i = len; i >= 1; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

export function addressBytes(a: Address): Uint8Array {
  const out = new Uint8Array(20)
  for (let i = 0; i < 20; i++) out[i] = Number.parseInt(a.slice(2 + 2 * i, 4 + 2 * i), 16)
  return out
}

function bytesToAddress(b: Uint8Array, from: number): Address {
  let out = '0x'
  for (let i = from; i < from + 20; i++) out += b[i]!.toString(16).padStart(2, '0')
  return out as Address
}

/** CREATE address: keccak256(rlp([sender, nonce]))[12:]. */
export function createAddress(sender: Address, nonce: bigint): Address {
  const n = rlpNonce(nonce)
  const body = new Uint8Array(1 + 21 + n.length)
  body[0] = 0xc0 + 21 + n.length
  body[1] = 0x94
  body.set(addressBytes(sender), 2)
  body.set(n, 22)
  return bytesToAddress(keccak256(body), 12)
}

/** CREATE2 address: keccak256(0xff ‖ sender ‖ salt ‖ keccak256(initcode))[12:]. */
export function create2Address(sender: Address, salt: Uint8Array, initcode: Uint8Array): Address {
  const body = new Uint8Array(85)
  body[0] = 0xff
  body.set(addressBytes(sender), 1)
  body.set(salt, 21)
  body.set(keccak256(initcode), 53)
  return bytesToAddress(keccak256(body), 12)
}

const PRECOMPILE_PREFIX = '0x00000000000000000000000000000000000000'

/** The precompile number at `address` (1..255) or 0. */
export function precompileIndex(env: Env, address: Address): number {
  if (!address.startsWith(PRECOMPILE_PREFIX)) return 0
  const n = Number.parseInt(address.slice(40), 16)
  return env.precompiles.has(n) ? n : 0
}

function halt(f: Frame, reason: string): number {
  f.haltReason = reason
  f.gas = 0
  return EXIT_HALT
}

/** callOp's result when no child runs: the frame continues at the next instruction. */
export const CALL_CONTINUES = EXIT_YIELD

/**
 * CALL / CALLCODE / DELEGATECALL / STATICCALL at `pc`, with the stack height `sp` and `gas` left
 * (its static cost already paid). Returns EXIT_SUSPEND (the child message is in f.pending; pc/sp/gas
 * are synced to resume after it), EXIT_HALT, or CALL_CONTINUES when no child runs (depth limit or
 * insufficient balance: 0 pushed, f.sp and f.gas synced). Shared with the compiled tier.
 */
export function callOp(env: Env, f: Frame, op: number, pc: number, sp: number, gas: number): number {
  const s = f.stack
  const msg = f.msg
  const world = env.world
  const self = f.account
  const t = (sp - 1) << 3
  const hasValue = op === CALL || op === CALLCODE
  const requested = toNum(s, t)
  const to = toAddress(s, t - 8)
  let o = t - 16
  let value = 0n
  if (hasValue) {
    value = toBig(s, o)
    o -= 8
  }
  const inOff = toNum(s, o)
  const inSize = toNum(s, o - 8)
  const outOff = toNum(s, o - 16)
  const outSize = toNum(s, o - 24)
  sp -= hasValue ? 7 : 6
  if (op === CALL && msg.isStatic && value !== 0n) {
    f.pc = pc
    return halt(f, 'WriteProtection')
  }
  let end = 0
  if (inSize !== 0) end = inOff + inSize
  if (outSize !== 0 && outOff + outSize > end) end = outOff + outSize
  let cost = expansionCost(f, end)
  if (!world.warmAddress(to)) cost += 2500
  if (value !== 0n) {
    cost += 9000
    if (op === CALL) {
      const target = world.account(to)
      if (!target.exists || target.isEmpty()) cost += 25000
    }
  }
  if (!(gas >= cost)) {
    f.pc = pc
    return halt(f, 'OutOfGas')
  }
  gas -= cost
  grow(f, end)
  const available = gas - Math.floor(gas / 64)
  let childGas = Math.min(requested, available)
  gas -= childGas
  if (value !== 0n) childGas += 2300
  f.returnData = EMPTY
  if (msg.depth >= CALL_DEPTH_LIMIT || (value !== 0n && self.balance < value)) {
    gas += childGas
    setZero(s, sp << 3)
    f.sp = sp + 1
    f.gas = gas
    return CALL_CONTINUES
  }
  const input = inSize === 0 ? EMPTY : f.mem.slice(inOff, inOff + inSize)
  f.pending = {
    kind: op,
    caller: op === DELEGATECALL ? msg.caller : msg.address,
    address: op === CALL || op === STATICCALL ? to : msg.address,
    codeAddress: to,
    value: op === DELEGATECALL ? msg.value : value,
    transfer: op === CALL,
    input,
    gas: childGas,
    isStatic: msg.isStatic || op === STATICCALL,
    depth: msg.depth + 1,
    retOffset: outOff,
    retSize: outSize,
  }
  f.pc = pc + 1
  f.sp = sp
  f.gas = gas
  return EXIT_SUSPEND
}

/**
 * Runs `f` until it returns, reverts, halts or suspends on a CALL/CREATE. Never throws on any
 * bytecode: every failure is an exceptional halt with a reason.
 */
export function interpret(env: Env, f: Frame): number {
  const a = f.analysis
  const code = a.code
  const codeLen = a.length
  const jumpdests = a.jumpdests
  const tracer = env.tracer
  const blockGas = tracer === undefined ? a.blockGas : stepGasOf(a)
  const s = f.stack
  const world = env.world
  const msg = f.msg
  const self = f.account
  let pc = f.pc
  let sp = f.sp
  let gas = f.gas

  for (;;) {
    const op = code[pc]!
    const g = blockGas[pc]!
    // A tracer returning true stops before this instruction (the compiled tier steps one instruction this way).
    if (tracer !== undefined && tracer(f, pc, op, gas, g, sp) === true) {
      f.pc = pc
      f.sp = sp
      f.gas = gas
      return EXIT_YIELD
    }
    if (g !== 0) {
      if (gas < g) {
        f.pc = pc
        return halt(f, 'OutOfGas')
      }
      gas -= g
    }
    if (sp < STACK_IN[op]!) {
      f.pc = pc
      return DEFINED[op] ? halt(f, 'StackUnderflow') : halt(f, 'InvalidOpcode')
    }
    if (sp - STACK_IN[op]! + STACK_OUT[op]! > 1024) {
      f.pc = pc
      return halt(f, 'StackOverflow')
    }
    const t = (sp - 1) << 3
    switch (op) {
      case 0x00: // STOP
        f.gas = gas
        f.output = EMPTY
        return EXIT_SUCCESS
      case 0x01:
        add(s, t, t - 8, t - 8)
        sp--
        pc++
        break
      case 0x02:
        mul(s, t, t - 8, t - 8)
        sp--
        pc++
        break
      case 0x03:
        sub(s, t, t - 8, t - 8)
        sp--
        pc++
        break
      case 0x04: {
        // DIV
        const x = toNum(s, t)
        const y = toNum(s, t - 8)
        if (y === 0 && isZero(s, t - 8)) setZero(s, t - 8)
        else if (x !== Number.MAX_SAFE_INTEGER && y !== Number.MAX_SAFE_INTEGER) setSmall(s, t - 8, Math.floor(x / y))
        else fromBig(s, t - 8, toBig(s, t) / toBig(s, t - 8))
        sp--
        pc++
        break
      }
      case 0x05: {
        // SDIV
        const x = toSmallSigned(s, t)
        const y = toSmallSigned(s, t - 8)
        if (y === 0) setZero(s, t - 8)
        else if (!Number.isNaN(x) && !Number.isNaN(y)) setSmallSigned(s, t - 8, Math.trunc(x / y))
        else {
          const d = toBig(s, t - 8)
          if (d === 0n) setZero(s, t - 8)
          else fromBig(s, t - 8, toUnsigned(toSigned(toBig(s, t)) / toSigned(d)) & U256)
        }
        sp--
        pc++
        break
      }
      case 0x06: {
        // MOD
        const x = toNum(s, t)
        const y = toNum(s, t - 8)
        if (y === 0 && isZero(s, t - 8)) setZero(s, t - 8)
        else if (x !== Number.MAX_SAFE_INTEGER && y !== Number.MAX_SAFE_INTEGER) setSmall(s, t - 8, x % y)
        else fromBig(s, t - 8, toBig(s, t) % toBig(s, t - 8))
        sp--
        pc++
        break
      }
      case 0x07: {
        // SMOD
        const x = toSmallSigned(s, t)
        const y = toSmallSigned(s, t - 8)
        if (y === 0) setZero(s, t - 8)
        else if (!Number.isNaN(x) && !Number.isNaN(y)) setSmallSigned(s, t - 8, x % y)
        else {
          const d = toBig(s, t - 8)
          if (d === 0n) setZero(s, t - 8)
          else fromBig(s, t - 8, toUnsigned(toSigned(toBig(s, t)) % toSigned(d)))
        }
        sp--
        pc++
        break
      }
      case 0x08: {
        // ADDMOD
        const m = toBig(s, t - 16)
        if (m === 0n) setZero(s, t - 16)
        else fromBig(s, t - 16, (toBig(s, t) + toBig(s, t - 8)) % m)
        sp -= 2
        pc++
        break
      }
      case 0x09: {
        // MULMOD
        const m = toBig(s, t - 16)
        if (m === 0n) setZero(s, t - 16)
        else fromBig(s, t - 16, (toBig(s, t) * toBig(s, t - 8)) % m)
        sp -= 2
        pc++
        break
      }
      case 0x0a: {
        // EXP
        let top = 7
        while (top >= 0 && s[t - 8 + top] === 0) top--
        let bytes = 0
        if (top >= 0) {
          const x = s[t - 8 + top]!
          bytes = top * 4 + (x >= 0x1000000 ? 4 : x >= 0x10000 ? 3 : x >= 0x100 ? 2 : 1)
        }
        const cost = 50 * bytes
        if (gas < cost) {
          f.pc = pc
          return halt(f, 'OutOfGas')
        }
        gas -= cost
        if (bytes === 0) setSmall(s, t - 8, 1)
        else fromBig(s, t - 8, expMod(toBig(s, t), toBig(s, t - 8)))
        sp--
        pc++
        break
      }
      case 0x0b: {
        const b = toNum(s, t)
        signExtend(s, Math.min(b, 31), t - 8)
        sp--
        pc++
        break
      }
      case 0x10:
        setSmall(s, t - 8, lt(s, t, t - 8) ? 1 : 0)
        sp--
        pc++
        break
      case 0x11:
        setSmall(s, t - 8, lt(s, t - 8, t) ? 1 : 0)
        sp--
        pc++
        break
      case 0x12:
        setSmall(s, t - 8, slt(s, t, t - 8) ? 1 : 0)
        sp--
        pc++
        break
      case 0x13:
        setSmall(s, t - 8, slt(s, t - 8, t) ? 1 : 0)
        sp--
        pc++
        break
      case 0x14:
        setSmall(s, t - 8, eq(s, t, t - 8) ? 1 : 0)
        sp--
        pc++
        break
      case 0x15:
        setSmall(s, t, isZero(s, t) ? 1 : 0)
        pc++
        break
      case 0x16:
        for (let i = 0; i < 8; i++) s[t - 8 + i] = s[t + i]! & s[t - 8 + i]!
        sp--
        pc++
        break
      case 0x17:
        for (let i = 0; i < 8; i++) s[t - 8 + i] = s[t + i]! | s[t - 8 + i]!
        sp--
        pc++
        break
      case 0x18:
        for (let i = 0; i < 8; i++) s[t - 8 + i] = s[t + i]! ^ s[t - 8 + i]!
        sp--
        pc++
        break
      case 0x19:
        for (let i = 0; i < 8; i++) s[t + i] = ~s[t + i]!
        pc++
        break
      case 0x1a: {
        const i = toNum(s, t)
        byteOf(s, Math.min(i, 32), t - 8)
        sp--
        pc++
        break
      }
      case 0x1b:
        shl(s, shiftAmount(s, t), t - 8)
        sp--
        pc++
        break
      case 0x1c:
        shr(s, shiftAmount(s, t), t - 8)
        sp--
        pc++
        break
      case 0x1d:
        sar(s, shiftAmount(s, t), t - 8)
        sp--
        pc++
        break
      case 0x20: {
        // KECCAK256
        const size = toNum(s, t - 8)
        let hash: Uint8Array
        if (size === 0) hash = keccak256(EMPTY)
        else {
          const off = toNum(s, t)
          const cost = 6 * words(size) + expansionCost(f, off + size)
          if (!(gas >= cost)) {
            f.pc = pc
            return halt(f, 'OutOfGas')
          }
          gas -= cost
          grow(f, off + size)
          hash = keccak256(f.mem.subarray(off, off + size))
        }
        loadBytes32(s, t - 8, hash, 0)
        sp--
        pc++
        break
      }
      case 0x30:
        fromAddress(s, t + 8, msg.address)
        sp++
        pc++
        break
      case 0x31: {
        // BALANCE
        const addr = toAddress(s, t)
        if (!world.warmAddress(addr)) {
          if (gas < 2500) {
            f.pc = pc
            return halt(f, 'OutOfGas')
          }
          gas -= 2500
        }
        fromBig(s, t, world.account(addr).balance)
        pc++
        break
      }
      case 0x32:
        fromAddress(s, t + 8, env.tx.origin)
        sp++
        pc++
        break
      case 0x33:
        fromAddress(s, t + 8, msg.caller)
        sp++
        pc++
        break
      case 0x34:
        fromBig(s, t + 8, msg.value)
        sp++
        pc++
        break
      case 0x35: {
        const off = toNum(s, t)
        loadBytes32(s, t, msg.input, off)
        pc++
        break
      }
      case 0x36:
        setSmall(s, t + 8, msg.input.length)
        sp++
        pc++
        break
      case 0x37: // CALLDATACOPY
      case 0x39: // CODECOPY
      case 0x3e: {
        // RETURNDATACOPY
        const dst = toNum(s, t)
        const srcOff = toNum(s, t - 8)
        const size = toNum(s, t - 16)
        sp -= 3
        if (op === 0x3e && srcOff + size > f.returnData.length) {
          f.pc = pc
          return halt(f, 'ReturnDataOutOfBounds')
        }
        if (size !== 0) {
          const cost = 3 * words(size) + expansionCost(f, dst + size)
          if (!(gas >= cost)) {
            f.pc = pc
            return halt(f, 'OutOfGas')
          }
          gas -= cost
          grow(f, dst + size)
          const src = op === 0x37 ? msg.input : op === 0x39 ? code.subarray(0, codeLen) : f.returnData
          copyToMemory(f, dst, src, srcOff, size)
        }
        pc++
        break
      }
      case 0x38:
        setSmall(s, t + 8, codeLen)
        sp++
        pc++
        break
      case 0x3a:
        fromBig(s, t + 8, env.tx.gasPrice)
        sp++
        pc++
        break
      case 0x3b: {
        // EXTCODESIZE
        const addr = toAddress(s, t)
        if (!world.warmAddress(addr)) {
          if (gas < 2500) {
            f.pc = pc
            return halt(f, 'OutOfGas')
          }
          gas -= 2500
        }
        setSmall(s, t, world.account(addr).code.length)
        pc++
        break
      }
      case 0x3c: {
        // EXTCODECOPY
        const addr = toAddress(s, t)
        const dst = toNum(s, t - 8)
        const srcOff = toNum(s, t - 16)
        const size = toNum(s, t - 24)
        sp -= 4
        let cost = world.warmAddress(addr) ? 0 : 2500
        if (size !== 0) cost += 3 * words(size) + expansionCost(f, dst + size)
        if (!(gas >= cost)) {
          f.pc = pc
          return halt(f, 'OutOfGas')
        }
        gas -= cost
        if (size !== 0) {
          grow(f, dst + size)
          copyToMemory(f, dst, world.account(addr).code, srcOff, size)
        }
        pc++
        break
      }
      case 0x3d:
        setSmall(s, t + 8, f.returnData.length)
        sp++
        pc++
        break
      case 0x3f: {
        // EXTCODEHASH
        const addr = toAddress(s, t)
        if (!world.warmAddress(addr)) {
          if (gas < 2500) {
            f.pc = pc
            return halt(f, 'OutOfGas')
          }
          gas -= 2500
        }
        const acct = world.account(addr)
        if (!acct.exists || acct.isEmpty()) setZero(s, t)
        else loadBytes32(s, t, acct.codeHash, 0)
        pc++
        break
      }
      case 0x40: {
        // BLOCKHASH
        const n = toBig(s, t)
        const current = env.block.number
        if (n < current && n + 256n >= current) loadBytes32(s, t, env.block.blockHash(n), 0)
        else setZero(s, t)
        pc++
        break
      }
      case 0x41:
        fromAddress(s, t + 8, env.block.coinbase)
        sp++
        pc++
        break
      case 0x42:
        fromBig(s, t + 8, env.block.timestamp)
        sp++
        pc++
        break
      case 0x43:
        fromBig(s, t + 8, env.block.number)
        sp++
        pc++
        break
      case 0x44:
        fromBig(s, t + 8, env.block.prevRandao)
        sp++
        pc++
        break
      case 0x45:
        fromBig(s, t + 8, env.block.gasLimit)
        sp++
        pc++
        break
      case 0x46:
        fromBig(s, t + 8, env.block.chainId)
        sp++
        pc++
        break
      case 0x47:
        fromBig(s, t + 8, self.balance)
        sp++
        pc++
        break
      case 0x48:
        fromBig(s, t + 8, env.block.baseFee)
        sp++
        pc++
        break
      case 0x49: {
        const i = toNum(s, t)
        const hashes = env.tx.blobHashes
        if (i < hashes.length) loadBytes32(s, t, hashes[i]!, 0)
        else setZero(s, t)
        pc++
        break
      }
      case 0x4a:
        fromBig(s, t + 8, env.blobBaseFee)
        sp++
        pc++
        break
      case 0x50:
        sp--
        pc++
        break
      case 0x51: {
        // MLOAD
        const off = toNum(s, t)
        const end = off + 32
        if (end > f.memSize) {
          const cost = expansionCost(f, end)
          if (!(gas >= cost)) {
            f.pc = pc
            return halt(f, 'OutOfGas')
          }
          gas -= cost
          grow(f, end)
        }
        loadBytes32(s, t, f.mem, off)
        pc++
        break
      }
      case 0x52: {
        // MSTORE
        const off = toNum(s, t)
        const end = off + 32
        if (end > f.memSize) {
          const cost = expansionCost(f, end)
          if (!(gas >= cost)) {
            f.pc = pc
            return halt(f, 'OutOfGas')
          }
          gas -= cost
          grow(f, end)
        }
        storeBytes32(s, t - 8, f.mem, off)
        sp -= 2
        pc++
        break
      }
      case 0x53: {
        // MSTORE8
        const off = toNum(s, t)
        const end = off + 1
        if (end > f.memSize) {
          const cost = expansionCost(f, end)
          if (!(gas >= cost)) {
            f.pc = pc
            return halt(f, 'OutOfGas')
          }
          gas -= cost
          grow(f, end)
        }
        f.mem[off] = s[t - 8]! & 0xff
        sp -= 2
        pc++
        break
      }
      case 0x54: {
        // SLOAD
        const slot = toBig(s, t)
        const cost = world.warmSlot(msg.address, slot) ? 100 : 2100
        if (gas < cost) {
          f.pc = pc
          return halt(f, 'OutOfGas')
        }
        gas -= cost
        fromBig(s, t, self.getStorage(slot))
        pc++
        break
      }
      case 0x55: {
        // SSTORE (EIP-2200 / 2929 / 3529)
        if (msg.isStatic) {
          f.pc = pc
          return halt(f, 'WriteProtection')
        }
        if (gas <= 2300) {
          f.pc = pc
          return halt(f, 'OutOfGas')
        }
        const slot = toBig(s, t)
        const value = toBig(s, t - 8)
        sp -= 2
        const cost = sstoreGas(world, self, slot, value)
        if (gas < cost) {
          f.pc = pc
          return halt(f, 'OutOfGas')
        }
        gas -= cost
        if (self.getStorage(slot) !== value) world.setStorage(self, slot, value)
        pc++
        break
      }
      case 0x56: {
        // JUMP
        const dest = toNum(s, t)
        sp--
        if (dest >= codeLen || jumpdests[dest] === 0) {
          f.pc = pc
          return halt(f, 'InvalidJump')
        }
        pc = dest
        break
      }
      case 0x57: {
        // JUMPI
        if (isZero(s, t - 8)) {
          sp -= 2
          pc++
          break
        }
        const dest = toNum(s, t)
        sp -= 2
        if (dest >= codeLen || jumpdests[dest] === 0) {
          f.pc = pc
          return halt(f, 'InvalidJump')
        }
        pc = dest
        break
      }
      case 0x58:
        setSmall(s, t + 8, pc)
        sp++
        pc++
        break
      case 0x59:
        setSmall(s, t + 8, f.memSize)
        sp++
        pc++
        break
      case 0x5a:
        setSmall(s, t + 8, gas)
        sp++
        pc++
        break
      case 0x5b:
        pc++
        break
      case 0x5c: {
        fromBig(s, t, world.getTransient(msg.address, toBig(s, t)))
        pc++
        break
      }
      case 0x5d: {
        if (msg.isStatic) {
          f.pc = pc
          return halt(f, 'WriteProtection')
        }
        world.setTransient(msg.address, toBig(s, t), toBig(s, t - 8))
        sp -= 2
        pc++
        break
      }
      case 0x5e: {
        // MCOPY
        const dst = toNum(s, t)
        const src = toNum(s, t - 8)
        const size = toNum(s, t - 16)
        sp -= 3
        if (size !== 0) {
          const end = Math.max(dst, src) + size
          const cost = 3 * words(size) + expansionCost(f, end)
          if (!(gas >= cost)) {
            f.pc = pc
            return halt(f, 'OutOfGas')
          }
          gas -= cost
          grow(f, end)
          f.mem.copyWithin(dst, src, src + size)
        }
        pc++
        break
      }
      case 0x5f:
        setZero(s, t + 8)
        sp++
        pc++
        break
      case 0x60:
        setSmall(s, t + 8, code[pc + 1]!)
        sp++
        pc += 2
        break
      case 0x61:
        setSmall(s, t + 8, (code[pc + 1]! << 8) | code[pc + 2]!)
        sp++
        pc += 3
        break
      case 0x62:
      case 0x63:
      case 0x64:
      case 0x65:
      case 0x66:
      case 0x67:
      case 0x68:
      case 0x69:
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x6d:
      case 0x6e:
      case 0x6f:
      case 0x70:
      case 0x71:
      case 0x72:
      case 0x73:
      case 0x74:
      case 0x75:
      case 0x76:
      case 0x77:
      case 0x78:
      case 0x79:
      case 0x7a:
      case 0x7b:
      case 0x7c:
      case 0x7d:
      case 0x7e:
      case 0x7f: {
        const n = op - 0x5f
        loadBytesN(s, t + 8, code, pc + 1, n)
        sp++
        pc += n + 1
        break
      }
      case 0x80:
      case 0x81:
      case 0x82:
      case 0x83:
      case 0x84:
      case 0x85:
      case 0x86:
      case 0x87:
      case 0x88:
      case 0x89:
      case 0x8a:
      case 0x8b:
      case 0x8c:
      case 0x8d:
      case 0x8e:
      case 0x8f:
        copyWord(s, (sp - (op - 0x7f)) << 3, sp << 3)
        sp++
        pc++
        break
      case 0x90:
      case 0x91:
      case 0x92:
      case 0x93:
      case 0x94:
      case 0x95:
      case 0x96:
      case 0x97:
      case 0x98:
      case 0x99:
      case 0x9a:
      case 0x9b:
      case 0x9c:
      case 0x9d:
      case 0x9e:
      case 0x9f: {
        const o = t - ((op - 0x8f) << 3)
        for (let i = 0; i < 8; i++) {
          const x = s[t + i]!
          s[t + i] = s[o + i]!
          s[o + i] = x
        }
        pc++
        break
      }
      case 0xa0:
      case 0xa1:
      case 0xa2:
      case 0xa3:
      case 0xa4: {
        if (msg.isStatic) {
          f.pc = pc
          return halt(f, 'WriteProtection')
        }
        const n = op - 0xa0
        const off = toNum(s, t)
        const size = toNum(s, t - 8)
        let data = EMPTY
        if (size !== 0) {
          const cost = 8 * size + expansionCost(f, off + size)
          if (!(gas >= cost)) {
            f.pc = pc
            return halt(f, 'OutOfGas')
          }
          gas -= cost
          grow(f, off + size)
          data = f.mem.slice(off, off + size)
        }
        const topics: Uint8Array[] = []
        for (let i = 0; i < n; i++) {
          const b = new Uint8Array(32)
          storeBytes32(s, t - 16 - 8 * i, b, 0)
          topics.push(b)
        }
        world.addLog({ address: msg.address, topics, data })
        sp -= 2 + n
        pc++
        break
      }
      case 0xf0:
      case 0xf5: {
        // CREATE / CREATE2
        if (msg.isStatic) {
          f.pc = pc
          return halt(f, 'WriteProtection')
        }
        const value = toBig(s, t)
        const off = toNum(s, t - 8)
        const size = toNum(s, t - 16)
        let salt = EMPTY
        if (op === 0xf5) {
          salt = new Uint8Array(32)
          storeBytes32(s, t - 24, salt, 0)
        }
        sp -= op === 0xf5 ? 4 : 3
        if (size > MAX_INITCODE_SIZE) {
          f.pc = pc
          return halt(f, 'InitcodeTooLarge')
        }
        let cost = 2 * words(size)
        if (op === 0xf5) cost += 6 * words(size)
        if (size !== 0) cost += expansionCost(f, off + size)
        if (!(gas >= cost)) {
          f.pc = pc
          return halt(f, 'OutOfGas')
        }
        gas -= cost
        let initcode = EMPTY
        if (size !== 0) {
          grow(f, off + size)
          initcode = f.mem.slice(off, off + size)
        }
        f.returnData = EMPTY
        if (msg.depth >= CALL_DEPTH_LIMIT || self.balance < value || self.nonce >= MAX_NONCE) {
          setZero(s, sp << 3)
          sp++
          pc++
          break
        }
        const nonce = self.nonce
        world.setNonce(self, nonce + 1n)
        const address = op === 0xf0 ? createAddress(msg.address, nonce) : create2Address(msg.address, salt, initcode)
        world.warmAddress(address)
        const childGas = gas - Math.floor(gas / 64)
        gas -= childGas
        f.pending = {
          kind: op,
          caller: msg.address,
          address,
          codeAddress: address,
          value,
          transfer: true,
          input: initcode,
          gas: childGas,
          isStatic: false,
          depth: msg.depth + 1,
          retOffset: 0,
          retSize: 0,
        }
        f.pc = pc + 1
        f.sp = sp
        f.gas = gas
        return EXIT_SUSPEND
      }
      case 0xf1:
      case 0xf2:
      case 0xf4:
      case 0xfa: {
        const exit = callOp(env, f, op, pc, sp, gas)
        if (exit !== CALL_CONTINUES) return exit
        sp = f.sp
        gas = f.gas
        pc++
        break
      }
      case 0xf3:
      case 0xfd: {
        // RETURN / REVERT
        const off = toNum(s, t)
        const size = toNum(s, t - 8)
        let out = EMPTY
        if (size !== 0) {
          const cost = expansionCost(f, off + size)
          if (!(gas >= cost)) {
            f.pc = pc
            return halt(f, 'OutOfGas')
          }
          gas -= cost
          grow(f, off + size)
          out = f.mem.slice(off, off + size)
        }
        f.output = out
        f.gas = gas
        f.pc = pc
        f.sp = sp - 2
        return op === 0xf3 ? EXIT_SUCCESS : EXIT_REVERT
      }
      case 0xff: {
        // SELFDESTRUCT (EIP-6780)
        if (msg.isStatic) {
          f.pc = pc
          return halt(f, 'WriteProtection')
        }
        const beneficiary = toAddress(s, t)
        let cost = world.warmAddress(beneficiary) ? 0 : 2600
        const target = world.account(beneficiary)
        if (self.balance !== 0n && (!target.exists || target.isEmpty())) cost += 25000
        if (gas < cost) {
          f.pc = pc
          return halt(f, 'OutOfGas')
        }
        gas -= cost
        const balance = self.balance
        world.setBalance(self, 0n)
        world.addBalance(target, balance)
        if (world.wasCreatedInTx(msg.address)) {
          world.markDestroyed(msg.address)
          if (self.balance !== 0n) world.setBalance(self, 0n)
        }
        f.gas = gas
        f.output = EMPTY
        return EXIT_SUCCESS
      }
      default:
        f.pc = pc
        return halt(f, op === 0xfe ? 'InvalidOpcode(0xfe)' : 'InvalidOpcode')
    }
  }
}

export const CREATE_KINDS = [CREATE, CREATE2]
