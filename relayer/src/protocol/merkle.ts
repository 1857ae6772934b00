import { fromHex, keccak256Concat, toHex } from '@spnkit/crypto'
import type { Hex } from 'viem'

// The depth-32 incremental Merkle tree of contracts/src/libraries/MerkleLib.sol (eth2 deposit
// contract / Hyperlane MerkleTreeHook): inner node = keccak256(left ‖ right), absent leaves are
// zero. The relayer rebuilds it from the message ids it observed to prove any leaf at any count.

export const TREE_DEPTH = 32

const ZERO_HASHES: Uint8Array[] = (() => {
  const zeros: Uint8Array[] = [new Uint8Array(32)]
  for (let i = 0; i < TREE_DEPTH; i++) zeros.push(keccak256Concat(zeros[i]!, zeros[i]!))
  return zeros
})()

export class MerkleTree {
  /** levels[0] = leaves; levels[k] = nodes at height k that have at least one real leaf below. */
  readonly #levels: Uint8Array[][]

  constructor(leaves: readonly Hex[]) {
    const levels: Uint8Array[][] = [leaves.map((l) => fromHex(l))]
    for (let k = 0; k < TREE_DEPTH; k++) {
      const below = levels[k]!
      const above: Uint8Array[] = []
      for (let i = 0; i < below.length; i += 2) {
        above.push(keccak256Concat(below[i]!, i + 1 < below.length ? below[i + 1]! : ZERO_HASHES[k]!))
      }
      levels.push(above)
    }
    this.#levels = levels
  }

  get count(): number {
    return this.#levels[0]!.length
  }

  root(): Hex {
    const top = this.#levels[TREE_DEPTH]!
    return toHex(top.length > 0 ? top[0]! : ZERO_HASHES[TREE_DEPTH]!)
  }

  /** The 32 siblings of leaf `index`, bottom up. */
  proof(index: number): Hex[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`leaf ${index} is not in a tree of ${this.count} leaves`)
    }
    const siblings: Hex[] = []
    for (let k = 0; k < TREE_DEPTH; k++) {
      const idx = (index >>> k) ^ 1
      const level = this.#levels[k]!
      siblings.push(toHex(idx < level.length ? level[idx]! : ZERO_HASHES[k]!))
    }
    return siblings
  }
}

/** Root reached from `leaf` through `proof` at `index` (what MerkleLib.rootFromCalldataProof computes). */
export function rootFromProof(leaf: Hex, proof: readonly Hex[], index: number): Hex {
  let node = fromHex(leaf)
  for (let k = 0; k < TREE_DEPTH; k++) {
    const sibling = fromHex(proof[k]!)
    node = (index >>> k) & 1 ? keccak256Concat(sibling, node) : keccak256Concat(node, sibling)
  }
  return toHex(node)
}

/** MerkleLib proof metadata: uint64 checkpoint height ‖ uint32 leaf index ‖ 32 siblings. */
export function encodeProofMetadata(height: bigint, index: number, proof: readonly Hex[]): Hex {
  if (proof.length !== TREE_DEPTH) throw new RangeError(`a proof has ${TREE_DEPTH} siblings, got ${proof.length}`)
  return `0x${height.toString(16).padStart(16, '0')}${index.toString(16).padStart(8, '0')}${proof.map((p) => p.slice(2)).join('')}`
}
