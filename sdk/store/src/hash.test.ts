import assert from 'node:assert/strict'
import { it } from 'node:test'
import { keccak256, toHex } from '@spnkit/crypto'
import { hashPair, keccak, keccakInto, leafHash } from './hash.ts'
import { Sfc32 } from './testing/prng.ts'

it('the generated WebAssembly keccak-256 matches @spnkit/crypto for every padding case', () => {
  const rng = new Sfc32(11)
  // Around the 136-byte rate: empty, one byte short of a block (both padding bits in one byte),
  // exact blocks, and inputs larger than the module's initial memory.
  for (const len of [0, 1, 31, 32, 63, 64, 65, 80, 134, 135, 136, 137, 271, 272, 273, 1000, 70_000, 200_000]) {
    const data = rng.fill(new Uint8Array(len))
    assert.equal(toHex(keccak(data)), toHex(keccak256(data)), `length ${len}`)
  }
  assert.equal(toHex(keccak(new Uint8Array(0))), '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470')
})

it('tree hashes: pair, leaf, zero pair, and hashing into a sub-range of a buffer', () => {
  const rng = new Sfc32(12)
  const a = rng.fill(new Uint8Array(32))
  const b = rng.fill(new Uint8Array(32))
  assert.equal(toHex(hashPair(a, b)), toHex(keccak256(new Uint8Array([...a, ...b]))))
  assert.equal(toHex(leafHash(a, b)), toHex(keccak256(new Uint8Array([0, ...a, ...b]))))
  assert.equal(toHex(hashPair(new Uint8Array(32), new Uint8Array(32))), toHex(new Uint8Array(32)))
  assert.equal(toHex(hashPair(new Uint8Array(32), b)), toHex(keccak256(new Uint8Array([...new Uint8Array(32), ...b]))))
  const buf = rng.fill(new Uint8Array(300))
  const out = new Uint8Array(40)
  keccakInto(buf, 17, 200, out, 5)
  assert.equal(toHex(out.subarray(5, 37)), toHex(keccak256(buf.subarray(17, 217))))
})
