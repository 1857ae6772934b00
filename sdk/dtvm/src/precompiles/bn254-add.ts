import { decodeG1, encodeG1, InvalidCurvePoint } from './bn254-codec.ts'
import { HALT, type PrecompileResult, readPadded } from './types.ts'

const GAS = 150n // EIP-1108

/** 0x06 ECADD on alt_bn128 (EIP-196): two G1 points (128 bytes, zero-padded) → their sum. */
export function bn254AddPrecompile(input: Uint8Array, gasLimit: bigint): PrecompileResult {
  if (GAS > gasLimit) return HALT
  const data = readPadded(input, 0, 128)
  try {
    const sum = decodeG1(data.subarray(0, 64)).add(decodeG1(data.subarray(64, 128)))
    return { ok: true, gasUsed: GAS, output: encodeG1(sum) }
  } catch (error) {
    if (error instanceof InvalidCurvePoint) return HALT
    throw error
  }
}
