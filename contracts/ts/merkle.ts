// The Mailbox outbox tree off-chain: depth-32 Merkle tree over message ids (inner = keccak256(left ‖ right),
// empty subtrees hash up from a zero leaf), matching contracts/src/Mailbox.sol and MerkleLib.sol. Relayers
// rebuild it from Dispatch events to prove a message against a checkpointed outbox root.
import { concatBytes, keccak256 } from '@spnkit/crypto'

export const TREE_DEPTH = 32

const zeros: Uint8Array[] = [new Uint8Array(32)]
for (let i = 0; i < TREE_DEPTH; i++) {
  const z = zeros[i] as Uint8Array
  zeros.push(keccak256(concatBytes(z, z)))
}

/** zeroHashes()[i] = root of an empty subtree of height i. */
export function zeroHashes(): readonly Uint8Array[] {
  return zeros
}

function nextLevel(level: Uint8Array[], depth: number): Uint8Array[] {
  const zero = zeros[depth] as Uint8Array
  const out: Uint8Array[] = []
  for (let i = 0; i < Math.max(1, Math.ceil(level.length / 2)); i++) {
    const left = level[2 * i] ?? zero
    const right = level[2 * i + 1] ?? zero
    out.push(keccak256(concatBytes(left, right)))
  }
  return out
}

/** Root of the tree holding `leaves` (32-byte message ids) in dispatch order. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return zeros[TREE_DEPTH] as Uint8Array
  let level = [...leaves]
  for (let d = 0; d < TREE_DEPTH; d++) level = nextLevel(level, d)
  return level[0] as Uint8Array
}

/** The 32 siblings of leaf `index`, bottom-up. */
export function merkleProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`merkleProof: leaf index ${index} is outside the tree of ${leaves.length} leaves`)
  }
  const proof: Uint8Array[] = []
  let level = [...leaves]
  let i = index
  for (let d = 0; d < TREE_DEPTH; d++) {
    proof.push(level[i ^ 1] ?? (zeros[d] as Uint8Array))
    level = nextLevel(level, d)
    i >>= 1
  }
  return proof
}

/** `process` metadata: uint64 checkpoint height ‖ uint32 leaf index ‖ 32 siblings (1,036 bytes). */
export function encodeProofMetadata(height: bigint, index: number, proof: readonly Uint8Array[]): Uint8Array {
  if (proof.length !== TREE_DEPTH) throw new RangeError(`proof must have ${TREE_DEPTH} siblings, got ${proof.length}`)
  const out = new Uint8Array(12 + 32 * TREE_DEPTH)
  const view = new DataView(out.buffer)
  view.setBigUint64(0, height)
  view.setUint32(8, index)
  proof.forEach((sibling, i) => {
    out.set(sibling, 12 + 32 * i)
  })
  return out
}
