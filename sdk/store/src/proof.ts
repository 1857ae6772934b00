// Proofs: binary Merkle paths through the 16-ary tree (4 binary levels per node), with zero
// siblings left out and flagged in a bitmap, so a proof is ~32 bytes per non-empty level.
//
//   byte 0       kind: 0 = inclusion, 1 = absent (path ends in an empty slot),
//                      2 = absent (path ends at the leaf of another key sharing the prefix)
//   bytes 1-2    depth: number of binary levels (4 per node on the path), big-endian
//   bytes 3-34   bitmap: uint256, bit i set = the sibling at level i (0 = bottom) is non-zero
//   kind 2 only: other key (32) and its value hash (32)
//   then         the non-zero siblings, bottom-up, 32 bytes each
//
// Verification (here and in contracts/src/libraries/StateProofVerifier.sol): start from the leaf
// hash (or 0), then for each level combine with the sibling on the side given by the key's bit
// (bit depth-1-i from the most significant), with inner(0, 0) = 0; the result must be the root.
import { equalBytes, keccak256 } from '@spnkit/crypto'
import { getU16, getU32 } from './bytes.ts'
import { hashPairInto, isZero32, leafHash } from './hash.ts'
import { EMPTY, LEAF, NODE, nibble, type Page } from './page.ts'
import { childPid } from './tree.ts'

export const PROOF_INCLUSION = 0
export const PROOF_ABSENT_EMPTY = 1
export const PROOF_ABSENT_OTHER = 2
const HEADER = 35

/** Builds the proof for `key` from the pages of one version (`pageOf(pid)`, hashed pages).
 *  `valueHashAt(seg, off, len)` gives the value hash of another key's leaf (for kind 2). */
export function buildProof(
  pageOf: (pid: string) => Page,
  key: Uint8Array,
  valueHashAt: (seg: number, off: number, len: number) => Uint8Array,
): Uint8Array {
  const nodes: { tree: Uint8Array; s: number }[] = []
  let page = pageOf('')
  let ni = 0
  let d = 0
  let kind = PROOF_ABSENT_EMPTY
  let other: Uint8Array | null = null
  for (;;) {
    const s = nibble(key, d)
    const tree = new Uint8Array(32 * 32)
    page.fillTree(ni, tree)
    nodes.push({ tree, s })
    const k = page.kind(ni, s)
    if (k === EMPTY) break
    if (k === LEAF) {
      if (page.leafKeyEquals(ni, s, key)) kind = PROOF_INCLUSION
      else {
        kind = PROOF_ABSENT_OTHER
        other = new Uint8Array(64)
        const o = page.entryOff(ni, s)
        other.set(page.b.subarray(o + 32, o + 64), 0)
        other.set(valueHashAt(getU32(page.b, o + 64), getU32(page.b, o + 68), getU32(page.b, o + 72)), 32)
      }
      break
    }
    if (k === NODE) ni = 1 + s
    else {
      page = pageOf(childPid(page, ni - 1, s))
      ni = 0
    }
    d++
  }
  const depth = nodes.length * 4
  const bitmap = new Uint8Array(32)
  const siblings: Uint8Array[] = []
  let level = 0
  for (let n = nodes.length - 1; n >= 0; n--) {
    const { tree, s } = nodes[n] as { tree: Uint8Array; s: number }
    let idx = 16 + s
    for (let l = 0; l < 4; l++, level++) {
      const off = 32 * (idx ^ 1)
      if (!isZero32(tree, off)) {
        bitmap[31 - (level >> 3)] = (bitmap[31 - (level >> 3)] as number) | (1 << (level & 7))
        siblings.push(tree.subarray(off, off + 32))
      }
      idx >>= 1
    }
  }
  const out = new Uint8Array(HEADER + (other ? 64 : 0) + 32 * siblings.length)
  out[0] = kind
  out[1] = depth >> 8
  out[2] = depth & 0xff
  out.set(bitmap, 3)
  let p = HEADER
  if (other) {
    out.set(other, p)
    p += 64
  }
  for (const sib of siblings) {
    out.set(sib, p)
    p += 32
  }
  return out
}

function keyBit(key: Uint8Array, i: number): number {
  return ((key[i >> 3] as number) >> (7 - (i & 7))) & 1
}

/** Checks a proof that `key` has `value` (or is absent when `value` is null) under `root`.
 *  Never throws on malformed input: anything that does not verify returns false. */
export function verifyProof(root: Uint8Array, key: Uint8Array, value: Uint8Array | null, proof: Uint8Array): boolean {
  if (root.length !== 32 || key.length !== 32 || proof.length < HEADER) return false
  const kind = proof[0] as number
  const depth = getU16(proof, 1)
  if (depth > 256 || depth % 4 !== 0 || depth === 0) return false
  // Below the root every node holds ≥ 2 keys, so the proven slot has a non-empty sibling inside its
  // own node (one of the 4 lowest levels): this makes the depth field non-malleable.
  if (depth > 4 && ((proof[34] as number) & 0x0f) === 0) return false
  let p = HEADER
  const node = new Uint8Array(32)
  if (kind === PROOF_INCLUSION) {
    if (value === null || value.length === 0) return false
    node.set(leafHash(key, keccak256(value)))
  } else if (kind === PROOF_ABSENT_EMPTY) {
    if (value !== null && value.length !== 0) return false
  } else if (kind === PROOF_ABSENT_OTHER) {
    if ((value !== null && value.length !== 0) || proof.length < HEADER + 64) return false
    const otherKey = proof.subarray(p, p + 32)
    if (equalBytes(otherKey, key)) return false
    for (let i = 0; i < depth; i++) if (keyBit(otherKey, i) !== keyBit(key, i)) return false
    node.set(leafHash(otherKey, proof.subarray(p + 32, p + 64)))
    p += 64
  } else return false
  const sib = new Uint8Array(32)
  for (let i = 0; i < 256; i++) {
    const has = (((proof[3 + 31 - (i >> 3)] as number) >> (i & 7)) & 1) === 1
    if (i >= depth) {
      if (has) return false
      continue
    }
    if (has) {
      if (p + 32 > proof.length) return false
      sib.set(proof.subarray(p, p + 32))
      p += 32
    } else sib.fill(0)
    if (keyBit(key, depth - 1 - i) === 0) hashPairInto(node, 0, sib, 0, node, 0)
    else hashPairInto(sib, 0, node, 0, node, 0)
  }
  return p === proof.length && equalBytes(node, root)
}
