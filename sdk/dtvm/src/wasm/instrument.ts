// Rewrites a validated contract so that metering and depth limits run inside WASM itself, where V8's
// tiering cannot change them (the Stylus pattern, see ../../README.md):
//  - ink: a mutable i64 global, checked and debited at the head of every basic block by the
//    block's exact price; on shortfall the module sets the trap global to 1 and traps.
//  - depth: every defined function i becomes a wrapper at the same index that debits the function's
//    worst-case frame words from a mutable i32 global (trap 2 when short), calls the original body
//    (moved to a new index) and credits the words back. Calls, exports and tables keep their indices.
//  - memory.grow / memory.copy / memory.fill / memory.init call helpers that charge before acting;
//    growth past the page limit returns -1 deterministically.
// Exported globals `__dtvm_ink`, `__dtvm_stack` and `__dtvm_trap` connect the host to the counters.

import { INK_BULK_BASE, INK_PER_BULK_BYTE, INK_PER_PAGE, WASM_LIMITS } from './limits.ts'
import { I32, type ValType } from './module.ts'
import { ByteWriter } from './reader.ts'
import type { ValidatedContract } from './validate.ts'

export const TRAP_OUT_OF_INK = 1
export const TRAP_STACK_EXHAUSTED = 2
export const INK_GLOBAL_EXPORT = '__dtvm_ink'
export const STACK_GLOBAL_EXPORT = '__dtvm_stack'
export const TRAP_GLOBAL_EXPORT = '__dtvm_trap'

const OP = {
  unreachable: 0x00,
  if: 0x04,
  end: 0x0b,
  return: 0x0f,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  globalGet: 0x23,
  globalSet: 0x24,
  memorySize: 0x3f,
  memoryGrow: 0x40,
  i32Const: 0x41,
  i64Const: 0x42,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i64LtU: 0x54,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64ExtendI32U: 0xad,
  void: 0x40,
} as const

function section(out: ByteWriter, id: number, body: ByteWriter | Uint8Array | undefined): void {
  if (!body) return
  const bytes = body instanceof ByteWriter ? body.finish() : body
  out.u8(id).sized(bytes)
}

function vec<T>(items: readonly T[], write: (w: ByteWriter, item: T) => void): ByteWriter {
  const w = new ByteWriter().u32(items.length)
  for (const item of items) write(w, item)
  return w
}

/** `if (global[G] < cost) { trap = reason; unreachable }` then `global[G] -= cost`, for i64 ink. */
function chargeConst(w: ByteWriter, ink: number, trap: number, cost: bigint): void {
  w.u8(OP.globalGet).u32(ink).u8(OP.i64Const).s64(cost).u8(OP.i64LtU)
  w.u8(OP.if).u8(OP.void).u8(OP.i32Const).s32(TRAP_OUT_OF_INK).u8(OP.globalSet).u32(trap).u8(OP.unreachable).u8(OP.end)
  w.u8(OP.globalGet).u32(ink).u8(OP.i64Const).s64(cost).u8(OP.i64Sub).u8(OP.globalSet).u32(ink)
}

/** The same charge for a cost held in i64 local `costLocal`. */
function chargeLocal(w: ByteWriter, ink: number, trap: number, costLocal: number): void {
  w.u8(OP.globalGet).u32(ink).u8(OP.localGet).u32(costLocal).u8(OP.i64LtU)
  w.u8(OP.if).u8(OP.void).u8(OP.i32Const).s32(TRAP_OUT_OF_INK).u8(OP.globalSet).u32(trap).u8(OP.unreachable).u8(OP.end)
  w.u8(OP.globalGet).u32(ink).u8(OP.localGet).u32(costLocal).u8(OP.i64Sub).u8(OP.globalSet).u32(ink)
}

