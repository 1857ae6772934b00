import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { bn254 } from '@noble/curves/bn254.js'
import { fromHex, privateKeyToAddress, signDigest, toHex } from '@spnkit/crypto'
import { encodeG1 } from './bn254-codec.ts'
import { cancunPrecompiles, type PrecompileResult } from './index.ts'
import { BLS_MODULUS } from './kzg-point-evaluation.ts'
import { bigIntToBytes } from './types.ts'

type Vector = { name: string; input: string; expected: string | null; gas?: number }
const vectors = JSON.parse(
  readFileSync(new URL('./testdata/official-vectors.json', import.meta.url), 'utf8'),
) as Record<string, Vector[]>

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/^0x/, ''), 'hex'))
const plain = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const call = (address: number, input: Uint8Array, gasLimit = 100_000_000n): PrecompileResult =>
  cancunPrecompiles.get(address)!(input, gasLimit)

function assertOk(result: PrecompileResult, gas: bigint, output: string, what: string): void {
  assert.ok(result.ok, `${what}: expected success, got a halt`)
  assert.equal(result.gasUsed, gas, `${what}: gas`)
  assert.equal(plain(result.output), output, `${what}: output`)
}

/** Checks the price boundary: `gas` succeeds with exactly `gas`, `gas - 1` halts. */
function assertGasBoundary(address: number, input: Uint8Array, gas: bigint): void {
  assert.ok(call(address, input, gas).ok, `0x${address.toString(16)} at exactly ${gas} gas`)
  assert.deepEqual(call(address, input, gas - 1n), { ok: false }, `0x${address.toString(16)} at ${gas - 1n} gas`)
}

function runVectors(set: string, address: number): void {
  for (const v of vectors[set]!) {
    // blake2f vector 8 is 8M rounds (seconds of CPU): its output is covered by the slow suite.
    if (v.gas !== undefined && v.gas > 1_000_000) continue
    const result = call(address, hex(v.input))
    if (v.expected === null) assert.deepEqual(result, { ok: false }, `${set} ${v.name}: expected a halt`)
    else assertOk(result, BigInt(v.gas!), v.expected, `${set} ${v.name}`)
  }
}

