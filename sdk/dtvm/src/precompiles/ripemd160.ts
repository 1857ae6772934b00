import { ripemd160 } from '@noble/hashes/legacy.js'
import { charge, type PrecompileResult, wordCount } from './types.ts'

/** 0x03 RIPEMD-160: 600 gas + 120 per input word; the 20-byte digest is left-padded to 32 bytes. */
export function ripemd160Precompile(input: Uint8Array, gasLimit: bigint): PrecompileResult {
  return charge(600n + 120n * wordCount(input.length), gasLimit, () => {
    const out = new Uint8Array(32)
    out.set(ripemd160(input), 12)
    return out
  })
}
