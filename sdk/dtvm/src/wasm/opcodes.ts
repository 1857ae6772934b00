// The opcode allow-list of DTVM's WASM contracts, with each allowed opcode's immediates, operand
// stack effect (for worst-case frame sizes) and price in ink (gas × INK_PER_GAS).
//
// Allowed: the integer subset of WASM MVP, sign-extension ops and the bulk-memory `memory.*` ops.
// Rejected: every float opcode (we reject rather than NaN-canonicalize: NaN bit patterns are the one
// V8 behaviour that differs between hosts, and contracts have no need for floats), SIMD and relaxed
// SIMD, threads/atomics, reference types (incl. typed select and table.* ops), exceptions, tail calls.

/** Immediate operand layouts that follow an opcode byte. */
export type Immediate =
  | 'none'
  | 'blocktype'
  | 'label'
  | 'brtable'
  | 'func'
  | 'callindirect'
  | 'local'
  | 'global'
  | 'memarg'
  | 'memidx'
  | 'i32'
  | 'i64'

export type OpInfo = {
  name: string
  imm: Immediate
  /** Operands popped and results pushed (calls, blocks and control are handled specially). */
  pop: number
  push: number
  ink: number
}

/** 1 gas = 10,000 ink, as in Arbitrum Stylus: WASM ops cost a small fraction of an EVM gas. */
export const INK_PER_GAS = 10_000n

const INK = {
  trivial: 20,
  local: 40,
  global: 60,
  alu: 70,
  mul: 150,
  div: 800,
  load: 250,
  store: 300,
  branch: 150,
  call: 3_000,
  callIndirect: 3_500,
  memorySize: 100,
} as const

export const SINGLE_BYTE_OPS = new Map<number, OpInfo>()
/** Sub-opcodes of the 0xFC prefix we allow (bulk memory on linear memory only). */
export const FC_OPS = new Map<number, OpInfo & { extra: 'meminit' | 'datadrop' | 'memcopy' | 'memfill' }>()

function op(code: number, name: string, imm: Immediate, pop: number, push: number, ink: number): void {
  SINGLE_BYTE_OPS.set(code, { name, imm, pop, push, ink })
}

op(0x00, 'unreachable', 'none', 0, 0, INK.trivial)
op(0x01, 'nop', 'none', 0, 0, INK.trivial)
op(0x02, 'block', 'blocktype', 0, 0, INK.trivial)
op(0x03, 'loop', 'blocktype', 0, 0, INK.trivial)
op(0x04, 'if', 'blocktype', 1, 0, INK.branch)
op(0x05, 'else', 'none', 0, 0, INK.trivial)
op(0x0b, 'end', 'none', 0, 0, INK.trivial)
op(0x0c, 'br', 'label', 0, 0, INK.branch)
op(0x0d, 'br_if', 'label', 1, 0, INK.branch)
op(0x0e, 'br_table', 'brtable', 1, 0, INK.branch)
op(0x0f, 'return', 'none', 0, 0, INK.branch)
op(0x10, 'call', 'func', 0, 0, INK.call)
op(0x11, 'call_indirect', 'callindirect', 1, 0, INK.callIndirect)
op(0x1a, 'drop', 'none', 1, 0, INK.trivial)
op(0x1b, 'select', 'none', 3, 1, INK.alu)
op(0x20, 'local.get', 'local', 0, 1, INK.local)
op(0x21, 'local.set', 'local', 1, 0, INK.local)
op(0x22, 'local.tee', 'local', 1, 1, INK.local)
op(0x23, 'global.get', 'global', 0, 1, INK.global)
op(0x24, 'global.set', 'global', 1, 0, INK.global)

const loads: Array<[number, string]> = [
  [0x28, 'i32.load'],
  [0x29, 'i64.load'],
  [0x2c, 'i32.load8_s'],
  [0x2d, 'i32.load8_u'],
  [0x2e, 'i32.load16_s'],
  [0x2f, 'i32.load16_u'],
  [0x30, 'i64.load8_s'],
  [0x31, 'i64.load8_u'],
  [0x32, 'i64.load16_s'],
  [0x33, 'i64.load16_u'],
  [0x34, 'i64.load32_s'],
  [0x35, 'i64.load32_u'],
]
for (const [code, name] of loads) op(code, name, 'memarg', 1, 1, INK.load)
const stores: Array<[number, string]> = [
  [0x36, 'i32.store'],
  [0x37, 'i64.store'],
  [0x3a, 'i32.store8'],
  [0x3b, 'i32.store16'],
  [0x3c, 'i64.store8'],
  [0x3d, 'i64.store16'],
  [0x3e, 'i64.store32'],
]
for (const [code, name] of stores) op(code, name, 'memarg', 2, 0, INK.store)

