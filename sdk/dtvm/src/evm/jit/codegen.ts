// Generates the JavaScript of one instruction over the symbolic stack (stack-model.ts). Frequent
// pure instructions become inline limb arithmetic; instructions with a helper in word.ts run it in
// place on the frame's stack array; everything else is executed by the interpreter one instruction
// at a time (step.ts), so gas, halt reasons and effects are the interpreter's.
//
// Names the generated code can use: s (stack array), f (frame), env, sp (height at entry), b (sp << 3),
// gas, R ({sp, gas} handed back to the dispatcher), W (word.ts), H (runtime.ts), CALL (the
// interpreter's callOp), EMPTY, jd (jump destinations), step, defer.
import type { CodeAnalysis } from '../analysis.ts'
import { EXIT_YIELD } from '../frame.ts'
import { CALL_CONTINUES } from '../interpreter.ts'
import { DEFINED, ENDS_BLOCK, STACK_IN, STACK_OUT, STATIC_GAS } from '../opcodes.ts'
import { pushLimbs } from './blocks.ts'
import * as L from './limb-ops.ts'
import { at, type Gen, isLiteral, type Limbs } from './stack-model.ts'

/** How an instruction that ends a block hands on control (the caller emits the transfer). */
export type End =
  | { kind: 'done' } // the emitted code returned (halt, frame exit, or a dynamic jump handled inline)
  | { kind: 'goto'; pc: number }
  | { kind: 'branch'; cond: string; taken: number; fall: number }

const DONE: End = { kind: 'done' }

/** A halt inside an instruction: exactly the interpreter's (pc at the instruction, gas 0). */
const halt = (pc: number, reason: string) => `{ f.pc = ${pc}; f.haltReason = '${reason}'; f.gas = 0; return -3 }`

/** Charges memory growth to byte `end` the way the interpreter does (halting when gas is short). */
function growTo(g: Gen, pc: number, end: string): void {
  g.emit(`if (${end} > f.memSize) { gas = H.growMemory(f, ${end}, gas, ${pc}); if (gas < 0) return -3 }`)
}

/** Calls a runtime.ts operation that returns the gas left, or -1 after recording a halt. */
const charged = (call: string) => `gas = ${call}; if (gas < 0) return -3`

/**
 * The byte offset of a `size`-byte access, after growing memory to cover it. Past the growth check
 * the offset is below the 128 MiB memory cap (anything larger halts out of gas), so it is an int32.
 */
function memoryOffset(g: Gen, pc: number, offset: Limbs, size: number): string {
  const x = L.toNum(g, offset)
  growTo(g, pc, plus(x, size))
  return isLiteral(x) ? x : g.bind(`${x} | 0`)
}

const plus = (x: string, k: number) => (k === 0 ? x : isLiteral(x) ? String(Number(x) + k) : `${x} + ${k}`)

/** Exits the generated code to the dispatcher at `target` (a pc expression); `cold` exits are written compactly. */
export function emitExit(g: Gen, target: string, cold = false): void {
  g.flush(cold)
  g.emit(`R.sp = sp + ${g.height}; R.gas = gas; return ${target}`)
}

/** Runs the instruction in the interpreter (after writing the stack out), continuing at the next one. */
function emitStep(g: Gen, pc: number, op: number): void {
  g.flush()
  g.emit(
    `{ const r = step(env, f, ${pc}, sp + ${g.height}, gas + ${STATIC_GAS[op]!}); if (r !== ${EXIT_YIELD}) return -1 - r }`,
  )
  g.emit('gas = f.gas')
  g.height += STACK_OUT[op]! - STACK_IN[op]!
}

/**
 * Runs word.ts code in place on the array: the top `n` words are written out, results land on the
 * bottom `m` of those positions. `body(t, below, third)` gets the offsets of the top three inputs.
 */
function inPlace(g: Gen, n: number, m: number, body: (t: string, below: string, third: string) => string): void {
  const base = g.height - n
  for (let p = base; p < g.height; p++) g.materialize(p)
  for (let q = base; q < base + m; q++) g.protect(q)
  const top = g.height - 1
  g.emit(body(at(top), at(top - 1), at(top - 2)))
  for (let p = base; p < g.height; p++) g.entries.delete(p)
  g.height = base + m
}

