import assert from 'node:assert/strict'
import { test } from 'node:test'
import { concatBytes, keccak256, toHex } from '@spnkit/crypto'
import { encodeProofMetadata, merkleProof, merkleRoot, zeroHashes } from './merkle.ts'

const leaf = (i: number) => keccak256(new Uint8Array([i]))

function rootFromProof(l: Uint8Array, proof: Uint8Array[], index: number): Uint8Array {
  let node = l
  proof.forEach((sibling, d) => {
    node = (index >> d) & 1 ? keccak256(concatBytes(sibling, node)) : keccak256(concatBytes(node, sibling))
  })
  return node
}

test('empty tree root is the depth-32 zero hash', () => {
  assert.equal(toHex(merkleRoot([])), toHex(zeroHashes()[32] as Uint8Array))
})

test('every proof folds back to the root', () => {
  const leaves = Array.from({ length: 13 }, (_, i) => leaf(i))
  const root = merkleRoot(leaves)
  for (let i = 0; i < leaves.length; i++) {
    assert.equal(toHex(rootFromProof(leaves[i] as Uint8Array, merkleProof(leaves, i), i)), toHex(root))
  }
  assert.notEqual(toHex(rootFromProof(leaf(99), merkleProof(leaves, 0), 0)), toHex(root))
})

test('proof metadata layout and input checks', () => {
  const leaves = [leaf(1), leaf(2)]
  const md = encodeProofMetadata(7n, 1, merkleProof(leaves, 1))
  assert.equal(md.length, 1036)
  assert.equal(new DataView(md.buffer).getBigUint64(0), 7n)
  assert.equal(new DataView(md.buffer).getUint32(8), 1)
  assert.throws(() => merkleProof(leaves, 2), /outside the tree/)
  assert.throws(() => encodeProofMetadata(1n, 0, []), /32 siblings/)
})
