/** Deploy-time bounds of a WASM contract; every one is checked and named in the rejection. */
export const WASM_LIMITS = {
  /** Module size in bytes (Stylus allows 128 KiB decompressed). */
  maxModuleBytes: 128 * 1024,
  maxFunctions: 4_096,
  maxTypes: 1_024,
  maxGlobals: 256,
  maxTableSize: 4_096,
  maxDataSegments: 1_024,
  /** Linear memory pages of 64 KiB: at most 8 MiB (Stylus's page limit). */
  maxMemoryPages: 128,
  /** Worst-case stack words across all active WASM frames of one call (NEAR's max_stack_height). */
  stackWords: 16_384,
  /** Fixed words charged per frame on top of params, locals and operand stack. */
  frameOverheadWords: 16,
} as const

/** Ink charged per 64 KiB page, before `memory.grow` takes effect (≈ 2,000 gas per page). */
export const INK_PER_PAGE = 20_000_000n
/** Ink per byte moved by memory.copy / memory.fill / memory.init, plus a base charge. */
export const INK_PER_BULK_BYTE = 3n
export const INK_BULK_BASE = 500n
