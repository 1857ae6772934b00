// Compiles EVM bytecode to specialized JavaScript: one function per gas block (codegen.ts over the
// symbolic stack of stack-model.ts), instantiated with one `new Function` per code. A function
// continues straight into the blocks that only fallthrough reaches, keeping the stack in JS
// constants across them; at any other block boundary it writes the stack out and returns the next
// pc to a small dispatcher loop, which calls that block's function.

import type { CodeAnalysis } from '../analysis.ts'
import { EMPTY, type Env, type Frame } from '../frame.ts'
import { callOp, interpret } from '../interpreter.ts'
import * as word from '../word.ts'
import { type Block, blocksOf } from './blocks.ts'
import { type End, emitExit, emitInstr } from './codegen.ts'
import * as runtime from './runtime.ts'
import { Gen } from './stack-model.ts'
import { deferToInterpreter, stepInterpreter } from './step.ts'

/** A compiled contract: runs a frame from a block start, same contract as `interpret`. */
export type CompiledCode = (env: Env, f: Frame) => number

/**
 * Only entry blocks (see `isEntry`) get a function of their own; it continues straight into the
 * blocks that only fallthrough reaches (the fallthrough side of JUMPI, the code after SSTORE or GAS),
 * so each block's code is generated once and the generated code stays linear in the bytecode,
 * whatever the bytecode is. Past this many instructions a function stops, and the block where it
 * stopped becomes an entry too (only contrived straight-line code gets there).
 */
const CONTINUATION_BUDGET = 1024
/** Words kept in JS constants across a continued block's entry check (whose failure exit writes them out). */
const CARRIED_WORDS = 8

const RESUMES_AFTER = new Set([0xf0, 0xf1, 0xf2, 0xf4, 0xf5, 0xfa])

/**
 * Blocks control can reach other than by falling through from the previous block: jump
 * destinations, the code start, and where frames resume after a call or create.
 */
function isEntry(a: CodeAnalysis, block: Block, prev: Block | undefined): boolean {
  if (prev === undefined || a.code[block.start] === 0x5b) return true
  return RESUMES_AFTER.has(prev.instrs[prev.instrs.length - 1]!.op)
}

/** The condition under which `block`, entered at height sp + h, cannot run compiled (stack bounds, gas). */
function entryChecks(block: Block, h: number, gas: number): string {
  const checks: string[] = []
  // (sp is never above 1024, so bounds that cannot fail are left out)
  if (block.need - h > 0) checks.push(`sp < ${block.need - h}`)
  if (1024 - block.growth - h < 1024) checks.push(`sp > ${1024 - block.growth - h}`)
  if (gas > 0) checks.push(`gas < ${gas}`)
  return checks.length === 0 ? 'false' : checks.join(' || ')
}

type Code = { a: CodeAnalysis; blocks: Map<number, Block>; entries: Set<number> }

/** Emits `block` at the model's current height, then whatever follows it (inline or as an exit). */
function emitBlock(g: Gen, code: Code, block: Block, budget: { left: number }, first = false): void {
  const a = code.a
  const gas = a.blockGas[block.start]!
  const h = g.height
  if (first) {
    // Anything the static checks can't settle (stack bounds, out of gas) goes to the interpreter from
    // the block start, before any charge, so it reports exactly what it always does.
    const checks = entryChecks(block, 0, gas)
    if (checks !== 'false') g.emit(`if (${checks}) return -1 - defer(env, f, ${block.start}, sp, gas)`)
  } else {
    // A continued block: if its checks fail, the interpreter runs it (the dispatcher defers: it has
    // no function), nothing charged yet, so it reports exactly what it always does.
    if (g.entries.size > CARRIED_WORDS) g.flush()
    const checks = entryChecks(block, h, gas)
    if (checks !== 'false') {
      g.emit(`if (${checks}) {`)
      const saved = g.fork()
      emitExit(g, String(block.start), true)
      g.restore(saved)
      g.emit('}')
    }
  }
  if (gas !== 0) g.emit(`gas -= ${gas}`)
  budget.left -= block.instrs.length
  let end: End | undefined
  for (const { pc, op } of block.instrs) end = emitInstr(g, a, pc, op, block.next)
  end ??= { kind: 'goto', pc: block.next }
  if (end.kind === 'goto') follow(g, code, end.pc, budget)
  else if (end.kind === 'branch') {
    g.emit(`if (${end.cond}) {`)
    const saved = g.fork()
    follow(g, code, end.taken, budget)
    g.restore(saved)
    g.emit('}')
    follow(g, code, end.fall, budget)
  }
}

/** Continues into the block at `pc` unless it is an entry, else exits to the dispatcher. */
function follow(g: Gen, code: Code, pc: number, budget: { left: number }): void {
  const next = code.blocks.get(pc)
  if (next !== undefined && !code.entries.has(pc) && next.instrs.length > budget.left) code.entries.add(pc)
  if (next === undefined || code.entries.has(pc)) emitExit(g, String(pc))
  else emitBlock(g, code, next, budget)
}

function blockFunction(code: Code, block: Block): string {
  const g = new Gen()
  g.emit('const sp = R.sp')
  g.emit('let gas = R.gas')
  g.emit('const b = sp << 3')
  emitBlock(g, code, block, { left: CONTINUATION_BUDGET }, true)
  return `T[${block.start}] = function b${block.start}(s, f, env) {\n${g.lines.join('\n')}\n}`
}

/**
 * Generated JavaScript allowed per byte of bytecode. Solidity output needs 60-80 (the bench
 * contracts); contrived bytecode (24 KiB of GAS: ~480) would take the node's only thread for
 * half a second or more to generate and parse. Past the budget generation stops and the code stays
 * on the interpreter, which gives the same results; only its speed differs.
 */
export const SOURCE_BYTES_PER_CODE_BYTE = 160
const MIN_SOURCE_BUDGET = 64 * 1024

/**
 * The generated JavaScript for `a`'s code (the body of the factory `compile` instantiates), or
 * undefined when it would exceed the source budget.
 */
export function compiledSource(a: CodeAnalysis): string | undefined {
  const budget = Math.max(MIN_SOURCE_BUDGET, SOURCE_BYTES_PER_CODE_BYTE * a.length)
  const blocks = blocksOf(a)
  const entries = new Set<number>()
  let prev: Block | undefined
  for (const block of blocks.values()) {
    if (isEntry(a, block, prev)) entries.add(block.start)
    prev = block
  }
  const code: Code = { a, blocks, entries }
  const parts: string[] = []
  // (in code order: a function that runs out of budget only adds entries further on)
  let size = 0
  for (const block of blocks.values()) {
    if (!entries.has(block.start)) continue
    const part = blockFunction(code, block)
    size += part.length
    if (size > budget) return undefined
    parts.push(part)
  }
  return `const R = { sp: 0, gas: 0 }
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
}

/** Generates and instantiates the compiled form of `a`'s code (the interpreter past the source budget). */
export function compile(a: CodeAnalysis): CompiledCode {
  const source = compiledSource(a)
  if (source === undefined) return interpret
  const factory = new Function('W', 'H', 'CALL', 'EMPTY', 'jd', 'step', 'defer', source)
  return factory(word, runtime, callOp, EMPTY, a.jumpdests, stepInterpreter, deferToInterpreter) as CompiledCode
}
