import { ENDS_BLOCK, STATIC_GAS } from './opcodes.ts'

/**
 * What the interpreter precomputes per code: the code padded with 33 zero bytes (so PUSH reads and
 * running off the end need no bounds checks: zero is STOP), the valid jump destinations, and the
 * static gas of each basic block, charged once when control enters the block.
 */
export type CodeAnalysis = {
  code: Uint8Array
  length: number
  jumpdests: Uint8Array
  /** Static gas to charge on entering the block that starts at pc (0 elsewhere). */
  blockGas: Uint32Array
  /** Per-instruction static gas at each instruction start (used when tracing). */
  stepGas: Uint32Array | undefined
}

export function analyze(code: Uint8Array): CodeAnalysis {
  const length = code.length
  const padded = new Uint8Array(length + 33)
  padded.set(code)
  const jumpdests = new Uint8Array(length)
  const blockGas = new Uint32Array(length + 33)
  let blockStart = 0
  let sum = 0
  let pc = 0
  while (pc < length) {
    const op = padded[pc]!
    if (op === 0x5b) {
      jumpdests[pc] = 1
      // A jump destination always starts a new block.
      if (pc !== blockStart) {
        blockGas[blockStart] = sum
        blockStart = pc
        sum = 0
      }
    }
    sum += STATIC_GAS[op]!
    pc += op >= 0x60 && op <= 0x7f ? op - 0x5e : 1
    if (ENDS_BLOCK[op]) {
      blockGas[blockStart] = sum
      blockStart = pc
      sum = 0
    }
  }
  if (blockStart < blockGas.length) blockGas[blockStart] = sum
  return { code: padded, length, jumpdests, blockGas, stepGas: undefined }
}

/** Per-instruction static gas, for the tracing path (the EIP-3155 trace needs gas before every step). */
export function stepGasOf(a: CodeAnalysis): Uint32Array {
  if (a.stepGas !== undefined) return a.stepGas
  const g = new Uint32Array(a.code.length)
  let pc = 0
  while (pc < a.length) {
    const op = a.code[pc]!
    g[pc] = STATIC_GAS[op]!
    pc += op >= 0x60 && op <= 0x7f ? op - 0x5e : 1
  }
  a.stepGas = g
  return g
}

const cache = new Map<string, CodeAnalysis>()
const CACHE_LIMIT = 4096
// Fast path: the same code array (an account's cached code) maps straight to its analysis.
const byCodeObject = new WeakMap<Uint8Array, CodeAnalysis>()

/** Analysis cached by code hash (`key`, hex) and by the identity of the code array. */
export function analyzeCached(key: () => string, code: Uint8Array): CodeAnalysis {
  let a = byCodeObject.get(code)
  if (a !== undefined) return a
  const k = key()
  a = cache.get(k)
  if (a === undefined) {
    a = analyze(code)
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(k, a)
  }
  byCodeObject.set(code, a)
  return a
}