op(0x3f, 'memory.size', 'memidx', 0, 1, INK.memorySize)
op(0x40, 'memory.grow', 'memidx', 1, 1, INK.memorySize)
op(0x41, 'i32.const', 'i32', 0, 1, INK.trivial)
op(0x42, 'i64.const', 'i64', 0, 1, INK.trivial)

const unary = (code: number, name: string) => op(code, name, 'none', 1, 1, INK.alu)
const binary = (code: number, name: string, ink: number = INK.alu) => op(code, name, 'none', 2, 1, ink)

unary(0x45, 'i32.eqz')
for (const [i, name] of ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'].entries()) {
  binary(0x46 + i, `i32.${name}`)
  binary(0x51 + i, `i64.${name}`)
}
unary(0x50, 'i64.eqz')
for (const [i, name] of ['clz', 'ctz', 'popcnt'].entries()) {
  unary(0x67 + i, `i32.${name}`)
  unary(0x79 + i, `i64.${name}`)
}
const binops = [
  'add',
  'sub',
  'mul',
  'div_s',
  'div_u',
  'rem_s',
  'rem_u',
  'and',
  'or',
  'xor',
  'shl',
  'shr_s',
  'shr_u',
  'rotl',
  'rotr',
]
for (const [i, name] of binops.entries()) {
  const ink = name === 'mul' ? INK.mul : name.startsWith('div') || name.startsWith('rem') ? INK.div : INK.alu
  binary(0x6a + i, `i32.${name}`, ink)
  binary(0x7c + i, `i64.${name}`, ink)
}
unary(0xa7, 'i32.wrap_i64')
unary(0xac, 'i64.extend_i32_s')
unary(0xad, 'i64.extend_i32_u')
unary(0xc0, 'i32.extend8_s')
unary(0xc1, 'i32.extend16_s')
unary(0xc2, 'i64.extend8_s')
unary(0xc3, 'i64.extend16_s')
unary(0xc4, 'i64.extend32_s')

FC_OPS.set(8, { name: 'memory.init', imm: 'none', pop: 3, push: 0, ink: INK.call, extra: 'meminit' })
FC_OPS.set(9, { name: 'data.drop', imm: 'none', pop: 0, push: 0, ink: INK.alu, extra: 'datadrop' })
FC_OPS.set(10, { name: 'memory.copy', imm: 'none', pop: 3, push: 0, ink: INK.call, extra: 'memcopy' })
FC_OPS.set(11, { name: 'memory.fill', imm: 'none', pop: 3, push: 0, ink: INK.call, extra: 'memfill' })

/** Why an opcode outside the allow-list is rejected, for the error message. */
export function rejectionReason(code: number, sub?: number): string {
  if (code === 0xfc)
    return sub !== undefined && sub <= 7
      ? 'float truncation is not allowed (no floats)'
      : 'table and reference-type operations are not allowed'
  if (code === 0xfd) return 'SIMD (incl. relaxed SIMD) is not allowed'
  if (code === 0xfe) return 'threads/atomics are not allowed'
  if ((code >= 0x2a && code <= 0x2b) || (code >= 0x38 && code <= 0x39) || code === 0x43 || code === 0x44)
    return 'floats are not allowed'
  if (
    (code >= 0x5b && code <= 0x66) ||
    (code >= 0x8b && code <= 0xa6) ||
    (code >= 0xa8 && code <= 0xab) ||
    (code >= 0xae && code <= 0xbf)
  )
    return 'floats are not allowed'
  if (code === 0x1c || code === 0x25 || code === 0x26 || (code >= 0xd0 && code <= 0xd6))
    return 'reference types are not allowed'
  if (code >= 0x06 && code <= 0x0a) return 'exception handling is not allowed'
  if (code === 0x12 || code === 0x13 || code === 0x14 || code === 0x15)
    return 'tail calls and typed function references are not allowed'
  return 'unknown opcode'
}

export function opcodeName(code: number, sub?: number): string {
  const known = SINGLE_BYTE_OPS.get(code)
  if (known) return known.name
  if (sub !== undefined) return `0x${code.toString(16)} ${sub}`
  return `0x${code.toString(16).padStart(2, '0')}`
}