export function instrument(contract: ValidatedContract): Uint8Array {
  const { module, bodies, frameWords } = contract
  const imported = module.imports.length
  const defined = module.functions.length
  const growType = module.types.length
  const bulkType = growType + 1
  const inkGlobal = module.globals.length
  const stackGlobal = inkGlobal + 1
  const trapGlobal = inkGlobal + 2
  const innerBase = imported + defined
  const growHelper = innerBase + defined
  const copyHelper = growHelper + 1
  const fillHelper = growHelper + 2
  const initHelperBase = growHelper + 3 // one per data segment, in segment order
  // memory.init is only valid (and can only occur) in modules with a data count section.
  const initHelpers = module.dataCountSection ? module.dataSegmentCount : 0

  const out = new ByteWriter()
  out.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]))

  const types = [...module.types, { params: [I32], results: [I32] }, { params: [I32, I32, I32], results: [] }]
  section(
    out,
    1,
    vec(types, (w, t) => {
      w.u8(0x60).u32(t.params.length)
      for (const p of t.params) w.u8(p)
      w.u32(t.results.length)
      for (const r of t.results) w.u8(r)
    }),
  )
  if (module.imports.length > 0)
    section(
      out,
      2,
      vec(module.imports, (w, imp) => {
        w.name(imp.module).name(imp.name).u8(0).u32(imp.typeIndex)
      }),
    )
  const functionTypes = [
    ...module.functions,
    ...module.functions,
    growType,
    bulkType,
    bulkType,
    ...Array.from({ length: initHelpers }, () => bulkType),
  ]
  section(
    out,
    3,
    vec(functionTypes, (w, t) => {
      w.u32(t)
    }),
  )
  if (module.tables.length > 0)
    section(
      out,
      4,
      vec(module.tables, (w, t) => {
        w.u8(0x70)
        if (t.max === undefined) w.u8(0).u32(t.min)
        else w.u8(1).u32(t.min).u32(t.max)
      }),
    )
  section(
    out,
    5,
    vec(module.memories, (w, m) => {
      if (m.max === undefined) w.u8(0).u32(m.min)
      else w.u8(1).u32(m.min).u32(m.max)
    }),
  )
  const globals: Array<{ type: ValType; mutable: boolean; init: Uint8Array }> = [
    ...module.globals,
    { type: 0x7e, mutable: true, init: new Uint8Array([OP.i64Const, 0, OP.end]) },
    { type: I32, mutable: true, init: new Uint8Array([OP.i32Const, 0, OP.end]) },
    { type: I32, mutable: true, init: new Uint8Array([OP.i32Const, 0, OP.end]) },
  ]
  section(
    out,
    6,
    vec(globals, (w, g) => {
      w.u8(g.type)
        .u8(g.mutable ? 1 : 0)
        .bytes(g.init)
    }),
  )
  const exports = [
    ...module.exports,
    { name: INK_GLOBAL_EXPORT, kind: 3, index: inkGlobal },
    { name: STACK_GLOBAL_EXPORT, kind: 3, index: stackGlobal },
    { name: TRAP_GLOBAL_EXPORT, kind: 3, index: trapGlobal },
  ]
  section(
    out,
    7,
    vec(exports, (w, e) => {
      w.name(e.name).u8(e.kind).u32(e.index)
    }),
  )
  section(out, 9, module.elementSection)
  section(out, 12, module.dataCountSection)

  const code = new ByteWriter().u32(functionTypes.length)
  // Wrappers (at the original indices): debit the frame, call the body, credit it back.
  for (let i = 0; i < defined; i++) {
    const type = module.types[module.functions[i]!]!
    const frame = frameWords[i]!
    const w = new ByteWriter().u32(0)
    w.u8(OP.globalGet).u32(stackGlobal).u8(OP.i32Const).s32(frame).u8(OP.i32LtU)
    w.u8(OP.if)
      .u8(OP.void)
      .u8(OP.i32Const)
      .s32(TRAP_STACK_EXHAUSTED)
      .u8(OP.globalSet)
      .u32(trapGlobal)
      .u8(OP.unreachable)
      .u8(OP.end)
    w.u8(OP.globalGet).u32(stackGlobal).u8(OP.i32Const).s32(frame).u8(OP.i32Sub).u8(OP.globalSet).u32(stackGlobal)
    for (let p = 0; p < type.params.length; p++) w.u8(OP.localGet).u32(p)
    w.u8(OP.call).u32(innerBase + i)
    w.u8(OP.globalGet).u32(stackGlobal).u8(OP.i32Const).s32(frame).u8(OP.i32Add).u8(OP.globalSet).u32(stackGlobal)
    w.u8(OP.end)
    code.sized(w.finish())
  }
  // Original bodies with a metering header per basic block and charged memory operations.
  for (let i = 0; i < defined; i++) {
    const body = module.bodies[i]!
    const { instrs, blockInk } = bodies[i]!
    const w = new ByteWriter().bytes(body.localsBytes)
    for (let k = 0; k < instrs.length; k++) {
      const cost = blockInk.get(k)
      if (cost !== undefined) chargeConst(w, inkGlobal, trapGlobal, BigInt(cost))
      const instr = instrs[k]!
      if (instr.code === OP.memoryGrow) w.u8(OP.call).u32(growHelper)
      else if (instr.code === 0xfc && instr.sub === 10) w.u8(OP.call).u32(copyHelper)
      else if (instr.code === 0xfc && instr.sub === 11) w.u8(OP.call).u32(fillHelper)
      else if (instr.code === 0xfc && instr.sub === 8) w.u8(OP.call).u32(initHelperBase + instr.index)
      else w.bytes(module.bytes.subarray(instr.start, instr.end))
    }
    code.sized(w.finish())
  }
  // memory.grow helper: (pages) -> old size or -1. Refuses growth past the limit without charge.
  {
    const w = new ByteWriter().u32(1).u32(1).u8(0x7e)
    w.u8(OP.localGet).u32(0).u8(OP.i32Const).s32(WASM_LIMITS.maxMemoryPages).u8(OP.i32GtU)
    w.u8(OP.if).u8(OP.void).u8(OP.i32Const).s32(-1).u8(OP.return).u8(OP.end)
    w.u8(OP.localGet)
      .u32(0)
      .u8(OP.memorySize)
      .u8(0)
      .u8(OP.i32Add)
      .u8(OP.i32Const)
      .s32(WASM_LIMITS.maxMemoryPages)
      .u8(OP.i32GtU)
    w.u8(OP.if).u8(OP.void).u8(OP.i32Const).s32(-1).u8(OP.return).u8(OP.end)
    w.u8(OP.localGet).u32(0).u8(OP.i64ExtendI32U).u8(OP.i64Const).s64(INK_PER_PAGE).u8(OP.i64Mul).u8(OP.localSet).u32(1)
    chargeLocal(w, inkGlobal, trapGlobal, 1)
    w.u8(OP.localGet).u32(0).u8(OP.memoryGrow).u8(0).u8(OP.end)
    code.sized(w.finish())
  }
  // Bulk helpers: (a, b, length): charge base + length × per-byte, then do the operation.
  const bulk = (operation: number[]) => {
    const w = new ByteWriter().u32(1).u32(1).u8(0x7e)
    w.u8(OP.i64Const)
      .s64(INK_BULK_BASE)
      .u8(OP.localGet)
      .u32(2)
      .u8(OP.i64ExtendI32U)
      .u8(OP.i64Const)
      .s64(INK_PER_BULK_BYTE)
    w.u8(OP.i64Mul).u8(OP.i64Add).u8(OP.localSet).u32(3)
    chargeLocal(w, inkGlobal, trapGlobal, 3)
    w.u8(OP.localGet).u32(0).u8(OP.localGet).u32(1).u8(OP.localGet).u32(2)
    for (const byte of operation) w.u8(byte)
    w.u8(OP.end)
    code.sized(w.finish())
  }
  bulk([0xfc, 10, 0, 0])
  bulk([0xfc, 11, 0])
  for (let segment = 0; segment < initHelpers; segment++) {
    const op = new ByteWriter().u8(0xfc).u32(8).u32(segment).u8(0).finish()
    bulk([...op])
  }
  section(out, 10, code)
  section(out, 11, module.dataSection)
  return out.finish()
}
