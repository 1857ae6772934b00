// The tree's two hash rules, on flat byte buffers so the hot path allocates only the 32-byte digest:
//   leaf     = keccak256(0x00 ‖ key ‖ keccak256(value))   (65 bytes: never collides with an inner preimage)
//   inner    = keccak256(left ‖ right), except inner(0, 0) = 0 so empty subtrees cost nothing
import { keccak256 } from '@spnkit/crypto'

const pair = new Uint8Array(64)
const leafInput = new Uint8Array(65)

function isZero32(src: Uint8Array, off: number): boolean {
  for (let i = 0; i < 32; i++) if (src[off + i] !== 0) return false
  return true
}

/** dst[dstOff..+32] = inner(a[aOff..+32], b[bOff..+32]). */
export function hashPairInto(
  a: Uint8Array,
  aOff: number,
  b: Uint8Array,
  bOff: number,
  dst: Uint8Array,
  dstOff: number,
): void {
  if (isZero32(a, aOff) && isZero32(b, bOff)) {
    dst.fill(0, dstOff, dstOff + 32)
    return
  }
  for (let i = 0; i < 32; i++) {
    pair[i] = a[aOff + i] as number
    pair[32 + i] = b[bOff + i] as number
  }
  dst.set(keccak256(pair), dstOff)
}

/** dst[dstOff..+32] = leaf(key, valueHash). */
export function leafHashInto(
  key: Uint8Array,
  keyOff: number,
  vh: Uint8Array,
  vhOff: number,
  dst: Uint8Array,
  dstOff: number,
): void {
  leafInput[0] = 0
  for (let i = 0; i < 32; i++) {
    leafInput[1 + i] = key[keyOff + i] as number
    leafInput[33 + i] = vh[vhOff + i] as number
  }
  dst.set(keccak256(leafInput), dstOff)
}

export function leafHash(key: Uint8Array, valueHash: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  leafHashInto(key, 0, valueHash, 0, out, 0)
  return out
}

export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  hashPairInto(a, 0, b, 0, out, 0)
  return out
}

export { isZero32 }
