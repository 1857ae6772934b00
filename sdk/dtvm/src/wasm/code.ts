// Decodes a function body against the opcode allow-list and measures it: every instruction with
// its extent and immediates, the basic blocks to meter, and the worst-case operand stack height.
import { WasmValidationError } from './errors.ts'
import type { FuncType, ParsedModule } from './module.ts'
import { FC_OPS, opcodeName, rejectionReason, SINGLE_BYTE_OPS } from './opcodes.ts'
import { ByteReader } from './reader.ts'

export type Instr = {
  start: number
  end: number
  code: number
  /** 0xFC sub-opcode, when `code` is 0xFC. */
  sub: number
  ink: number
  /** call target, call_indirect type, data segment (memory.init/data.drop) or br_table size. */
  index: number
}

export type DecodedBody = {
  instrs: Instr[]
  /** For each instruction index that starts a basic block, the ink of that block. */
  blockInk: Map<number, number>
  maxStackHeight: number
}

type Frame = { height: number; results: number; params: number; unreachable: boolean }

/** Instructions after which a new basic block starts (control flow may enter or leave there). */
const ENDS_BLOCK = new Set([0x00, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f])

export function decodeBody(module: ParsedModule, functionIndex: number, type: FuncType): DecodedBody {
  const bodyIndex = functionIndex - module.imports.length
  const body = module.bodies[bodyIndex]!
  const reader = new ByteReader(module.bytes, body.codeStart, body.codeEnd)
  const instrs: Instr[] = []
  const fail = (reason: string, offset: number, opcode?: string): never => {
    throw new WasmValidationError(reason, { section: 'code', functionIndex, offset, ...(opcode ? { opcode } : {}) })
  }
  const frames: Frame[] = [{ height: 0, results: type.results.length, params: 0, unreachable: false }]
  let height = 0
  let maxHeight = 0
  const pop = (n: number) => {
    const frame = frames[frames.length - 1]!
    height = Math.max(frame.unreachable ? frame.height : 0, height - n)
  }
  const push = (n: number) => {
    height += n
    if (height > maxHeight) maxHeight = height
  }
  const blockArity = (blockType: number, offset: number): { params: number; results: number } => {
    if (blockType === -64) return { params: 0, results: 0 }
    if (blockType < 0) return { params: 0, results: 1 }
    const t = module.types[blockType]
    if (!t) return fail(`block type index ${blockType} does not exist`, offset)
    return { params: t.params.length, results: t.results.length }
  }
  const funcType = (index: number, offset: number): FuncType => {
    const typeIndex =
      index < module.imports.length ? module.imports[index]?.typeIndex : module.functions[index - module.imports.length]
    const t = typeIndex === undefined ? undefined : module.types[typeIndex]
    if (!t) return fail(`call to function ${index}, which does not exist`, offset)
    return t
  }

  while (!reader.done) {
    const start = reader.offset
    const code = reader.u8()
    let sub = -1
    let index = -1
    let ink: number
    if (code === 0xfc) {
      sub = reader.u32()
      const info = FC_OPS.get(sub)
      if (!info) fail(rejectionReason(code, sub), start, opcodeName(code, sub))
      ink = info!.ink
      if (info!.extra === 'meminit') {
        index = reader.u32()
        if (index >= module.dataSegmentCount) fail(`memory.init of data segment ${index}, which does not exist`, start)
        reader.u8()
      } else if (info!.extra === 'datadrop') {
        index = reader.u32()
      } else if (info!.extra === 'memcopy') {
        reader.u8()
        reader.u8()
      } else reader.u8()
      pop(info!.pop)
    } else {
      const info = SINGLE_BYTE_OPS.get(code)
      if (!info) return fail(rejectionReason(code), start, opcodeName(code))
      ink = info.ink
      switch (info.imm) {
        case 'blocktype': {
          const blockType = reader.s33()
          const arity = blockArity(blockType, start)
          if (code === 0x04) pop(1)
          pop(arity.params)
          frames.push({ height, results: arity.results, params: arity.params, unreachable: false })
          push(arity.params)
          break
        }
        case 'label':
          reader.u32()
          break
        case 'brtable': {
          const count = reader.u32()
          for (let i = 0; i <= count; i++) reader.u32()
          index = count
          ink += 5 * count
          break
        }
        case 'func':
          index = reader.u32()
          break
        case 'callindirect':
          index = reader.u32()
          if (reader.u8() !== 0) fail('call_indirect may only use table 0', start)
          break
        case 'local':
        case 'global':
          reader.u32()
          break
        case 'memarg':
          reader.u32()
          reader.u32()
          break
        case 'memidx':
          if (reader.u8() !== 0) fail('only memory 0 exists', start)
          break
        case 'i32':
          reader.skipSigned(32)
          break
        case 'i64':
          reader.skipSigned(64)
          break
        case 'none':
          break
      }
      // Operand stack effect, to bound the frame size the depth limiter charges.
      if (code === 0x10 || code === 0x11) {
        const t = code === 0x10 ? funcType(index, start) : module.types[index]
        if (!t) fail(`call_indirect with type index ${index}, which does not exist`, start)
        pop(info.pop + t!.params.length)
        push(t!.results.length)
      } else if (code === 0x05) {
        const frame = frames[frames.length - 1]!
        height = frame.height + frame.params
        frame.unreachable = false
      } else if (code === 0x0b) {
        const frame = frames.pop()!
        height = frame.height
        push(frame.results)
      } else if (code === 0x00 || code === 0x0c || code === 0x0e || code === 0x0f) {
        pop(info.pop)
        const frame = frames[frames.length - 1]!
        frame.unreachable = true
        height = frame.height
      } else if (info.imm !== 'blocktype') {
        pop(info.pop)
        push(info.push)
      }
    }
    instrs.push({ start, end: reader.offset, code, sub, ink, index })
    if (frames.length === 0 && !reader.done) fail('instructions after the end of the function', reader.offset)
  }
  if (frames.length !== 0) fail('function body is missing its final end', body.codeEnd)

  const blockInk = new Map<number, number>()
  let leader = 0
  let sum = 0
  for (let i = 0; i < instrs.length; i++) {
    const instr = instrs[i]!
    sum += instr.ink
    if ((instr.code !== 0xfc && ENDS_BLOCK.has(instr.code)) || i === instrs.length - 1) {
      blockInk.set(leader, sum)
      leader = i + 1
      sum = 0
    }
  }
  return { instrs, blockInk, maxStackHeight: maxHeight }
}
