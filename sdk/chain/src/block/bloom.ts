import { keccak256 } from '@spnkit/crypto'

/** A 2048-bit Ethereum logs bloom (256 bytes). */
export type Bloom = Uint8Array

export const emptyBloom = (): Bloom => new Uint8Array(256)

/** Sets the three bits of `value` (an address or a topic) as in the Yellow Paper's M3:2048. */
export function bloomAdd(bloom: Bloom, value: Uint8Array): void {
  const h = keccak256(value)
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i]! << 8) | h[i + 1]!) & 2047
    bloom[255 - (bit >> 3)]! |= 1 << (bit & 7)
  }
}

/** True when every bit of `value` is set (maybe present; false means certainly absent). */
export function bloomMayContain(bloom: Bloom, value: Uint8Array): boolean {
  const h = keccak256(value)
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i]! << 8) | h[i + 1]!) & 2047
    if ((bloom[255 - (bit >> 3)]! & (1 << (bit & 7))) === 0) return false
  }
  return true
}

export function bloomOr(into: Bloom, other: Bloom): void {
  for (let i = 0; i < 256; i++) into[i]! |= other[i]!
}
