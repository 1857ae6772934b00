// Parses the sections of a WASM binary into the structure that validation and instrumentation
// need. Well-formedness is checked first by the engine (`WebAssembly.validate`); this parser then
// enforces DTVM's own, narrower rules with precise locations.
import { WasmValidationError } from './errors.ts'
import { ByteReader } from './reader.ts'

export const I32 = 0x7f
export const I64 = 0x7e
export type ValType = typeof I32 | typeof I64

export type FuncType = { params: ValType[]; results: ValType[] }
export type Import = { module: string; name: string; kind: 'func'; typeIndex: number }
export type Export = { name: string; kind: number; index: number }
export type Limits = { min: number; max: number | undefined }
export type Global = { type: ValType; mutable: boolean; init: Uint8Array }
export type FunctionBody = {
  /** Offset of the body's first byte (after its size) in the module. */
  offset: number
  localTypes: ValType[]
  /** The body's locals declaration bytes, re-emitted unchanged. */
  localsBytes: Uint8Array
  /** Offset and end of the instruction stream (ending with the function's `end`). */
  codeStart: number
  codeEnd: number
}

export type ParsedModule = {
  bytes: Uint8Array
  types: FuncType[]
  imports: Import[]
  /** Type index of each module-defined function (not imports). */
  functions: number[]
  tables: Limits[]
  memories: Limits[]
  globals: Global[]
  exports: Export[]
  start: number | undefined
  /** Raw payloads of sections instrumentation copies through unchanged. */
  elementSection: Uint8Array | undefined
  dataSection: Uint8Array | undefined
  dataCountSection: Uint8Array | undefined
  dataSegmentCount: number
  bodies: FunctionBody[]
}

export const SECTION_NAMES = [
  'custom',
  'type',
  'import',
  'function',
  'table',
  'memory',
  'global',
  'export',
  'start',
  'element',
  'code',
  'data',
  'datacount',
]

function valType(reader: ReadonlyByteReader, section: string): ValType {
  const offset = reader.offset
  const t = reader.u8()
  if (t === I32 || t === I64) return t
  const what =
    t === 0x7d || t === 0x7c
      ? 'floats are not allowed'
      : t === 0x7b
        ? 'SIMD (v128) is not allowed'
        : 'reference and GC types are not allowed'
  throw new WasmValidationError(`value type 0x${t.toString(16)}: ${what}`, { section, offset })
}
type ReadonlyByteReader = ByteReader

function limits(reader: ByteReader, section: string): Limits {
  const offset = reader.offset
  const flag = reader.u8()
  if (flag > 1)
    throw new WasmValidationError('shared or 64-bit limits are not allowed (threads, memory64)', { section, offset })
  const min = reader.u32()
  const max = flag === 1 ? reader.u32() : undefined
  return { min, max }
}

/** Reads a constant expression (i32/i64.const or global.get, then end) and returns its bytes. */
function constExpr(reader: ByteReader, section: string): Uint8Array {
  const start = reader.offset
  const code = reader.u8()
  if (code === 0x41) reader.skipSigned(32)
  else if (code === 0x42) reader.skipSigned(64)
  else if (code === 0x23) reader.u32()
  else
    throw new WasmValidationError(`constant expression opcode 0x${code.toString(16)} is not allowed`, {
      section,
      offset: start,
    })
  if (reader.u8() !== 0x0b)
    throw new WasmValidationError('constant expression must be a single instruction', {
      section,
      offset: reader.offset - 1,
    })
  return reader.bytes.subarray(start, reader.offset)
}

