import { bn254 } from '@noble/curves/bn254.js'
import { bigIntToBytes, bytesToBigInt } from './types.ts'

// Shared decoding for the EIP-196/197 precompiles. Every coordinate must be < p and every point on
// its curve (G2 also in the prime-order subgroup); (0, 0) and all-zero G2 encode the point at
// infinity. Anything else is an `InvalidCurvePoint`, which the precompiles turn into a halt.

export const G1 = bn254.G1.Point
export const G2 = bn254.G2.Point
export type G1Point = InstanceType<typeof G1>
export type G2Point = InstanceType<typeof G2>
const P = bn254.fields.Fp.ORDER
export const CURVE_ORDER = bn254.fields.Fr.ORDER

export class InvalidCurvePoint extends Error {
  override readonly name = 'InvalidCurvePoint'
}

function fieldElement(bytes: Uint8Array, offset: number): bigint {
  const value = bytesToBigInt(bytes.subarray(offset, offset + 32))
  if (value >= P) throw new InvalidCurvePoint(`bn254: coordinate at byte ${offset} is not below the field modulus`)
  return value
}

/** Decodes 64 bytes (x ‖ y) into a G1 point. */
export function decodeG1(bytes: Uint8Array): G1Point {
  const x = fieldElement(bytes, 0)
  const y = fieldElement(bytes, 32)
  if (x === 0n && y === 0n) return G1.ZERO
  try {
    // fromAffine itself rejects y = 0 (never on this curve), assertValidity the rest
    const point = G1.fromAffine({ x, y })
    point.assertValidity()
    return point
  } catch (cause) {
    throw new InvalidCurvePoint(`bn254: G1 point is not on the curve (${(cause as Error).message})`)
  }
}

/** Decodes 128 bytes (x.im ‖ x.re ‖ y.im ‖ y.re, EIP-197 order) into a G2 point. */
export function decodeG2(bytes: Uint8Array): G2Point {
  const xIm = fieldElement(bytes, 0)
  const xRe = fieldElement(bytes, 32)
  const yIm = fieldElement(bytes, 64)
  const yRe = fieldElement(bytes, 96)
  if (xIm === 0n && xRe === 0n && yIm === 0n && yRe === 0n) return G2.ZERO
  const Fp2 = bn254.fields.Fp2
  try {
    const point = G2.fromAffine({ x: Fp2.fromBigTuple([xRe, xIm]), y: Fp2.fromBigTuple([yRe, yIm]) })
    point.assertValidity() // on the twist and in the r-torsion subgroup
    return point
  } catch (cause) {
    throw new InvalidCurvePoint(`bn254: G2 point is not a valid subgroup point (${(cause as Error).message})`)
  }
}

/** Encodes a G1 point as 64 bytes (infinity as zeros). */
export function encodeG1(point: G1Point): Uint8Array {
  const out = new Uint8Array(64)
  if (point.is0()) return out
  const { x, y } = point.toAffine()
  out.set(bigIntToBytes(x, 32), 0)
  out.set(bigIntToBytes(y, 32), 32)
  return out
}
