import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../fuzz/generate.ts'
import * as w from './word.ts'

const M = (1n << 256n) - 1n
const signed = (v: bigint): bigint => (v >= 1n << 255n ? v - (1n << 256n) : v)

function randomWord(rng: Rng): bigint {
  const edge = [0n, 1n, M, 1n << 255n, (1n << 255n) - 1n, 1n << 53n, (1n << 64n) - 1n]
  if (rng.next() < 0.2) return rng.pick(edge)
  let v = 0n
  const n = rng.int(0, 32)
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(rng.int(0, 255))
  return v
}

test('limb arithmetic matches BigInt on random and edge words', () => {
  const rng = new Rng(42)
  const s = new Uint32Array(32)
  for (let k = 0; k < 5000; k++) {
    const a = randomWord(rng)
    const b = randomWord(rng)
    w.fromBig(s, 0, a)
    w.fromBig(s, 8, b)
    assert.equal(w.toBig(s, 0), a)
    w.add(s, 0, 8, 16)
    assert.equal(w.toBig(s, 16), (a + b) & M)
    w.sub(s, 0, 8, 16)
    assert.equal(w.toBig(s, 16), (a - b) & M)
    w.mul(s, 0, 8, 16)
    assert.equal(w.toBig(s, 16), (a * b) & M, `mul ${a} ${b}`)
    assert.equal(w.lt(s, 0, 8), a < b)
    assert.equal(w.slt(s, 0, 8), signed(a) < signed(b))
    assert.equal(w.eq(s, 0, 8), a === b)
    const n = Number(b % 260n)
    w.copyWord(s, 0, 16)
    w.shl(s, n, 16)
    assert.equal(w.toBig(s, 16), (a << BigInt(n)) & M)
    w.copyWord(s, 0, 16)
    w.shr(s, n, 16)
    assert.equal(w.toBig(s, 16), a >> BigInt(n))
    w.copyWord(s, 0, 16)
    w.sar(s, n, 16)
    assert.equal(w.toBig(s, 16), BigInt.asUintN(256, signed(a) >> BigInt(Math.min(n, 256))))
    const byteIndex = Number(b % 34n)
    w.copyWord(s, 0, 16)
    w.byteOf(s, byteIndex, 16)
    assert.equal(w.toBig(s, 16), byteIndex >= 32 ? 0n : (a >> BigInt(8 * (31 - byteIndex))) & 0xffn)
    const ext = Number(b % 33n)
    w.copyWord(s, 0, 16)
    w.signExtend(s, ext, 16)
    const bits = BigInt(8 * (ext + 1))
    assert.equal(w.toBig(s, 16), ext >= 31 ? a : BigInt.asUintN(256, BigInt.asIntN(Number(bits), a)))
  }
})

test('bytes and addresses round-trip', () => {
  const s = new Uint32Array(16)
  const bytes = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1)
  w.loadBytes32(s, 0, bytes, 0)
  const out = new Uint8Array(32)
  w.storeBytes32(s, 0, out, 0)
  assert.deepEqual(out, bytes)
  w.loadBytesN(s, 8, bytes, 29, 3)
  assert.equal(w.toBig(s, 8), (BigInt(bytes[29]!) << 16n) | (BigInt(bytes[30]!) << 8n) | BigInt(bytes[31]!))
  const address = '0x00112233445566778899aabbccddeeff00112233'
  w.fromAddress(s, 0, address)
  assert.equal(w.toAddress(s, 0), address)
  for (const a of ['0xffffffffffffffffffffffffffffffffffffffff', '0x0000000000000000000000000000000000000001']) {
    w.fromAddress(s, 0, a)
    assert.equal(w.toBig(s, 0), BigInt(a))
  }
  w.fromAddress(s, 0, '0xABCDEF0000000000000000000000000000000000') // checksummed case parses too
  assert.equal(w.toBig(s, 0), 0xabcdefn << 136n)
  assert.equal(w.toNum(s, 8), Number(w.toBig(s, 8)))
})

test('small signed conversions round-trip and match BigInt SDIV/SMOD semantics', () => {
  const rng = new Rng(7)
  const s = new Uint32Array(16)
  const limit = 2 ** 53
  for (let k = 0; k < 5000; k++) {
    const mag = rng.pick([10, 2 ** 20, 2 ** 40, limit - 1])
    const v = Math.floor(rng.next() * mag) * (rng.next() < 0.5 ? -1 : 1)
    w.setSmallSigned(s, 0, v)
    assert.equal(w.toBig(s, 0), BigInt.asUintN(256, BigInt(v)))
    assert.equal(w.toSmallSigned(s, 0), v === 0 ? 0 : v)
    const d = Math.floor(rng.next() * rng.pick([7, 2 ** 30, limit - 1])) + 1
    const q = Math.trunc(v / d)
    assert.equal(BigInt(q), BigInt(v) / BigInt(d), `${v} / ${d}`)
    assert.equal(BigInt(v % d), BigInt(v) % BigInt(d))
  }
  w.fromBig(s, 0, 1n << 255n)
  assert.ok(Number.isNaN(w.toSmallSigned(s, 0)))
  w.fromBig(s, 0, (1n << 256n) - (1n << 53n))
  assert.ok(Number.isNaN(w.toSmallSigned(s, 0)))
})

test('BigInt conversions round-trip at every bit length (each 64-bit chunk count)', () => {
  const s = new Uint32Array(24).fill(0xdeadbeef)
  for (let k = 0; k <= 256; k++) {
    for (const v of [(1n << BigInt(k)) - 1n, k < 256 ? 1n << BigInt(k) : 0n, (1n << BigInt(k)) / 3n]) {
      w.fromBig(s, 8, v)
      assert.equal(w.toBig(s, 8), v, `2^${k} variant ${v}`)
    }
  }
  // fromBig keeps only the low 256 bits, and never touches the neighbouring words.
  w.fromBig(s, 8, (1n << 300n) + 5n)
  assert.equal(w.toBig(s, 8), 5n)
  assert.equal(s[7], 0xdeadbeef)
  assert.equal(s[16], 0xdeadbeef)
})

test('mul of small negative two-complement words matches BigInt, including -2^255', () => {
  const rng = new Rng(7)
  const s = new Uint32Array(24)
  const values: bigint[] = [0n, 1n, -1n, 2n, -2n, -(1n << 255n), (1n << 255n) - 1n, -(1n << 32n), -(1n << 64n) + 1n]
  for (let k = 0; k < 300; k++) {
    const bits = rng.int(1, 200)
    let v = 0n
    for (let i = 0; i < bits; i += 8) v = (v << 8n) | BigInt(rng.int(0, 255))
    values.push(rng.next() < 0.5 ? -v : v)
  }
  for (const x of values)
    for (const y of values.slice(0, 60)) {
      w.fromBig(s, 0, BigInt.asUintN(256, x))
      w.fromBig(s, 8, BigInt.asUintN(256, y))
      w.mul(s, 0, 8, 16)
      assert.equal(w.toBig(s, 16), BigInt.asUintN(256, x * y), `${x} * ${y}`)
      w.mul(s, 0, 8, 8) // the result may overwrite an operand
      assert.equal(w.toBig(s, 8), BigInt.asUintN(256, x * y))
    }
})