describe('cancunPrecompiles', () => {
  it('maps exactly the addresses 0x01..0x0a', () => {
    assert.deepEqual([...cancunPrecompiles.keys()], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  })
})

describe('0x01 ecrecover', () => {
  it('passes the official vectors (valid key, unrecoverable key, bad v words)', () => runVectors('ecrecover', 1))

  it('accepts high-s signatures (unlike transaction signatures) and recovers the same signer', () => {
    const key = hex('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318')
    const digest = hex('18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c')
    const sig = signDigest(digest, key)
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const s = BigInt(toHex(sig.subarray(32, 64)))
    const input = new Uint8Array(128)
    input.set(digest, 0)
    input[63] = sig[64]! === 27 ? 28 : 27 // the flipped s recovers with the other parity
    input.set(sig.subarray(0, 32), 64)
    input.set(bigIntToBytes(n - s, 32), 96)
    const expected = `000000000000000000000000${plain(privateKeyToAddress(key))}`
    assertOk(call(1, input), 3000n, expected, 'high-s')
  })

  it('returns empty output (not a halt) for r or s out of range, and for empty input', () => {
    const valid = hex(vectors.ecrecover![1]!.input)
    for (const [offset, value] of [
      [64, 0n],
      [96, 0n],
      [64, 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n],
      [96, 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n],
    ] as const) {
      const input = valid.slice()
      input.set(bigIntToBytes(value, 32), offset)
      assertOk(call(1, input), 3000n, '', `word at ${offset} = ${value}`)
    }
    assertOk(call(1, new Uint8Array(0)), 3000n, '', 'empty input')
  })

  it('reads a short input as zero-padded and ignores bytes past 128', () => {
    const valid = hex(vectors.ecrecover![1]!.input)
    const longer = new Uint8Array(200)
    longer.set(valid)
    longer.fill(0xff, 128)
    assertOk(call(1, longer), 3000n, vectors.ecrecover![1]!.expected!, 'trailing bytes')
    assertGasBoundary(1, valid, 3000n)
  })
})

describe('0x02 sha256, 0x03 ripemd160, 0x04 identity', () => {
  it('hash known inputs with the per-word price', () => {
    const abc = new TextEncoder().encode('abc')
    assertOk(
      call(2, new Uint8Array(0)),
      60n,
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'sha256("")',
    )
    assertOk(call(2, abc), 72n, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'sha256("abc")')
    assertOk(
      call(3, new Uint8Array(0)),
      600n,
      `${'0'.repeat(24)}9c1185a5c5e9fc54612808977ee8f548b2258d31`,
      'ripemd("")',
    )
    assertOk(call(3, abc), 720n, `${'0'.repeat(24)}8eb208f7e05d987a9b044a8e98c6b087f15a0bfc`, 'ripemd("abc")')
    assertOk(call(4, abc), 18n, '616263', 'identity("abc")')
    assertOk(call(4, new Uint8Array(0)), 15n, '', 'identity("")')
  })

  it('charge whole words: 32 bytes is one word, 33 bytes two', () => {
    for (const [address, base, perWord] of [
      [2, 60n, 12n],
      [3, 600n, 120n],
      [4, 15n, 3n],
    ] as const) {
      assertGasBoundary(address, new Uint8Array(32), base + perWord)
      assertGasBoundary(address, new Uint8Array(33), base + 2n * perWord)
      assertGasBoundary(address, new Uint8Array(1000), base + 32n * perWord)
    }
  })

  it('identity returns a copy the caller may mutate', () => {
    const input = hex('0102')
    const result = call(4, input)
    assert.ok(result.ok)
    result.output[0] = 9
    assert.equal(input[0], 1)
  })
})

describe('0x05 modexp', () => {
  it('passes the EIP-198 examples and nagydani vectors with EIP-2565 gas', () => runVectors('modexp', 5))

  it('halts on absurd declared lengths without allocating them', () => {
    const input = new Uint8Array(96)
    input[0] = 0x80 // base length 2^255
    input[95] = 1
    assert.deepEqual(call(5, input, 10n ** 18n), { ok: false })
    const hugeExp = new Uint8Array(96)
    hugeExp[31] = 1
    hugeExp[32] = 0x01 // exponent length 2^248: iteration count alone exceeds any gas limit
    hugeExp[95] = 1
    assert.deepEqual(call(5, hugeExp, 10n ** 18n), { ok: false })
  })

  it('returns modulus-length output: empty for length 0, zeros for modulus 0 or 1', () => {
    const lengths = (b: number, e: number, m: number) => {
      const out = new Uint8Array(96)
      out[31] = b
      out[63] = e
      out[95] = m
      return out
    }
    assertOk(call(5, lengths(0, 0, 0)), 200n, '', 'all lengths zero')
    const zeroModulus = new Uint8Array([...lengths(1, 1, 2), 3, 5, 0, 0])
    assertOk(call(5, zeroModulus), 200n, '0000', 'modulus 0')
    const one = new Uint8Array([...lengths(1, 1, 1), 3, 5, 1])
    assertOk(call(5, one), 200n, '00', 'modulus 1')
    const zeroExp = new Uint8Array([...lengths(1, 1, 1), 3, 0, 7])
    assertOk(call(5, zeroExp), 200n, '01', '3^0 mod 7')
  })

  it('treats exponent bytes past the end of the input as zeros (2^(8k) powers)', () => {
    // base 3, exponent 0x01 followed by 39 missing zero bytes (exp length 40), modulus missing too = 0
    const input = new Uint8Array(96 + 2)
    input[31] = 1
    input[63] = 40
    input[95] = 1
    input[96] = 3
    input[97] = 1
    // modulus bytes are past the end, so the modulus is zero and the output is one zero byte
    const gas = 200n // words=1, iterations = 8 × (40 − 32) + 0 = 64 → 64/3 = 21 → min 200
    assertOk(call(5, input), gas, '00', 'missing modulus')
    const withModulus = new Uint8Array(96 + 1 + 40 + 1)
    withModulus.set(input.subarray(0, 96))
    withModulus[96] = 3
    withModulus[97] = 1 // exponent = 2^(8·39) exactly
    withModulus[137] = 101
    let expected = 3n
    for (let i = 0; i < 8 * 39; i++) expected = (expected * expected) % 101n
    assertOk(call(5, withModulus), gas, expected.toString(16).padStart(2, '0'), '3^(2^312) mod 101')
  })
})

// bn254 test points built from the generators; encodings follow EIP-196/197 byte order.
const Fp = bn254.fields.Fp
const G1_GEN = bn254.G1.Point.BASE
const G2_GEN = bn254.G2.Point.BASE
const G1_HEX = `${'0'.repeat(63)}1${'0'.repeat(63)}2`
const G2_HEX =
  '198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2' +
  '1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed' +
  '090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b' +
  '12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa'
const TWO_G1_HEX =
  '030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3' +
  '15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4'
const NEG_G1_HEX = `${'0'.repeat(63)}1${(Fp.ORDER - 2n).toString(16).padStart(64, '0')}`

describe('0x06 / 0x07 bn254 add and mul', () => {
  it('doubles the generator both ways', () => {
    assertOk(call(6, hex(G1_HEX + G1_HEX)), 150n, TWO_G1_HEX, 'G + G')
    assertOk(call(7, hex(`${G1_HEX}${'0'.repeat(63)}2`)), 6000n, TWO_G1_HEX, '2·G')
    assert.equal(plain(encodeG1(G1_GEN.double())), TWO_G1_HEX)
  })

  it('handles infinity: empty input, P + (−P), 0·P and r·P', () => {
    const zero64 = '0'.repeat(128)
    assertOk(call(6, new Uint8Array(0)), 150n, zero64, 'empty add')
    assertOk(call(6, hex(G1_HEX + NEG_G1_HEX)), 150n, zero64, 'G + (−G)')
    assertOk(call(7, hex(G1_HEX)), 6000n, zero64, '0·G (scalar padded)')
    const r = bn254.fields.Fr.ORDER.toString(16).padStart(64, '0')
    assertOk(call(7, hex(G1_HEX + r)), 6000n, zero64, 'r·G')
    const rPlus2 = (bn254.fields.Fr.ORDER + 2n).toString(16).padStart(64, '0')
    assertOk(call(7, hex(G1_HEX + rPlus2)), 6000n, TWO_G1_HEX, '(r + 2)·G')
  })

  it('halts on points off the curve or coordinates ≥ p', () => {
    const offCurve = `${'0'.repeat(63)}1${'0'.repeat(63)}3`
    const xPlusP = (1n + Fp.ORDER).toString(16).padStart(64, '0') + '0'.repeat(63) + '2'
    for (const bad of [offCurve, xPlusP]) {
      assert.deepEqual(call(6, hex(bad + G1_HEX)), { ok: false })
      assert.deepEqual(call(6, hex(G1_HEX + bad)), { ok: false })
      assert.deepEqual(call(7, hex(`${bad}${'0'.repeat(63)}2`)), { ok: false })
    }
  })

  it('charges 150 and 6000 gas (EIP-1108)', () => {
    assertGasBoundary(6, hex(G1_HEX + G1_HEX), 150n)
    assertGasBoundary(7, hex(G1_HEX), 6000n)
  })
})

/** A point on the G2 twist that is not in the r-torsion subgroup (the twist's cofactor is huge). */
function g2OutsideSubgroup(): string {
  const Fp2 = bn254.fields.Fp2
  const b = Fp2.div(Fp2.fromBigTuple([3n, 0n]), Fp2.fromBigTuple([9n, 1n]))
  for (let k = 1n; ; k++) {
    const x = Fp2.fromBigTuple([k, 0n])
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b)
    let y: typeof x
    try {
      y = Fp2.sqrt(rhs)
    } catch {
      continue
    }
    const point = bn254.G2.Point.fromAffine({ x, y })
    if (point.isTorsionFree()) continue
    const word = (v: bigint) => v.toString(16).padStart(64, '0')
    return word(x.c1) + word(x.c0) + word(y.c1) + word(y.c0)
  }
}

