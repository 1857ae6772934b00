const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** `0x`-prefixed lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): `0x${string}` {
  let out = '0x'
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]
  return out as `0x${string}`
}

/** Bytes of a hex string (with or without `0x`); throws a clear error on odd length or bad digits. */
export function fromHex(hex: string): Uint8Array {
  const body = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex
  if (body.length % 2 !== 0)
    throw new Error(`fromHex: odd number of hex digits (${body.length}) in "${hex.slice(0, 20)}…"`)
  const out = new Uint8Array(body.length / 2)
  for (let i = 0; i < out.length; i++) {
    const byte = Number.parseInt(body.slice(i * 2, i * 2 + 2), 16)
    if (Number.isNaN(byte)) throw new Error(`fromHex: invalid hex digit at position ${i * 2} in "${hex.slice(0, 20)}…"`)
    out[i] = byte
  }
  return out
}

/** Byte-wise equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Lexicographic byte comparison: negative, zero or positive like `Array.prototype.sort` expects. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/** Concatenation of `parts` into one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
