/**
 * Outcome of one precompile call. `ok: false` is an exceptional halt: the caller consumes all the gas
 * it gave the call (out of gas, malformed input the spec rejects, invalid curve point, bad proof).
 */
export type PrecompileResult = { ok: true; gasUsed: bigint; output: Uint8Array } | { ok: false }

/** A precompiled contract: pure function of input and gas limit, synchronous, never throws. */
export type Precompile = (input: Uint8Array, gasLimit: bigint) => PrecompileResult

/** The shared exceptional-halt value (frozen, so no caller can mutate it). */
export const HALT: PrecompileResult = Object.freeze({ ok: false })

/** Succeeds with `output` if `gas` fits in `gasLimit`, otherwise halts. */
export function charge(gas: bigint, gasLimit: bigint, output: () => Uint8Array): PrecompileResult {
  if (gas > gasLimit) return HALT
  return { ok: true, gasUsed: gas, output: output() }
}

/** Number of 32-byte words covering `length` bytes (the unit of the per-word precompile prices). */
export function wordCount(length: number): bigint {
  return BigInt(Math.ceil(length / 32))
}

/**
 * `length` bytes of `input` starting at `offset`, zero-filled past the end: precompiles read their
 * input as if it were followed by infinitely many zero bytes.
 */
export function readPadded(input: Uint8Array, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length)
  if (offset < input.length) out.set(input.subarray(offset, Math.min(input.length, offset + length)))
  return out
}

// Conversions go through hex strings: one native parse instead of a BigInt operation per byte,
// which dominates modexp on 64-byte operands otherwise.

/** Big-endian unsigned integer of a byte string. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`)
}

/** `value` as `length` big-endian bytes (the caller guarantees it fits). */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16)
  const out = new Uint8Array(length)
  const digits = hex.length % 2 === 1 ? `0${hex}` : hex
  out.set(Buffer.from(digits, 'hex'), length - digits.length / 2)
  return out
}