describe('0x08 bn254 pairing', () => {
  it('checks e(G1, G2)·e(−G1, G2) = 1 and e(G1, G2)² ≠ 1', () => {
    assertOk(call(8, hex(G1_HEX + G2_HEX + NEG_G1_HEX + G2_HEX)), 113000n, `${'0'.repeat(63)}1`, 'balanced')
    assertOk(call(8, hex(G1_HEX + G2_HEX + G1_HEX + G2_HEX)), 113000n, '0'.repeat(64), 'unbalanced')
  })

  it('checks a bilinear relation e(aP, bQ) = e(abP, Q)', () => {
    const a = 0x1234567n
    const b = 0x89abcdefn
    const encodeG2 = (p: typeof G2_GEN) => {
      const { x, y } = p.toAffine()
      const word = (v: bigint) => v.toString(16).padStart(64, '0')
      return word(x.c1) + word(x.c0) + word(y.c1) + word(y.c0)
    }
    const left = plain(encodeG1(G1_GEN.multiply(a))) + encodeG2(G2_GEN.multiply(b))
    const right = plain(encodeG1(G1_GEN.multiply(a * b).negate())) + encodeG2(G2_GEN)
    assert.equal(encodeG2(G2_GEN), G2_HEX, 'generator encoding matches EIP-197 order (imaginary first)')
    assertOk(call(8, hex(left + right)), 113000n, `${'0'.repeat(63)}1`, 'bilinear')
  })

  it('returns 1 for empty input and for pairs containing infinity', () => {
    assertOk(call(8, new Uint8Array(0)), 45000n, `${'0'.repeat(63)}1`, 'empty')
    assertOk(call(8, new Uint8Array(192)), 79000n, `${'0'.repeat(63)}1`, 'infinity pair')
    assertOk(call(8, hex('0'.repeat(128) + G2_HEX)), 79000n, `${'0'.repeat(63)}1`, 'G1 infinity')
  })

  it('halts on a length that is not a multiple of 192, invalid points, and G2 outside the subgroup', () => {
    assert.deepEqual(call(8, new Uint8Array(191)), { ok: false })
    assert.deepEqual(call(8, new Uint8Array(193)), { ok: false })
    const outside = g2OutsideSubgroup()
    assert.deepEqual(call(8, hex(G1_HEX + outside)), { ok: false }, 'G2 not in subgroup')
    assert.deepEqual(call(8, hex('0'.repeat(128) + outside)), { ok: false }, 'invalid G2 even beside G1 infinity')
    const g2BigCoord = Fp.ORDER.toString(16).padStart(64, '0') + G2_HEX.slice(64)
    assert.deepEqual(call(8, hex(G1_HEX + g2BigCoord)), { ok: false }, 'G2 coordinate = p')
    const swapped = G2_HEX.slice(64, 128) + G2_HEX.slice(0, 64) + G2_HEX.slice(128)
    assert.deepEqual(call(8, hex(G1_HEX + swapped)), { ok: false }, 'G2 with real/imaginary swapped')
  })

  it('charges 45,000 + 34,000 per pair', () => {
    assertGasBoundary(8, hex(G1_HEX + G2_HEX + NEG_G1_HEX + G2_HEX), 113000n)
    assertGasBoundary(8, new Uint8Array(0), 45000n)
  })
})

