import assert from 'node:assert/strict'
import { test } from 'node:test'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { privateKeyToAccount } from 'viem/accounts'
import {
  concatBytes,
  fromHex,
  keccak256,
  keccak256Concat,
  privateKeyToAddress,
  recoverAddress,
  SECP256K1_N,
  SignatureError,
  signDigest,
  toHex,
} from './index.ts'

test('keccak256 matches the known empty-input digest and an independent implementation', () => {
  assert.equal(toHex(keccak256(new Uint8Array())), '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470')
  for (let n = 0; n < 300; n += 7) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff)
    assert.deepEqual(keccak256(data), keccak_256(data), `length ${n}`)
  }
  const a = fromHex('0x0102'),
    b = fromHex('0xa0b0c0')
  assert.deepEqual(keccak256Concat(a, b), keccak256(concatBytes(a, b)))
})

test('signDigest/recoverAddress round-trip and agree with viem', async () => {
  const key = fromHex('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
  const digest = keccak256(new TextEncoder().encode('spnkit'))
  const signature = signDigest(digest, key)
  assert.equal(toHex(privateKeyToAddress(key)), '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266')
  assert.equal(toHex(recoverAddress(digest, signature)), '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266')
  const viemSig = await privateKeyToAccount(toHex(key)).sign({ hash: toHex(digest) })
  assert.equal(toHex(signature), viemSig)
})

test('recoverAddress rejects high-s, bad v and wrong lengths with SignatureError', () => {
  const key = fromHex('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
  const digest = keccak256(fromHex('0x01'))
  const signature = signDigest(digest, key)
  // Flip s to n - s (the malleable twin): must be refused, not recovered to some address.
  let s = 0n
  for (let i = 32; i < 64; i++) s = (s << 8n) | BigInt(signature[i]!)
  const highS = signature.slice()
  const flipped = SECP256K1_N - s
  for (let i = 63; i >= 32; i--) highS[i] = Number((flipped >> BigInt((63 - i) * 8)) & 0xffn)
  assert.throws(() => recoverAddress(digest, highS), SignatureError)
  const badV = signature.slice()
  badV[64] = 29
  assert.throws(() => recoverAddress(digest, badV), /v must be 27\/28/)
  assert.throws(() => recoverAddress(digest, signature.subarray(0, 64)), /65 bytes/)
  assert.throws(() => recoverAddress(digest.subarray(1), signature), /32 bytes/)
})
