// Compiles EVM bytecode to specialized JavaScript: one small function per basic block (small
// functions stay within V8's optimizing limits even for 24 KiB contracts). Pure, frequent
// instructions are inlined with constant stack offsets; everything else is executed by the
// interpreter one instruction at a time (see step.ts), so gas, halt reasons and effects are exact.

import { keccak256 } from '@spnkit/crypto'
import type { CodeAnalysis } from '../analysis.ts'
import type { Env, Frame } from '../frame.ts'
import { expansionCost, grow } from '../interpreter.ts'
import { ENDS_BLOCK, STACK_IN, STACK_OUT, STATIC_GAS } from '../opcodes.ts'
import * as word from '../word.ts'
import { deferToInterpreter, stepInterpreter } from './step.ts'

/** A compiled contract: runs a frame from a block start, same contract as `interpret`. */
export type CompiledCode = (env: Env, f: Frame) => number

const memory = { expansionCost, grow }
const U256 = (1n << 256n) - 1n
const SIGN_BIT = 1n << 255n
// The interpreter's signed-arithmetic helpers (SDIV/SMOD slow paths).
const bigHelpers = {
  U256,
  toSigned: (v: bigint): bigint => (v >= SIGN_BIT ? v - (1n << 256n) : v),
  toUnsigned: (v: bigint): bigint => (v < 0n ? v + (1n << 256n) : v),
}

type Instr = { pc: number; op: number }
type Block = { start: number; instrs: Instr[]; next: number }

/** Splits code into the interpreter's gas blocks (same rules as analysis.ts). */
function blocksOf(a: CodeAnalysis): Block[] {
  const code = a.code
  const blocks: Block[] = []
  let cur: Block = { start: 0, instrs: [], next: 0 }
  let pc = 0
  while (pc < a.length) {
    const op = code[pc]!
    if (op === 0x5b && pc !== cur.start) {
      cur.next = pc
      blocks.push(cur)
      cur = { start: pc, instrs: [], next: 0 }
    }
    cur.instrs.push({ pc, op })
    pc += op >= 0x60 && op <= 0x7f ? op - 0x5e : 1
    if (ENDS_BLOCK[op]) {
      cur.next = pc
      blocks.push(cur)
      cur = { start: pc, instrs: [], next: 0 }
    }
  }
  if (cur.instrs.length > 0) {
    cur.next = pc
    blocks.push(cur)
  }
  return blocks
}

/** The 8 little-endian limbs of PUSHn's immediate (bytes past the code end read as zero: code is padded). */
function pushLimbs(code: Uint8Array, pc: number, n: number): number[] {
  const limbs = [0, 0, 0, 0, 0, 0, 0, 0]
  for (let k = 0; k < n; k++) {
    const byte = code[pc + n - k]!
    limbs[k >> 2]! += byte * 2 ** (8 * (k & 3))
  }
  return limbs
}

function off(k: number): string {
  return k === 0 ? 'b' : k > 0 ? `b+${k}` : `b-${-k}`
}