export function parseModule(bytes: Uint8Array): ParsedModule {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new WasmValidationError('not a WASM module (missing \\0asm magic)', { offset: 0 })
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0)
    throw new WasmValidationError('unsupported WASM binary version (expected 1)', { offset: 4 })

  const module: ParsedModule = {
    bytes,
    types: [],
    imports: [],
    functions: [],
    tables: [],
    memories: [],
    globals: [],
    exports: [],
    start: undefined,
    elementSection: undefined,
    dataSection: undefined,
    dataCountSection: undefined,
    dataSegmentCount: 0,
    bodies: [],
  }
  const reader = new ByteReader(bytes, 8)
  while (!reader.done) {
    const id = reader.u8()
    const size = reader.u32()
    const start = reader.offset
    const end = start + size
    if (end > bytes.length)
      throw new WasmValidationError('section extends past the end of the module', { offset: start })
    const section = SECTION_NAMES[id] ?? `#${id}`
    const r = new ByteReader(bytes, start, end)
    switch (id) {
      case 0:
        break // custom sections (names, producers) carry no semantics; they are dropped on instrumentation
      case 1: {
        for (let n = r.u32(), i = 0; i < n; i++) {
          const form = r.u8()
          if (form !== 0x60)
            throw new WasmValidationError(`type form 0x${form.toString(16)} is not allowed (GC types)`, {
              section,
              offset: r.offset - 1,
            })
          const params = Array.from({ length: r.u32() }, () => valType(r, section))
          const results = Array.from({ length: r.u32() }, () => valType(r, section))
          module.types.push({ params, results })
        }
        break
      }
      case 2: {
        for (let n = r.u32(), i = 0; i < n; i++) {
          const offset = r.offset
          const mod = r.name()
          const name = r.name()
          const kind = r.u8()
          if (kind !== 0)
            throw new WasmValidationError(
              `import ${mod}.${name}: only functions may be imported (memory, tables and globals are defined by the contract)`,
              {
                section,
                offset,
              },
            )
          module.imports.push({ module: mod, name, kind: 'func', typeIndex: r.u32() })
        }
        break
      }
      case 3:
        for (let n = r.u32(), i = 0; i < n; i++) module.functions.push(r.u32())
        break
      case 4:
        for (let n = r.u32(), i = 0; i < n; i++) {
          const offset = r.offset
          const refType = r.u8()
          if (refType !== 0x70) throw new WasmValidationError('only funcref tables are allowed', { section, offset })
          module.tables.push(limits(r, section))
        }
        break
      case 5:
        for (let n = r.u32(), i = 0; i < n; i++) module.memories.push(limits(r, section))
        break
      case 6:
        for (let n = r.u32(), i = 0; i < n; i++) {
          const type = valType(r, section)
          const mutable = r.u8() === 1
          module.globals.push({ type, mutable, init: constExpr(r, section) })
        }
        break
      case 7:
        for (let n = r.u32(), i = 0; i < n; i++) module.exports.push({ name: r.name(), kind: r.u8(), index: r.u32() })
        break
      case 8:
        module.start = r.u32()
        break
      case 9:
        validateElements(r, section)
        module.elementSection = bytes.subarray(start, end)
        break
      case 10: {
        for (let n = r.u32(), i = 0; i < n; i++) {
          const bodySize = r.u32()
          const offset = r.offset
          const bodyEnd = offset + bodySize
          const body = new ByteReader(bytes, offset, bodyEnd)
          const localTypes: ValType[] = []
          for (let groups = body.u32(), g = 0; g < groups; g++) {
            const count = body.u32()
            const type = valType(body, section)
            if (localTypes.length + count > 50_000)
              throw new WasmValidationError('too many locals', {
                section,
                functionIndex: module.imports.length + i,
                offset,
              })
            for (let k = 0; k < count; k++) localTypes.push(type)
          }
          module.bodies.push({
            offset,
            localTypes,
            localsBytes: bytes.subarray(offset, body.offset),
            codeStart: body.offset,
            codeEnd: bodyEnd,
          })
          r.offset = bodyEnd
        }
        break
      }
      case 11:
        module.dataSegmentCount = validateData(r, section)
        module.dataSection = bytes.subarray(start, end)
        break
      case 12:
        module.dataCountSection = bytes.subarray(start, end)
        break
      default:
        throw new WasmValidationError(
          `unknown section id ${id} (tags/exceptions and other proposals are not allowed)`,
          { offset: start - 2 },
        )
    }
    reader.offset = end
  }
  return module
}

/** Element segments: only MVP active segments of function indices into table 0 (flag 0). */
function validateElements(r: ByteReader, section: string): void {
  for (let n = r.u32(), i = 0; i < n; i++) {
    const offset = r.offset
    const flags = r.u32()
    if (flags !== 0)
      throw new WasmValidationError(
        `element segment ${i}: only active funcref segments for table 0 are allowed (flags ${flags})`,
        { section, offset },
      )
    constExpr(r, section)
    for (let count = r.u32(), k = 0; k < count; k++) r.u32()
  }
}

/** Data segments: active for memory 0 (flags 0 or 2 with index 0) or passive (flags 1, for memory.init). */
function validateData(r: ByteReader, section: string): number {
  const n = r.u32()
  for (let i = 0; i < n; i++) {
    const offset = r.offset
    const flags = r.u32()
    if (flags === 2 && r.u32() !== 0)
      throw new WasmValidationError(`data segment ${i}: only memory 0 exists`, { section, offset })
    if (flags === 0 || flags === 2) constExpr(r, section)
    else if (flags !== 1)
      throw new WasmValidationError(`data segment ${i}: unknown flags ${flags}`, { section, offset })
    r.take(r.u32())
  }
  return n
}
