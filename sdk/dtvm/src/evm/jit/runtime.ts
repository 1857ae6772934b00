// Out-of-line operations the generated code calls (as `H.*`): the heavier instructions, written once
// here instead of inline in every block that uses them, so block functions stay small (V8 optimizes
// small functions sooner and faster). Each follows the interpreter's code for the instruction step
// by step; the operands are at stack-array offsets (t = top, below = the next word), the static gas
// is already charged. Those that can run out of gas return the gas left, or -1 after recording the
// interpreter's halt on the frame (pc at the instruction, gas 0).
import { keccak256 } from '@spnkit/crypto'
import { EMPTY, type Env, type Frame } from '../frame.ts'
import { expansionCost, grow } from '../interpreter.ts'
import { sstoreGas } from '../storage-gas.ts'
import * as W from '../word.ts'

const EMPTY_HASH = keccak256(new Uint8Array(0))
const U256 = (1n << 256n) - 1n
const SIGN_BIT = 1n << 255n
const MAX_SAFE = Number.MAX_SAFE_INTEGER

const toSigned = (v: bigint): bigint => (v >= SIGN_BIT ? v - (1n << 256n) : v)
const toUnsigned = (v: bigint): bigint => (v < 0n ? v + (1n << 256n) : v)

function halt(f: Frame, pc: number, reason: string): number {
  f.pc = pc
  f.haltReason = reason
  f.gas = 0
  return -1
}

/** Grows memory to byte `end` (end > f.memSize), charging the expansion. */
export function growMemory(f: Frame, end: number, gas: number, pc: number): number {
  const c = expansionCost(f, end)
  if (!(gas >= c)) return halt(f, pc, 'OutOfGas')
  grow(f, end)
  return gas - c
}

export function keccak(f: Frame, s: Uint32Array, t: number, below: number, gas: number, pc: number): number {
  // The interpreter's order: size 0 hashes nothing and reads no offset.
  const size = W.toNum(s, below)
  if (size === 0) {
    W.loadBytes32(s, below, EMPTY_HASH, 0)
    return gas
  }
  const off = W.toNum(s, t)
  const c = 6 * Math.ceil(size / 32) + expansionCost(f, off + size)
  if (!(gas >= c)) return halt(f, pc, 'OutOfGas')
  grow(f, off + size)
  W.loadBytes32(s, below, keccak256(f.mem.subarray(off, off + size)), 0)
  return gas - c
}

export function sload(env: Env, f: Frame, s: Uint32Array, t: number, gas: number, pc: number): number {
  const slot = W.toBig(s, t)
  const c = env.world.warmSlot(f.msg.address, slot) ? 100 : 2100
  if (gas < c) return halt(f, pc, 'OutOfGas')
  W.fromBig(s, t, f.account.getStorage(slot))
  return gas - c
}

/** SSTORE (EIP-2200 / 2929 / 3529): static context, the 2,300 stipend rule, then the cost. */
export function sstore(env: Env, f: Frame, s: Uint32Array, t: number, below: number, gas: number, pc: number): number {
  if (f.msg.isStatic) return halt(f, pc, 'WriteProtection')
  if (gas <= 2300) return halt(f, pc, 'OutOfGas')
  const slot = W.toBig(s, t)
  const value = W.toBig(s, below)
  const c = sstoreGas(env.world, f.account, slot, value)
  if (gas < c) return halt(f, pc, 'OutOfGas')
  if (f.account.getStorage(slot) !== value) env.world.setStorage(f.account, slot, value)
  return gas - c
}

/** LOG0..LOG4: offset at t, size below it, then the topics. */
export function log(env: Env, f: Frame, s: Uint32Array, t: number, n: number, gas: number, pc: number): number {
  if (f.msg.isStatic) return halt(f, pc, 'WriteProtection')
  const off = W.toNum(s, t)
  const size = W.toNum(s, t - 8)
  let data = EMPTY
  if (size !== 0) {
    const c = 8 * size + expansionCost(f, off + size)
    if (!(gas >= c)) return halt(f, pc, 'OutOfGas')
    gas -= c
    grow(f, off + size)
    data = f.mem.slice(off, off + size)
  }
  const topics: Uint8Array[] = []
  for (let i = 0; i < n; i++) topics.push(W.toBytes32(s, t - 16 - 8 * i))
  env.world.addLog({ address: f.msg.address, topics, data })
  return gas
}

/** EXTCODESIZE (the static 100 is charged; a cold account adds 2,500). */
export function extcodesize(env: Env, f: Frame, s: Uint32Array, t: number, gas: number, pc: number): number {
  const address = W.toAddress(s, t)
  if (!env.world.warmAddress(address)) {
    if (gas < 2500) return halt(f, pc, 'OutOfGas')
    gas -= 2500
  }
  W.setSmall(s, t, env.world.account(address).code.length)
  return gas
}

export function div(s: Uint32Array, t: number, below: number): void {
  const p = W.toNum(s, t)
  const q = W.toNum(s, below)
  if (q === 0 && W.isZero(s, below)) W.setZero(s, below)
  else if (p !== MAX_SAFE && q !== MAX_SAFE) W.setSmall(s, below, Math.floor(p / q))
  else W.fromBig(s, below, W.toBig(s, t) / W.toBig(s, below))
}

export function mod(s: Uint32Array, t: number, below: number): void {
  const p = W.toNum(s, t)
  const q = W.toNum(s, below)
  if (q === 0 && W.isZero(s, below)) W.setZero(s, below)
  else if (p !== MAX_SAFE && q !== MAX_SAFE) W.setSmall(s, below, p % q)
  else W.fromBig(s, below, W.toBig(s, t) % W.toBig(s, below))
}

export function sdiv(s: Uint32Array, t: number, below: number): void {
  const p = W.toSmallSigned(s, t)
  const q = W.toSmallSigned(s, below)
  if (q === 0) W.setZero(s, below)
  else if (!Number.isNaN(p) && !Number.isNaN(q)) W.setSmallSigned(s, below, Math.trunc(p / q))
  else {
    const d = W.toBig(s, below)
    if (d === 0n) W.setZero(s, below)
    else W.fromBig(s, below, toUnsigned(toSigned(W.toBig(s, t)) / toSigned(d)) & U256)
  }
}

export function smod(s: Uint32Array, t: number, below: number): void {
  const p = W.toSmallSigned(s, t)
  const q = W.toSmallSigned(s, below)
  if (q === 0) W.setZero(s, below)
  else if (!Number.isNaN(p) && !Number.isNaN(q)) W.setSmallSigned(s, below, p % q)
  else {
    const d = W.toBig(s, below)
    if (d === 0n) W.setZero(s, below)
    else W.fromBig(s, below, toUnsigned(toSigned(W.toBig(s, t)) % toSigned(d)))
  }
}

/** ADDMOD (`multiply` false) or MULMOD: operands at t and below, the modulus at m (also the result). */
export function modArith(s: Uint32Array, t: number, below: number, m: number, multiply: boolean): void {
  const modulus = W.toBig(s, m)
  if (modulus === 0n) W.setZero(s, m)
  else {
    const x = W.toBig(s, t)
    const y = W.toBig(s, below)
    W.fromBig(s, m, (multiply ? x * y : x + y) % modulus)
  }
}
