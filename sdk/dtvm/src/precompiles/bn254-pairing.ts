import { bn254 } from '@noble/curves/bn254.js'
import { decodeG1, decodeG2, type G1Point, type G2Point, InvalidCurvePoint } from './bn254-codec.ts'
import { HALT, type PrecompileResult } from './types.ts'

const PAIR_SIZE = 192

/**
 * 0x08 pairing check on alt_bn128 (EIP-197), priced by EIP-1108 at 45,000 + 34,000 per pair.
 * Input is k × (G1 ‖ G2); returns 32-byte 1 when the product of pairings is one (also for k = 0).
 */
export function bn254PairingPrecompile(input: Uint8Array, gasLimit: bigint): PrecompileResult {
  const pairCount = Math.floor(input.length / PAIR_SIZE)
  const gas = 45000n + 34000n * BigInt(pairCount)
  if (gas > gasLimit || input.length % PAIR_SIZE !== 0) return HALT
  const pairs: { g1: G1Point; g2: G2Point }[] = []
  try {
    for (let offset = 0; offset < input.length; offset += PAIR_SIZE) {
      const g1 = decodeG1(input.subarray(offset, offset + 64))
      const g2 = decodeG2(input.subarray(offset + 64, offset + PAIR_SIZE))
      // A pair with a point at infinity contributes a factor of one: skip it.
      if (!g1.is0() && !g2.is0()) pairs.push({ g1, g2 })
    }
  } catch (error) {
    if (error instanceof InvalidCurvePoint) return HALT
    throw error
  }
  const output = new Uint8Array(32)
  const Fp12 = bn254.fields.Fp12
  if (pairs.length === 0 || Fp12.eql(bn254.pairingBatch(pairs), Fp12.ONE)) output[31] = 1
  return { ok: true, gasUsed: gas, output }
}
