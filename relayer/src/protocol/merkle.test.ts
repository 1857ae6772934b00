import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { keccak256Concat, toHex } from '@spnkit/crypto'
import type { Hex } from 'viem'
import { encodeProofMetadata, MerkleTree, rootFromProof } from './merkle.ts'
import { decodeMessage, encodeMessage, messageId } from './message.ts'

const leaf = (i: number): Hex => toHex(keccak256Concat(new Uint8Array([i])))

describe('MerkleTree', () => {
  it('has the depth-32 zero root when empty and proves every leaf at every size', () => {
    let z: Uint8Array = new Uint8Array(32)
    for (let i = 0; i < 32; i++) z = keccak256Concat(z, z)
    assert.equal(new MerkleTree([]).root(), toHex(z))
    for (const n of [1, 2, 3, 5, 8, 13]) {
      const leaves = Array.from({ length: n }, (_, i) => leaf(i))
      const tree = new MerkleTree(leaves)
      for (let i = 0; i < n; i++) assert.equal(rootFromProof(leaves[i]!, tree.proof(i), i), tree.root())
    }
  })
  it('changes the root when a leaf changes and rejects leaves outside the tree', () => {
    const a = new MerkleTree([leaf(1), leaf(2)])
    const b = new MerkleTree([leaf(1), leaf(3)])
    assert.notEqual(a.root(), b.root())
    assert.throws(() => a.proof(2), /leaf 2 is not in a tree of 2 leaves/)
  })
  it('encodes MerkleLib proof metadata as height ‖ index ‖ 32 siblings', () => {
    const tree = new MerkleTree([leaf(1)])
    const meta = encodeProofMetadata(7n, 0, tree.proof(0))
    assert.equal((meta.length - 2) / 2, 8 + 4 + 32 * 32)
    assert.ok(meta.startsWith('0x000000000000000700000000'))
  })
})

describe('message codec', () => {
  it('round-trips the 77-byte header and hashes the packed bytes', () => {
    const m = {
      version: 1,
      nonce: 5,
      origin: 100,
      sender: `0x${'00'.repeat(12)}${'11'.repeat(20)}` as Hex,
      destination: 200,
      recipient: `0x${'00'.repeat(12)}${'22'.repeat(20)}` as Hex,
      body: '0xdeadbeef' as Hex,
    }
    const raw = encodeMessage(m)
    assert.equal((raw.length - 2) / 2, 77 + 4)
    assert.deepEqual(decodeMessage(raw), m)
    assert.match(messageId(raw), /^0x[0-9a-f]{64}$/)
    assert.throws(() => decodeMessage('0x01'), /shorter than the 77-byte header/)
  })
})
