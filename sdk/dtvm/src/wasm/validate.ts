// Deploy-time validation of a WASM contract: the engine checks well-formedness and typing, then
// DTVM's allow-list, bounds, imports and exports are enforced with a precise reason for each.
import { type DecodedBody, decodeBody } from './code.ts'
import { WasmValidationError } from './errors.ts'
import { DEPLOY_EXPORT, ENTRY_EXPORT, HOST_FUNCTIONS, HOST_MODULE, MEMORY_EXPORT } from './host-abi.ts'
import { WASM_LIMITS } from './limits.ts'
import { type FuncType, type ParsedModule, parseModule } from './module.ts'

export type ValidatedContract = {
  module: ParsedModule
  bodies: DecodedBody[]
  /** Worst-case stack words each defined function's frame costs the depth limiter. */
  frameWords: number[]
  hasDeploy: boolean
}

export const RESERVED_EXPORT_PREFIX = '__dtvm'

const sameType = (a: FuncType, b: FuncType) =>
  a.params.length === b.params.length &&
  a.results.length === b.results.length &&
  a.params.every((t, i) => t === b.params[i]) &&
  a.results.every((t, i) => t === b.results[i])

const describe = (t: FuncType) =>
  `(${t.params.map((p) => (p === 0x7f ? 'i32' : 'i64')).join(', ')}) -> (${t.results.map((p) => (p === 0x7f ? 'i32' : 'i64')).join(', ')})`

export function validateWasmContract(bytes: Uint8Array): ValidatedContract {
  if (bytes.length > WASM_LIMITS.maxModuleBytes)
    throw new WasmValidationError(`module is ${bytes.length} bytes; the limit is ${WASM_LIMITS.maxModuleBytes}`)
  const module = parseModule(bytes)
  if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) {
    // Compile only to obtain the engine's explanation of what is malformed.
    try {
      new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)
    } catch (error) {
      throw new WasmValidationError(`engine rejected the module: ${(error as Error).message}`)
    }
  }

  if (module.types.length > WASM_LIMITS.maxTypes)
    throw new WasmValidationError(`${module.types.length} types; the limit is ${WASM_LIMITS.maxTypes}`, {
      section: 'type',
    })
  const functionCount = module.imports.length + module.functions.length
  if (functionCount > WASM_LIMITS.maxFunctions)
    throw new WasmValidationError(`${functionCount} functions; the limit is ${WASM_LIMITS.maxFunctions}`, {
      section: 'function',
    })
  if (module.globals.length > WASM_LIMITS.maxGlobals)
    throw new WasmValidationError(`${module.globals.length} globals; the limit is ${WASM_LIMITS.maxGlobals}`, {
      section: 'global',
    })
  if (module.dataSegmentCount > WASM_LIMITS.maxDataSegments)
    throw new WasmValidationError(
      `${module.dataSegmentCount} data segments; the limit is ${WASM_LIMITS.maxDataSegments}`,
      { section: 'data' },
    )

  for (const [index, imp] of module.imports.entries()) {
    const where = { section: 'import', functionIndex: index }
    if (imp.module !== HOST_MODULE)
      throw new WasmValidationError(
        `import ${imp.module}.${imp.name}: only the "${HOST_MODULE}" host module may be imported`,
        where,
      )
    const expected = HOST_FUNCTIONS[imp.name]
    if (!expected) throw new WasmValidationError(`import ${HOST_MODULE}.${imp.name}: no such host function`, where)
    const actual = module.types[imp.typeIndex]!
    if (!sameType(actual, expected))
      throw new WasmValidationError(
        `import ${HOST_MODULE}.${imp.name} has type ${describe(actual)}; the host provides ${describe(expected)}`,
        where,
      )
  }

  if (module.memories.length !== 1)
    throw new WasmValidationError(`a contract defines exactly one memory (found ${module.memories.length})`, {
      section: 'memory',
    })
  const memory = module.memories[0]!
  if (memory.min > WASM_LIMITS.maxMemoryPages || (memory.max !== undefined && memory.max > WASM_LIMITS.maxMemoryPages))
    throw new WasmValidationError(`memory limits exceed ${WASM_LIMITS.maxMemoryPages} pages of 64 KiB`, {
      section: 'memory',
    })
  if (module.tables.length > 1) throw new WasmValidationError('at most one table is allowed', { section: 'table' })
  const table = module.tables[0]
  if (
    table &&
    (table.min > WASM_LIMITS.maxTableSize || (table.max !== undefined && table.max > WASM_LIMITS.maxTableSize))
  )
    throw new WasmValidationError(`table size exceeds ${WASM_LIMITS.maxTableSize} entries`, { section: 'table' })
  if (module.start !== undefined)
    throw new WasmValidationError('a start function is not allowed: run initialisation from the "deploy" export', {
      section: 'start',
    })

  let hasEntry = false
  let hasMemory = false
  let hasDeploy = false
  const typeOfFunction = (index: number) =>
    module.types[
      index < module.imports.length
        ? module.imports[index]!.typeIndex
        : module.functions[index - module.imports.length]!
    ]!
  for (const exp of module.exports) {
    if (exp.name.startsWith(RESERVED_EXPORT_PREFIX))
      throw new WasmValidationError(`export name "${exp.name}" is reserved for the runtime`, { section: 'export' })
    if (exp.name === MEMORY_EXPORT && exp.kind === 2) hasMemory = true
    if ((exp.name === ENTRY_EXPORT || exp.name === DEPLOY_EXPORT) && exp.kind === 0) {
      const t = typeOfFunction(exp.index)
      if (t.params.length !== 0 || t.results.length !== 0)
        throw new WasmValidationError(`export "${exp.name}" must have type () -> (), found ${describe(t)}`, {
          section: 'export',
          functionIndex: exp.index,
        })
      if (exp.name === ENTRY_EXPORT) hasEntry = true
      else hasDeploy = true
    }
  }
  if (!hasMemory)
    throw new WasmValidationError(`the module must export its memory as "${MEMORY_EXPORT}"`, { section: 'export' })
  if (!hasEntry)
    throw new WasmValidationError(`the module must export the entry point "${ENTRY_EXPORT}": () -> ()`, {
      section: 'export',
    })

  const bodies: DecodedBody[] = []
  const frameWords: number[] = []
  for (let i = 0; i < module.functions.length; i++) {
    const functionIndex = module.imports.length + i
    const type = module.types[module.functions[i]!]!
    const decoded = decodeBody(module, functionIndex, type)
    bodies.push(decoded)
    frameWords.push(
      WASM_LIMITS.frameOverheadWords +
        type.params.length +
        module.bodies[i]!.localTypes.length +
        decoded.maxStackHeight,
    )
  }
  return { module, bodies, frameWords, hasDeploy }
}
