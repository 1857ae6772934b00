// Differential harness: our precompiles 0x01-0x09 against @ethereumjs/evm's on seeded random and
// mutated inputs and gas limits near the price. They must agree on halt vs success, gas and output.
// (0x0a is checked against the official vector and crafted failures in precompiles.test.ts.)
// Used by differential.test.ts (one seed) and differential.slow.test.ts (more seeds, more cases).
import assert from 'node:assert/strict'
import { Common, Hardfork, Mainnet } from '@ethereumjs/common'
import { createEVM, type EVM } from '@ethereumjs/evm'
import { createAddressFromString } from '@ethereumjs/util'
import { bn254 } from '@noble/curves/bn254.js'
import { signDigest } from '@spnkit/crypto'
import { encodeG1 } from './bn254-codec.ts'
import { cancunPrecompiles, modexpGas } from './index.ts'
import { bigIntToBytes, bytesToBigInt } from './types.ts'

/** Seeded PRNG (mulberry32), so every run checks the same cases. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256))
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!
  return { int, bytes, pick }
}
type Rng = ReturnType<typeof prng>

type EjsResult = { executionGasUsed: bigint; returnValue: Uint8Array; exceptionError?: { error: string } }
type RunPrecompile = (code: unknown, data: Uint8Array, gasLimit: bigint) => Promise<EjsResult> | EjsResult

async function oracle(): Promise<(address: number, input: Uint8Array, gasLimit: bigint) => Promise<EjsResult>> {
  const evm: EVM = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Cancun }) })
  const run = (evm as unknown as { runPrecompile: RunPrecompile }).runPrecompile.bind(evm)
  return async (address, input, gasLimit) => {
    const code = evm.getPrecompile(createAddressFromString(`0x${address.toString(16).padStart(40, '0')}`))
    return await run(code, input, gasLimit)
  }
}

/** Mutates a valid input: flip a byte, truncate, extend, or leave it. */
function mutate(rng: Rng, input: Uint8Array): Uint8Array {
  const choice = rng.int(6)
  if (choice === 0 && input.length > 0) {
    const copy = input.slice()
    copy[rng.int(copy.length)]! ^= 1 << rng.int(8)
    return copy
  }
  if (choice === 1) return input.subarray(0, rng.int(input.length + 1))
  if (choice === 2) return new Uint8Array([...input, ...rng.bytes(rng.int(40))])
  return input
}

const word = (value: bigint) => bigIntToBytes(value, 32)
const randomScalar = (rng: Rng) => (bytesToBigInt(rng.bytes(32)) % (bn254.fields.Fr.ORDER - 1n)) + 1n

function g1Bytes(rng: Rng): Uint8Array {
  const kind = rng.int(8)
  if (kind === 0) return new Uint8Array(64) // infinity
  if (kind === 1) return rng.bytes(64) // almost surely invalid
  const point = encodeG1(bn254.G1.Point.BASE.multiply(randomScalar(rng)))
  if (kind === 2) {
    // the same point with x + p: must be rejected, not reduced
    const x = bytesToBigInt(point.subarray(0, 32)) + bn254.fields.Fp.ORDER
    if (x < 2n ** 256n) point.set(word(x), 0)
  }
  return point
}

function g2Bytes(rng: Rng): Uint8Array {
  if (rng.int(8) === 0) return new Uint8Array(128)
  const { x, y } = bn254.G2.Point.BASE.multiply(randomScalar(rng)).toAffine()
  const out = new Uint8Array([...word(x.c1), ...word(x.c0), ...word(y.c1), ...word(y.c0)])
  if (rng.int(6) === 0) out[rng.int(128)]! ^= 1 << rng.int(8)
  return out
}

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
function ecrecoverInput(rng: Rng): Uint8Array {
  const digest = rng.bytes(32)
  const sig = signDigest(digest, new Uint8Array([1, ...rng.bytes(31)]))
  const input = new Uint8Array(128)
  input.set(digest, 0)
  input[63] = sig[64]!
  input.set(sig.subarray(0, 64), 64)
  const kind = rng.int(6)
  if (kind === 0) {
    // high-s twin: must recover the same signer
    input.set(word(N - bytesToBigInt(sig.subarray(32, 64))), 96)
    input[63] = sig[64]! === 27 ? 28 : 27
  } else if (kind === 1) input[63] = rng.pick([0, 1, 26, 29, 255])
  else if (kind === 2) input.set(word(rng.pick([0n, N, N + 1n, 2n ** 256n - 1n])), rng.pick([64, 96]))
  return mutate(rng, input)
}

function modexpInput(rng: Rng): Uint8Array {
  const lengths = [rng.int(70), rng.pick([0, 1, 2, 8, 32, 33, 40, rng.int(80)]), rng.int(70)]
  if (rng.int(20) === 0) lengths[rng.int(3)] = 0
  const body = rng.bytes(lengths[0]! + lengths[1]! + lengths[2]!)
  if (rng.int(4) === 0) body.fill(0, 0, rng.int(body.length + 1)) // leading zeros stress the exponent head
  return mutate(rng, new Uint8Array([...lengths.flatMap((n) => [...word(BigInt(n))]), ...body]))
}

