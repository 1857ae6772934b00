import { CURVE_ORDER, decodeG1, encodeG1, InvalidCurvePoint } from './bn254-codec.ts'
import { bytesToBigInt, HALT, type PrecompileResult, readPadded } from './types.ts'

const GAS = 6000n // EIP-1108

/**
 * 0x07 ECMUL on alt_bn128 (EIP-196): G1 point ‖ 256-bit scalar (96 bytes, zero-padded) → product.
 * G1 has prime order r, so reducing the scalar mod r gives the same point.
 */
export function bn254MulPrecompile(input: Uint8Array, gasLimit: bigint): PrecompileResult {
  if (GAS > gasLimit) return HALT
  const data = readPadded(input, 0, 96)
  try {
    const point = decodeG1(data.subarray(0, 64))
    const scalar = bytesToBigInt(data.subarray(64, 96)) % CURVE_ORDER
    const product = scalar === 0n || point.is0() ? point.multiplyUnsafe(0n) : point.multiplyUnsafe(scalar)
    return { ok: true, gasUsed: GAS, output: encodeG1(product) }
  } catch (error) {
    if (error instanceof InvalidCurvePoint) return HALT
    throw error
  }
}