function valid(a: CodeAnalysis, target: bigint | undefined): target is bigint {
  return target !== undefined && target < BigInt(a.length) && a.jumpdests[Number(target)] === 1
}

/** Emits one instruction; returns how control leaves when the instruction ends its block. */
export function emitInstr(g: Gen, a: CodeAnalysis, pc: number, op: number, next: number): End | undefined {
  if (op >= 0x5f && op <= 0x7f) {
    g.pushValue(L.literalLimbs(pushLimbs(a.code, pc, op - 0x5f)))
    return undefined
  }
  if (op >= 0x80 && op <= 0x8f) {
    g.push(g.peek(op - 0x80))
    return undefined
  }
  if (op >= 0x90 && op <= 0x9f) {
    const top = g.height - 1
    const other = top - (op - 0x8f)
    const e = g.get(top)
    g.set(top, g.get(other))
    g.set(other, e)
    return undefined
  }
  const binary = (f: (x: Limbs, y: Limbs) => Limbs) => {
    const x = g.limbsOf(g.pop())
    const y = g.limbsOf(g.pop())
    g.pushValue(f(x, y))
  }
  switch (op) {
    case 0x00:
      g.emit(`f.gas = gas; f.output = EMPTY; return -1`)
      return DONE
    case 0x01:
      binary((x, y) => L.add(g, x, y))
      return undefined
    case 0x03:
      binary((x, y) => L.sub(g, x, y))
      return undefined
    case 0x10:
      binary((x, y) => L.flag(g, L.ltExpr(x, y, false)))
      return undefined
    case 0x11:
      binary((x, y) => L.flag(g, L.ltExpr(y, x, false)))
      return undefined
    case 0x12:
      binary((x, y) => L.flag(g, L.ltExpr(x, y, true)))
      return undefined
    case 0x13:
      binary((x, y) => L.flag(g, L.ltExpr(y, x, true)))
      return undefined
    case 0x14:
      binary((x, y) => L.flag(g, L.eqExpr(x, y)))
      return undefined
    case 0x15:
      g.pushValue(L.flag(g, L.isZeroExpr(g.limbsOf(g.pop()))))
      return undefined
    case 0x16:
      binary((x, y) => L.and(g, x, y))
      return undefined
    case 0x17:
      binary((x, y) => L.or(g, x, y))
      return undefined
    case 0x18:
      binary((x, y) => L.xor(g, x, y))
      return undefined
    case 0x19:
      g.pushValue(L.not(g, g.limbsOf(g.pop())))
      return undefined
    case 0x1a: {
      const i = L.constantShift(g.limbsOf(g.peek(0)))
      if (i !== undefined) {
        g.pop()
        g.pushValue(L.byteConst(g, Math.min(i, 32), g.limbsOf(g.pop())))
      } else inPlace(g, 2, 1, (t, below) => `W.byteOf(s, Math.min(W.toNum(s, ${t}), 32), ${below})`)
      return undefined
    }
    case 0x1b:
    case 0x1c:
    case 0x1d: {
      const n = L.constantShift(g.limbsOf(g.peek(0)))
      if (n !== undefined) {
        g.pop()
        const v = g.limbsOf(g.pop())
        g.pushValue(op === 0x1b ? L.shlConst(g, n, v) : L.shrConst(g, n, v, op === 0x1d))
      } else {
        const fn = op === 0x1b ? 'shl' : op === 0x1c ? 'shr' : 'sar'
        inPlace(g, 2, 1, (t, below) => `W.${fn}(s, W.shiftAmount(s, ${t}), ${below})`)
      }
      return undefined
    }
    case 0x02:
      inPlace(g, 2, 1, (t, below) => `W.mul(s, ${t}, ${below}, ${below})`)
      return undefined
    case 0x04:
      inPlace(g, 2, 1, (t, below) => `H.div(s, ${t}, ${below})`)
      return undefined
    case 0x06:
      inPlace(g, 2, 1, (t, below) => `H.mod(s, ${t}, ${below})`)
      return undefined
    case 0x05:
      inPlace(g, 2, 1, (t, below) => `H.sdiv(s, ${t}, ${below})`)
      return undefined
    case 0x07:
      inPlace(g, 2, 1, (t, below) => `H.smod(s, ${t}, ${below})`)
      return undefined
    case 0x08:
    case 0x09:
      inPlace(g, 3, 1, (t, below, m) => `H.modArith(s, ${t}, ${below}, ${m}, ${op === 0x09})`)
      return undefined
    case 0x0b:
      inPlace(g, 2, 1, (t, below) => `W.signExtend(s, Math.min(W.toNum(s, ${t}), 31), ${below})`)
      return undefined
    case 0x20:
      inPlace(g, 2, 1, (t, below) => charged(`H.keccak(f, s, ${t}, ${below}, gas, ${pc})`))
      return undefined
    case 0x30:
      inPlace(g, 0, 1, () => `W.fromAddress(s, ${at(g.height)}, f.msg.address)`)
      return undefined
    case 0x33:
      inPlace(g, 0, 1, () => `W.fromAddress(s, ${at(g.height)}, f.msg.caller)`)
      return undefined
    case 0x34:
      inPlace(g, 0, 1, () => `W.fromBig(s, ${at(g.height)}, f.msg.value)`)
      return undefined
    case 0x35:
      inPlace(g, 1, 1, (t) => `W.loadBytes32(s, ${t}, f.msg.input, W.toNum(s, ${t}))`)
      return undefined
    case 0x36:
      g.pushValue(L.small(g.bind('f.msg.input.length')))
      return undefined
    case 0x3d:
      g.pushValue(L.small(g.bind('f.returnData.length')))
      return undefined
    case 0x50:
      g.pop()
      return undefined
    case 0x5b:
      return undefined
    case 0x51: {
      const o = memoryOffset(g, pc, g.limbsOf(g.pop()), 32)
      const view = g.bind('f.memView')
      const limbs: Limbs = []
      for (let k = 0; k < 8; k++) limbs.push(g.bind(`${view}.getUint32(${plus(o, 28 - 4 * k)})`))
      g.pushValue(limbs)
      return undefined
    }
    case 0x52: {
      const offset = g.limbsOf(g.pop())
      // The value's limbs are read before anything else runs (array words stay valid, but keep it simple).
      const v = g.limbsOf(g.pop()).map((l) => g.bind(l))
      const o = memoryOffset(g, pc, offset, 32)
      const view = g.bind('f.memView')
      for (let k = 0; k < 8; k++) g.emit(`${view}.setUint32(${plus(o, 28 - 4 * k)}, ${v[k]})`)
      return undefined
    }
    case 0x53: {
      const offset = g.limbsOf(g.pop())
      const v = g.bind(g.limbsOf(g.pop())[0]!)
      const o = memoryOffset(g, pc, offset, 1)
      g.emit(`f.mem[${o}] = ${isLiteral(v) ? Number(v) & 255 : `${v} & 255`}`)
      return undefined
    }
    case 0x54:
      inPlace(g, 1, 1, (t) => charged(`H.sload(env, f, s, ${t}, gas, ${pc})`))
      return undefined
    case 0x55:
      inPlace(g, 2, 0, (t, below) => charged(`H.sstore(env, f, s, ${t}, ${below}, gas, ${pc})`))
      return { kind: 'goto', pc: next }
    case 0xa0:
    case 0xa1:
    case 0xa2:
    case 0xa3:
    case 0xa4:
      inPlace(g, 2 + op - 0xa0, 0, (t) => charged(`H.log(env, f, s, ${t}, ${op - 0xa0}, gas, ${pc})`))
      return undefined
    case 0x3b:
      inPlace(g, 1, 1, (t) => charged(`H.extcodesize(env, f, s, ${t}, gas, ${pc})`))
      return undefined
    case 0x58:
      g.pushValue(L.small(String(pc)))
      return undefined
    case 0x59:
      g.pushValue(L.small(g.bind('f.memSize')))
      return undefined
    case 0x5a:
      g.pushValue([g.bind('gas % 4294967296'), g.bind('Math.floor(gas / 4294967296)'), '0', '0', '0', '0', '0', '0'])
      return { kind: 'goto', pc: next }
    case 0x56: {
      const dest = g.limbsOf(g.pop())
      const target = L.constantOf(dest)
      if (valid(a, target)) return { kind: 'goto', pc: Number(target) }
      if (target !== undefined) {
        g.emit(halt(pc, 'InvalidJump'))
        return DONE
      }
      const x = L.toNum(g, dest)
      g.emit(`if (${x} < ${a.length} && jd[${x}] === 1) {`)
      const saved = g.fork()
      emitExit(g, x)
      g.restore(saved)
      g.emit(`}`)
      g.emit(halt(pc, 'InvalidJump'))
      return DONE
    }
    case 0x57: {
      const dest = g.limbsOf(g.pop())
      const test = L.isZeroExpr(g.limbsOf(g.pop()))
      // Evaluated once, before any exit code writes the array the condition may read.
      const cond = test === 'true' || test === 'false' ? `!(${test})` : g.bind(`!(${test})`)
      const target = L.constantOf(dest)
      const always = cond === '!(false)'
      const never = cond === '!(true)'
      if (never) return { kind: 'goto', pc: next }
      if (valid(a, target)) {
        if (always) return { kind: 'goto', pc: Number(target) }
        return { kind: 'branch', cond, taken: Number(target), fall: next }
      }
      if (target !== undefined) {
        g.emit(`if (${cond}) ${halt(pc, 'InvalidJump')}`)
        return { kind: 'goto', pc: next }
      }
      const x = L.toNum(g, dest)
      g.emit(`if (${cond}) {`)
      g.emit(`if (${x} < ${a.length} && jd[${x}] === 1) {`)
      const saved = g.fork()
      emitExit(g, x)
      g.restore(saved)
      g.emit(`}`)
      g.emit(halt(pc, 'InvalidJump'))
      g.emit(`}`)
      return { kind: 'goto', pc: next }
    }
    case 0xf1:
    case 0xf2:
    case 0xf4:
    case 0xfa:
      // The interpreter's own CALL code (the frame may suspend, so the whole stack is written out first).
      g.flush()
      g.emit(
        `{ const r = CALL(env, f, ${op}, ${pc}, sp + ${g.height}, gas); if (r !== ${CALL_CONTINUES}) return -1 - r }`,
      )
      g.emit('gas = f.gas')
      g.height += 1 - STACK_IN[op]!
      return { kind: 'goto', pc: next }
    case 0xf3:
    case 0xfd: {
      // RETURN / REVERT
      const x = L.toNum(g, g.limbsOf(g.pop()))
      const size = L.toNum(g, g.limbsOf(g.pop()))
      const exit = op === 0xf3 ? -1 : -2
      const finish = `f.gas = gas; f.pc = ${pc}; f.sp = sp + ${g.height}; return ${exit}`
      if (size === '0') g.emit(`f.output = EMPTY; ${finish}`)
      else {
        g.emit(`if (${size} === 0) { f.output = EMPTY; ${finish} }`)
        growTo(g, pc, `${x} + ${size}`)
        g.emit(`f.output = f.mem.slice(${x}, ${x} + ${size}); ${finish}`)
      }
      return DONE
    }
  }
  emitStep(g, pc, op)
  if (!ENDS_BLOCK[op]) return undefined
  // SELFDESTRUCT and invalid opcodes always leave the frame; CALL/CREATE/SSTORE may continue.
  if (op === 0xff || !DEFINED[op]) {
    // (never reached: these always leave the frame, so the step above returned)
    g.emit('R.sp = f.sp; R.gas = gas; return f.pc')
    return DONE
  }
  return { kind: 'goto', pc: next }
}
