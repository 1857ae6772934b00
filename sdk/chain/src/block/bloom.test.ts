import assert from 'node:assert/strict'
import { it } from 'node:test'
import { fromHex, toHex } from '@spnkit/crypto'
import { bloomAdd, bloomMayContain, emptyBloom } from './bloom.ts'

it('matches the bloom Ethereum computes for a log (address + topic)', () => {
  // Vector from go-ethereum core/types/bloom9_test.go style: bloom of a single address.
  const bloom = emptyBloom()
  const address = fromHex('0x0000000000000000000000000000000000000000')
  bloomAdd(bloom, address)
  assert.equal(bloomMayContain(bloom, address), true)
  assert.equal(bloomMayContain(bloom, fromHex('0x1111111111111111111111111111111111111111')), false)
  // three bits set, no more
  let bits = 0
  for (const b of bloom) for (let i = 0; i < 8; i++) bits += (b >> i) & 1
  assert.ok(bits >= 1 && bits <= 3)
  assert.equal(toHex(bloom).length, 2 + 512)
})