function blockSource(a: CodeAnalysis, block: Block): string {
  const code = a.code
  // Static stack bounds: the interpreter checks every instruction; if the whole block fits, no
  // instruction inside it can underflow or overflow.
  let d = 0
  let need = 0
  let maxGrowth = 0
  for (const { op } of block.instrs) {
    need = Math.max(need, STACK_IN[op]! - d)
    maxGrowth = Math.max(maxGrowth, d - STACK_IN[op]! + STACK_OUT[op]!)
    d += STACK_OUT[op]! - STACK_IN[op]!
  }
  const maxSp = 1024 - maxGrowth
  const g = a.blockGas[block.start]!
  const lines: string[] = []
  const emit = (l: string) => lines.push(l)
  emit(`let sp = R.sp, gas = R.gas, x = 0, r = 0`)
  // Anything the static checks can't settle (stack bounds, out of gas) goes to the interpreter from
  // the block start, before any charge, so it reports exactly what it always does.
  emit(`if (sp < ${need} || sp > ${maxSp} || gas < ${g}) return -1 - defer(env, f, ${block.start}, sp, gas)`)
  if (g !== 0) emit(`gas -= ${g}`)
  emit(`const b = sp << 3`)
  d = 0
  let lastPush: number | undefined
  for (let i = 0; i < block.instrs.length; i++) {
    const { pc, op } = block.instrs[i]!
    const T = (d - 1) * 8
    const t = off(T)
    const below = off(T - 8)
    const step = () => {
      emit(`r = step(env, f, ${pc}, sp + ${d}, gas + ${STATIC_GAS[op]!}); if (r !== 4) return -1 - r; gas = f.gas`)
    }
    // Out of gas inside an instruction: exactly the interpreter's halt (pc at the instruction, gas 0).
    const haltOog = `{ f.pc = ${pc}; f.haltReason = 'OutOfGas'; f.gas = 0; return -1 - 2 }`
    // Memory expansion as the interpreter does it: `first` sets x, `end` is the end byte.
    const grow = (first: string, end: string) => {
      emit(`${first}; if (${end} > f.memSize) { const c = M.expansionCost(f, ${end}); if (!(gas >= c)) ${haltOog}`)
      emit(`gas -= c; M.grow(f, ${end}) }`)
    }
    const staticPush = lastPush
    lastPush = undefined
    let handled = true
    if (op >= 0x5f && op <= 0x7f) {
      const limbs = pushLimbs(code, pc, op - 0x5f)
      for (let k = 0; k < 8; k++) emit(`s[${off(T + 8 + k)}] = ${limbs[k]}`)
      if (limbs.slice(1).every((v) => v === 0)) lastPush = limbs[0]
    } else if (op >= 0x80 && op <= 0x8f) {
      const src = T - (op - 0x80) * 8
      for (let k = 0; k < 8; k++) emit(`s[${off(T + 8 + k)}] = s[${off(src + k)}]`)
    } else if (op >= 0x90 && op <= 0x9f) {
      const o = T - (op - 0x8f) * 8
      for (let k = 0; k < 8; k++)
        emit(`x = s[${off(T + k)}]; s[${off(T + k)}] = s[${off(o + k)}]; s[${off(o + k)}] = x`)
    } else {
      switch (op) {
        case 0x01:
          emit(`W.add(s, ${t}, ${below}, ${below})`)
          break
        case 0x02:
          emit(`W.mul(s, ${t}, ${below}, ${below})`)
          break
        case 0x03:
          emit(`W.sub(s, ${t}, ${below}, ${below})`)
          break
        case 0x04:
          emit(`{ const p = W.toNum(s, ${t}), q = W.toNum(s, ${below})
            if (q === 0 && W.isZero(s, ${below})) W.setZero(s, ${below})
            else if (p !== ${Number.MAX_SAFE_INTEGER} && q !== ${Number.MAX_SAFE_INTEGER}) W.setSmall(s, ${below}, Math.floor(p / q))
            else W.fromBig(s, ${below}, W.toBig(s, ${t}) / W.toBig(s, ${below})) }`)
          break
        case 0x06:
          emit(`{ const p = W.toNum(s, ${t}), q = W.toNum(s, ${below})
            if (q === 0 && W.isZero(s, ${below})) W.setZero(s, ${below})
            else if (p !== ${Number.MAX_SAFE_INTEGER} && q !== ${Number.MAX_SAFE_INTEGER}) W.setSmall(s, ${below}, p % q)
            else W.fromBig(s, ${below}, W.toBig(s, ${t}) % W.toBig(s, ${below})) }`)
          break
        case 0x0b:
          emit(`W.signExtend(s, Math.min(W.toNum(s, ${t}), 31), ${below})`)
          break
        case 0x10:
          emit(`W.setSmall(s, ${below}, W.lt(s, ${t}, ${below}) ? 1 : 0)`)
          break
        case 0x11:
          emit(`W.setSmall(s, ${below}, W.lt(s, ${below}, ${t}) ? 1 : 0)`)
          break
        case 0x12:
          emit(`W.setSmall(s, ${below}, W.slt(s, ${t}, ${below}) ? 1 : 0)`)
          break
        case 0x13:
          emit(`W.setSmall(s, ${below}, W.slt(s, ${below}, ${t}) ? 1 : 0)`)
          break
        case 0x14:
          emit(`W.setSmall(s, ${below}, W.eq(s, ${t}, ${below}) ? 1 : 0)`)
          break
        case 0x15:
          emit(`W.setSmall(s, ${t}, W.isZero(s, ${t}) ? 1 : 0)`)
          break
        case 0x16:
        case 0x17:
        case 0x18: {
          const sym = op === 0x16 ? '&' : op === 0x17 ? '|' : '^'
          for (let k = 0; k < 8; k++) emit(`s[${off(T - 8 + k)}] = s[${off(T + k)}] ${sym} s[${off(T - 8 + k)}]`)
          break
        }
        case 0x19:
          for (let k = 0; k < 8; k++) emit(`s[${off(T + k)}] = ~s[${off(T + k)}]`)
          break
        case 0x1a:
          emit(`W.byteOf(s, Math.min(W.toNum(s, ${t}), 32), ${below})`)
          break
        case 0x1b:
          emit(`W.shl(s, W.shiftAmount(s, ${t}), ${below})`)
          break
        case 0x1c:
          emit(`W.shr(s, W.shiftAmount(s, ${t}), ${below})`)
          break
        case 0x1d:
          emit(`W.sar(s, W.shiftAmount(s, ${t}), ${below})`)
          break
        case 0x34:
          emit(`W.fromBig(s, ${off(T + 8)}, f.msg.value)`)
          break
        case 0x35:
          emit(`W.loadBytes32(s, ${t}, f.msg.input, W.toNum(s, ${t}))`)
          break
        case 0x36:
          emit(`W.setSmall(s, ${off(T + 8)}, f.msg.input.length)`)
          break
        case 0x50:
        case 0x5b:
          break
        case 0x51:
          grow(`x = W.toNum(s, ${t})`, 'x + 32')
          emit(`W.loadBytes32(s, ${t}, f.mem, x)`)
          break
        case 0x52:
          grow(`x = W.toNum(s, ${t})`, 'x + 32')
          emit(`W.storeBytes32(s, ${below}, f.mem, x)`)
          break
        case 0x53:
          grow(`x = W.toNum(s, ${t})`, 'x + 1')
          emit(`f.mem[x] = s[${below}] & 0xff`)
          break
        case 0x20:
          // KECCAK256 (the interpreter's exact order: size 0 hashes nothing and reads no offset)
          emit(`r = W.toNum(s, ${below}); if (r === 0) W.loadBytes32(s, ${below}, EMPTY_HASH, 0); else {`)
          emit(`x = W.toNum(s, ${t}); const c = 6 * Math.ceil(r / 32) + M.expansionCost(f, x + r)`)
          emit(`if (!(gas >= c)) ${haltOog}`)
          emit(`gas -= c; M.grow(f, x + r); W.loadBytes32(s, ${below}, K(f.mem.subarray(x, x + r)), 0) }`)
          break
        case 0x54:
          emit(`{ const slot = W.toBig(s, ${t}); const c = env.world.warmSlot(f.msg.address, slot) ? 100 : 2100`)
          emit(`if (gas < c) ${haltOog}`)
          emit(`gas -= c; W.fromBig(s, ${t}, f.account.getStorage(slot)) }`)
          break
        case 0x30:
          emit(`W.fromAddress(s, ${off(T + 8)}, f.msg.address)`)
          break
        case 0x33:
          emit(`W.fromAddress(s, ${off(T + 8)}, f.msg.caller)`)
          break
        case 0x3d:
          emit(`W.setSmall(s, ${off(T + 8)}, f.returnData.length)`)
          break
        case 0x05:
          emit(`{ const p = W.toSmallSigned(s, ${t}), q = W.toSmallSigned(s, ${below})
            if (q === 0) W.setZero(s, ${below})
            else if (!Number.isNaN(p) && !Number.isNaN(q)) W.setSmallSigned(s, ${below}, Math.trunc(p / q))
            else { const dd = W.toBig(s, ${below}); if (dd === 0n) W.setZero(s, ${below})
              else W.fromBig(s, ${below}, B.toUnsigned(B.toSigned(W.toBig(s, ${t})) / B.toSigned(dd)) & B.U256) } }`)
          break
        case 0x07:
          emit(`{ const p = W.toSmallSigned(s, ${t}), q = W.toSmallSigned(s, ${below})
            if (q === 0) W.setZero(s, ${below})
            else if (!Number.isNaN(p) && !Number.isNaN(q)) W.setSmallSigned(s, ${below}, p % q)
            else { const dd = W.toBig(s, ${below}); if (dd === 0n) W.setZero(s, ${below})
              else W.fromBig(s, ${below}, B.toUnsigned(B.toSigned(W.toBig(s, ${t})) % B.toSigned(dd))) } }`)
          break
        case 0x08:
        case 0x09: {
          const sym = op === 0x08 ? '+' : '*'
          const m = off(T - 16)
          emit(`{ const m = W.toBig(s, ${m}); if (m === 0n) W.setZero(s, ${m})
            else W.fromBig(s, ${m}, (W.toBig(s, ${t}) ${sym} W.toBig(s, ${below})) % m) }`)
          break
        }
        case 0x58:
          emit(`W.setSmall(s, ${off(T + 8)}, ${pc})`)
          break
        case 0x59:
          emit(`W.setSmall(s, ${off(T + 8)}, f.memSize)`)
          break
        case 0x5a:
          emit(`W.setSmall(s, ${off(T + 8)}, gas)`)
          break
        case 0x56: {
          // JUMP: a constant target pushed just before is validated at compile time.
          const ok = staticPush !== undefined && staticPush < a.length && a.jumpdests[staticPush] === 1
          if (ok) emit(`R.sp = sp + ${d - 1}; R.gas = gas; return ${staticPush}`)
          else {
            emit(
              `x = W.toNum(s, ${t}); if (x < ${a.length} && jd[x] === 1) { R.sp = sp + ${d - 1}; R.gas = gas; return x }`,
            )
            step() // an invalid jump: the interpreter halts exactly as it always does
            emit('R.sp = f.sp; R.gas = gas; return f.pc')
          }
          break
        }
        case 0x57: {
          emit(`if (W.isZero(s, ${below})) { R.sp = sp + ${d - 2}; R.gas = gas; return ${pc + 1} }`)
          const ok = staticPush !== undefined && staticPush < a.length && a.jumpdests[staticPush] === 1
          if (ok) emit(`R.sp = sp + ${d - 2}; R.gas = gas; return ${staticPush}`)
          else {
            emit(
              `x = W.toNum(s, ${t}); if (x < ${a.length} && jd[x] === 1) { R.sp = sp + ${d - 2}; R.gas = gas; return x }`,
            )
            step()
            emit('R.sp = f.sp; R.gas = gas; return f.pc')
          }
          break
        }
        default:
          handled = false
      }
    }
    if (!handled) {
      step()
      if (ENDS_BLOCK[op]) {
        // STOP/RETURN/REVERT/CALL/CREATE/SELFDESTRUCT/invalid returned above; SSTORE/GAS-like ops
        // continue at the synced pc.
        emit('R.sp = f.sp; R.gas = gas; return f.pc')
        return lines.join('\n')
      }
    }
    d += STACK_OUT[op]! - STACK_IN[op]!
  }
  const lastOp = block.instrs[block.instrs.length - 1]!.op
  if (lastOp !== 0x56 && lastOp !== 0x57) emit(`R.sp = sp + ${d}; R.gas = gas; return ${block.next}`)
  return lines.join('\n')
}

/** Generates and instantiates the compiled form of `a`'s code. */
export function compile(a: CodeAnalysis): CompiledCode {
  const blocks = blocksOf(a)
  const parts: string[] = []
  for (const block of blocks)
    parts.push(`T[${block.start}] = function b${block.start}(s, f, env) {\n${blockSource(a, block)}\n}`)
  const body = `const R = { sp: 0, gas: 0 }
const T = new Array(${a.length + 1}).fill(null)
${parts.join('\n')}
return function run(env, f) {
  const s = f.stack
  R.sp = f.sp; R.gas = f.gas
  let pc = f.pc
  for (;;) {
    const fn = pc <= ${a.length} ? T[pc] : null
    if (fn === null) return defer(env, f, pc, R.sp, R.gas)
    pc = fn(s, f, env)
    if (pc < 0) return -1 - pc
  }
}`
  const factory = new Function('W', 'M', 'B', 'K', 'EMPTY_HASH', 'jd', 'step', 'defer', body)
  return factory(
    word,
    memory,
    bigHelpers,
    keccak256,
    keccak256(new Uint8Array(0)),
    a.jumpdests,
    stepInterpreter,
    deferToInterpreter,
  ) as CompiledCode
}