function blake2fInput(rng: Rng): Uint8Array {
  const input = new Uint8Array([0, 0, 0, rng.int(40), ...rng.bytes(208), rng.pick([0, 1, 1, 0, 2])])
  return rng.int(8) === 0 ? mutate(rng, input) : input
}

type Case = { address: number; input: Uint8Array }
function cases(rng: Rng, scale: number): Case[] {
  const out: Case[] = []
  for (let i = 0; i < 150 * scale; i++) out.push({ address: 1, input: ecrecoverInput(rng) })
  for (let i = 0; i < 60 * scale; i++) out.push({ address: rng.pick([2, 3, 4]), input: rng.bytes(rng.int(200)) })
  for (let i = 0; i < 300 * scale; i++) out.push({ address: 5, input: modexpInput(rng) })
  for (let i = 0; i < 120 * scale; i++)
    out.push({ address: 6, input: mutate(rng, new Uint8Array([...g1Bytes(rng), ...g1Bytes(rng)])) })
  for (let i = 0; i < 120 * scale; i++)
    out.push({ address: 7, input: mutate(rng, new Uint8Array([...g1Bytes(rng), ...rng.bytes(32)])) })
  for (let i = 0; i < 25 * scale; i++) {
    const pairs = rng.int(3)
    const parts: number[] = []
    for (let p = 0; p < pairs; p++) parts.push(...g1Bytes(rng), ...g2Bytes(rng))
    // also try a provably balanced input: e(aG1, G2)·e(−aG1, G2)
    if (pairs === 0 && rng.int(2) === 0) {
      const a = randomScalar(rng)
      const g2 = g2Bytes(rng)
      parts.push(...encodeG1(bn254.G1.Point.BASE.multiply(a)), ...g2)
      parts.push(...encodeG1(bn254.G1.Point.BASE.multiply(a).negate()), ...g2)
    }
    out.push({ address: 8, input: rng.int(10) === 0 ? mutate(rng, new Uint8Array(parts)) : new Uint8Array(parts) })
  }
  for (let i = 0; i < 150 * scale; i++) out.push({ address: 9, input: blake2fInput(rng) })
  return out
}

/** A gas limit around the true price: enough, exactly enough, one short, or far too little. */
function gasLimitFor(rng: Rng, { address, input }: Case): bigint {
  const price = (() => {
    const words = BigInt(Math.ceil(input.length / 32))
    switch (address) {
      case 1:
        return 3000n
      case 2:
        return 60n + 12n * words
      case 3:
        return 600n + 120n * words
      case 4:
        return 15n + 3n * words
      case 5: {
        const len = (o: number) => bytesToBigInt(Uint8Array.from({ length: 32 }, (_, i) => input[o + i] ?? 0))
        return modexpGas(input, len(0), len(32), len(64))
      }
      case 6:
        return 150n
      case 7:
        return 6000n
      case 8:
        return 45000n + 34000n * BigInt(Math.floor(input.length / 192))
      default:
        return input.length === 213 ? BigInt(input[3]!) + 256n * BigInt(input[2]!) : 0n
    }
  })()
  // Prices above a mainnet block (30M gas) get a 10M limit and must halt. (Above ~2^31-byte
  // operands ethereumjs itself fails where the spec still defines a result: not comparable.)
  if (price > 30_000_000n) return 10_000_000n
  return rng.pick([price, price, price - 1n, price + 1000n, 10_000_000n, 0n])
}

/**
 * Runs `scale` × ~900 cases from `seed` on both engines; throws an AssertionError naming the input
 * and gas limit on the first disagreement. Returns how many cases succeeded and halted per address.
 */
export async function runDifferential(seed: number, scale: number): Promise<Map<number, { ok: number; halt: number }>> {
  const ejs = await oracle()
  const rng = prng(seed)
  const counts = new Map<number, { ok: number; halt: number }>()
  for (const c of cases(rng, scale)) {
    const gasLimit = gasLimitFor(rng, c)
    if (gasLimit < 0n) continue
    const ours = cancunPrecompiles.get(c.address)!(c.input, gasLimit)
    const theirs = await ejs(c.address, c.input, gasLimit)
    const where = `0x0${c.address} input=${Buffer.from(c.input).toString('hex')} gasLimit=${gasLimit}`
    const tally = counts.get(c.address) ?? { ok: 0, halt: 0 }
    counts.set(c.address, tally)
    if (theirs.exceptionError !== undefined) {
      assert.deepEqual(ours, { ok: false }, `${where}: ethereumjs halted (${theirs.exceptionError.error})`)
      tally.halt++
      continue
    }
    assert.ok(ours.ok, `${where}: we halted, ethereumjs succeeded`)
    assert.equal(ours.gasUsed, theirs.executionGasUsed, `${where}: gas`)
    assert.equal(Buffer.from(ours.output).toString('hex'), Buffer.from(theirs.returnValue).toString('hex'), where)
    tally.ok++
  }
  // The generators must exercise both outcomes for every precompile, or the comparison is hollow.
  for (const address of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    const tally = counts.get(address)
    assert.ok(tally && tally.ok > 0 && tally.halt > 0, `0x0${address}: ${JSON.stringify(tally)}`)
  }
  return counts
}