describe('0x09 blake2f', () => {
  it('passes the EIP-152 vectors 0-7 (vector 8 runs in the slow suite)', () => runVectors('blake2f', 9))

  it('charges one gas per round', () => {
    assertGasBoundary(9, hex(vectors.blake2f![5]!.input), 12n)
  })
})

describe('0x0a KZG point evaluation', () => {
  const valid = hex(vectors.pointEvaluation![0]!.input)

  it('verifies the official vector and returns FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS', () => {
    runVectors('pointEvaluation', 10)
    assert.equal(BLS_MODULUS, 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n)
    assertGasBoundary(10, valid, 50000n)
  })

  it('halts on a wrong length, version byte, versioned hash, claimed value, or non-canonical z', () => {
    assert.deepEqual(call(10, valid.subarray(0, 191)), { ok: false })
    assert.deepEqual(call(10, new Uint8Array([...valid, 0])), { ok: false })
    const mutate = (offset: number, value: number) => {
      const copy = valid.slice()
      copy[offset] = value
      return copy
    }
    assert.deepEqual(call(10, mutate(0, 0x02)), { ok: false }, 'version byte')
    assert.deepEqual(call(10, mutate(31, valid[31]! ^ 1)), { ok: false }, 'versioned hash')
    assert.deepEqual(call(10, mutate(95, valid[95]! ^ 1)), { ok: false }, 'wrong y')
    const bigZ = valid.slice()
    bigZ.set(bigIntToBytes(BLS_MODULUS, 32), 32)
    assert.deepEqual(call(10, bigZ), { ok: false }, 'z = modulus')
    const badProof = valid.slice()
    badProof.fill(0x11, 144)
    assert.deepEqual(call(10, badProof), { ok: false }, 'undecodable proof')
    assert.equal(fromHex(toHex(valid)).length, 192)
  })
})
