import { bigIntToBytes, bytesToBigInt, HALT, type PrecompileResult, readPadded } from './types.ts'

const EMPTY = new Uint8Array(0)
// Base and modulus longer than this cannot be held in memory. Reaching it past the gas check needs
// a gas limit above 10^16 (no block allows that), so halting there never diverges from the spec.
const MAX_OPERAND_BYTES = 1n << 28n

/**
 * 0x05 MODEXP (EIP-198) priced by EIP-2565. Input: base length ‖ exponent length ‖ modulus length
 * (32-byte words) ‖ base ‖ exponent ‖ modulus, zero-padded. Output is exactly `modulus length` bytes.
 */
export function modexpPrecompile(input: Uint8Array, gasLimit: bigint): PrecompileResult {
  const baseLen = bytesToBigInt(readPadded(input, 0, 32))
  const expLen = bytesToBigInt(readPadded(input, 32, 32))
  const modLen = bytesToBigInt(readPadded(input, 64, 32))
  const gas = modexpGas(input, baseLen, expLen, modLen)
  if (gas > gasLimit || baseLen > MAX_OPERAND_BYTES || modLen > MAX_OPERAND_BYTES) return HALT
  if (baseLen === 0n && modLen === 0n) return { ok: true, gasUsed: gas, output: EMPTY }
  // Past the gas check the lengths are small: the quadratic price bounds base and modulus, and the
  // exponent is only read as far as the real input reaches (the rest is zero bits, squared below).
  const base = bytesToBigInt(readSpan(input, 96n, baseLen))
  const expStart = 96n + baseLen
  const modulus = bytesToBigInt(readSpan(input, expStart + expLen, modLen))
  const output = new Uint8Array(Number(modLen))
  if (modulus > 1n) output.set(bigIntToBytes(modPow(base, input, expStart, expLen, modulus), output.length))
  return { ok: true, gasUsed: gas, output }
}

/** EIP-2565 price: max(200, floor(mult_complexity × max(iterations, 1) / 3)). */
export function modexpGas(input: Uint8Array, baseLen: bigint, expLen: bigint, modLen: bigint): bigint {
  const maxLen = baseLen > modLen ? baseLen : modLen
  const words = (maxLen + 7n) / 8n
  const multComplexity = words * words
  const headLen = expLen < 32n ? expLen : 32n
  const expHead = bytesToBigInt(readSpan(input, 96n + baseLen, headLen))
  const headBits = BigInt(bitLength(expHead))
  let iterations: bigint
  if (expLen <= 32n) iterations = expHead === 0n ? 0n : headBits - 1n
  else iterations = 8n * (expLen - 32n) + (headBits > 0n ? headBits - 1n : 0n)
  if (iterations < 1n) iterations = 1n
  const gas = (multComplexity * iterations) / 3n
  return gas < 200n ? 200n : gas
}

/** `length` bytes of the input at a (possibly huge) offset, zero-filled; length must be allocatable. */
function readSpan(input: Uint8Array, offset: bigint, length: bigint): Uint8Array {
  if (length === 0n) return EMPTY
  if (offset >= BigInt(input.length)) return new Uint8Array(Number(length))
  return readPadded(input, Number(offset), Number(length))
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length
}

/**
 * base^exponent mod modulus, left-to-right binary over the exponent bytes present in the input,
 * then one squaring per zero bit the exponent extends past the end of the input.
 */
function modPow(base: bigint, input: Uint8Array, expStart: bigint, expLen: bigint, modulus: bigint): bigint {
  const b = base % modulus
  let result = 1n
  const available = expStart >= BigInt(input.length) ? 0n : BigInt(input.length) - expStart
  const presentLen = Number(expLen < available ? expLen : available)
  const start = Number(expStart < BigInt(input.length) ? expStart : 0n)
  for (let i = 0; i < presentLen; i++) {
    const byte = input[start + i]!
    for (let bit = 7; bit >= 0; bit--) {
      result = (result * result) % modulus
      if ((byte >> bit) & 1) result = (result * b) % modulus
    }
  }
  if (result === 0n || result === 1n) return result % modulus // squaring no longer changes it
  for (let i = BigInt(presentLen) * 8n, end = expLen * 8n; i < end; i++) result = (result * result) % modulus
  return result
}
