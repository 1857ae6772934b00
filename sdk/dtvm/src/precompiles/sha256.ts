import { createHash } from 'node:crypto'
import { charge, type PrecompileResult, wordCount } from './types.ts'

/** 0x02 SHA2-256: 60 gas + 12 per input word. */
export function sha256Precompile(input: Uint8Array, gasLimit: bigint): PrecompileResult {
  return charge(60n + 12n * wordCount(input.length), gasLimit, () => {
    return new Uint8Array(createHash('sha256').update(input).digest())
  })
}
