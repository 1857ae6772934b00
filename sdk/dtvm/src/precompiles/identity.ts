import { charge, type PrecompileResult, wordCount } from './types.ts'

/** 0x04 identity (datacopy): 15 gas + 3 per input word; returns a copy so callers may mutate it. */
export function identityPrecompile(input: Uint8Array, gasLimit: bigint): PrecompileResult {
  return charge(15n + 3n * wordCount(input.length), gasLimit, () => input.slice())
}
