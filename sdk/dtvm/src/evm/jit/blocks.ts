// Bytecode → the interpreter's gas blocks (same boundaries as analysis.ts: a block starts at every
// JUMPDEST and after every instruction that ends one), plus the static facts the compiler needs.
import type { CodeAnalysis } from '../analysis.ts'
import { ENDS_BLOCK, STACK_IN, STACK_OUT } from '../opcodes.ts'

export type Instr = { pc: number; op: number }

export type Block = {
  start: number
  instrs: Instr[]
  /** The pc after the last instruction (where control falls through to). */
  next: number
  /** Stack height the block needs on entry (the deepest slot any instruction reads). */
  need: number
  /** Highest height above the entry height reached inside the block. */
  growth: number
  /** Height change over the whole block. */
  delta: number
}

/** Splits code into the interpreter's gas blocks, indexed by start pc. */
export function blocksOf(a: CodeAnalysis): Map<number, Block> {
  const code = a.code
  const blocks = new Map<number, Block>()
  const close = (b: Block, next: number) => {
    b.next = next
    let d = 0
    for (const { op } of b.instrs) {
      b.need = Math.max(b.need, STACK_IN[op]! - d)
      b.growth = Math.max(b.growth, d - STACK_IN[op]! + STACK_OUT[op]!)
      d += STACK_OUT[op]! - STACK_IN[op]!
    }
    b.delta = d
    blocks.set(b.start, b)
  }
  const open = (start: number): Block => ({ start, instrs: [], next: 0, need: 0, growth: 0, delta: 0 })
  let cur = open(0)
  let pc = 0
  while (pc < a.length) {
    const op = code[pc]!
    if (op === 0x5b && pc !== cur.start) {
      close(cur, pc)
      cur = open(pc)
    }
    cur.instrs.push({ pc, op })
    pc += op >= 0x60 && op <= 0x7f ? op - 0x5e : 1
    if (ENDS_BLOCK[op]) {
      close(cur, pc)
      cur = open(pc)
    }
  }
  if (cur.instrs.length > 0) close(cur, pc)
  return blocks
}

/** The 8 little-endian limbs of PUSHn's immediate (bytes past the code end read as zero: code is padded). */
export function pushLimbs(code: Uint8Array, pc: number, n: number): number[] {
  const limbs = [0, 0, 0, 0, 0, 0, 0, 0]
  for (let k = 0; k < n; k++) {
    const byte = code[pc + n - k]!
    limbs[k >> 2]! += byte * 2 ** (8 * (k & 3))
  }
  return limbs
}
