/** Where in a module a validation problem was found; every field that is known is filled in. */
export type WasmLocation = {
  section?: string
  functionIndex?: number
  /** Byte offset in the module binary. */
  offset?: number
  opcode?: string
}

/**
 * A WASM contract was rejected at deploy. The message names the rule, the section, the function
 * and the opcode, so the author can find the construct in their source.
 */
export class WasmValidationError extends Error {
  override readonly name = 'WasmValidationError'
  readonly location: WasmLocation
  constructor(reason: string, location: WasmLocation = {}) {
    const where = [
      location.section && `section ${location.section}`,
      location.functionIndex !== undefined && `function ${location.functionIndex}`,
      location.opcode && `opcode ${location.opcode}`,
      location.offset !== undefined && `offset 0x${location.offset.toString(16)}`,
    ]
      .filter(Boolean)
      .join(', ')
    super(where ? `${reason} (${where})` : reason)
    this.location = location
  }
}
