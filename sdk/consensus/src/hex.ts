// Fast hex helpers for the hot path (Buffer's native hex codec). Buffer stops at the first invalid
// digit, so checking the decoded length rejects malformed input.
import type { Hex } from './types.ts'

export function hexToBytes(hex: string, length: number, what: string): Uint8Array {
  if (typeof hex !== 'string' || hex.length !== 2 + 2 * length || hex[0] !== '0' || hex[1] !== 'x')
    throw new RangeError(`${what}: expected 0x-prefixed ${length}-byte hex, got ${String(hex).slice(0, 24)}`)
  const buf = Buffer.from(hex.slice(2), 'hex')
  if (buf.length !== length) throw new RangeError(`${what}: invalid hex digits in ${hex.slice(0, 24)}`)
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length)
}

export function bytesToHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')}`
}

export function isHex(value: unknown, length: number): value is Hex {
  return typeof value === 'string' && value.length === 2 + 2 * length && /^0x[0-9a-f]*$/.test(value)
}
