// A zero-copy RLP reader. Transaction decoding is on the ingest hot path, and the signing payload of
// a typed transaction is its field list minus (yParity, r, s): knowing each item's byte span lets us
// hash that payload by re-framing the original bytes instead of re-encoding every field.

export class RlpError extends Error {
  override readonly name = 'RlpError'
}

/** One decoded item: `start..end` is the whole encoding (header included), `data` the payload. */
export type RlpItem = { start: number; end: number; isList: boolean; data: Uint8Array }

function readLength(bytes: Uint8Array, at: number, size: number): number {
  if (size > 4) throw new RlpError(`rlp: length of length ${size} is too large at byte ${at}`)
  if (at + size > bytes.length) throw new RlpError(`rlp: truncated length at byte ${at}`)
  if (bytes[at] === 0) throw new RlpError(`rlp: length with leading zero at byte ${at}`)
  let n = 0
  for (let i = 0; i < size; i++) n = n * 256 + bytes[at + i]!
  if (n < 56) throw new RlpError(`rlp: long form used for a short length at byte ${at}`)
  return n
}

/** Decodes the item that starts at `at`, checking canonical encoding and bounds. */
export function readItem(bytes: Uint8Array, at: number): RlpItem {
  if (at >= bytes.length) throw new RlpError(`rlp: unexpected end of input at byte ${at}`)
  const b = bytes[at]!
  let headerLen: number
  let payloadLen: number
  let isList = false
  if (b < 0x80) {
    return { start: at, end: at + 1, isList: false, data: bytes.subarray(at, at + 1) }
  } else if (b <= 0xb7) {
    headerLen = 1
    payloadLen = b - 0x80
    if (payloadLen === 1 && at + 1 < bytes.length && bytes[at + 1]! < 0x80)
      throw new RlpError(`rlp: single byte below 0x80 must not be prefixed (byte ${at})`)
  } else if (b <= 0xbf) {
    headerLen = 1 + (b - 0xb7)
    payloadLen = readLength(bytes, at + 1, b - 0xb7)
  } else if (b <= 0xf7) {
    headerLen = 1
    payloadLen = b - 0xc0
    isList = true
  } else {
    headerLen = 1 + (b - 0xf7)
    payloadLen = readLength(bytes, at + 1, b - 0xf7)
    isList = true
  }
  const end = at + headerLen + payloadLen
  if (end > bytes.length) throw new RlpError(`rlp: item at byte ${at} runs past the end of input`)
  return { start: at, end, isList, data: bytes.subarray(at + headerLen, end) }
}

/** The items of a list payload, in order. */
export function readListItems(payload: Uint8Array): RlpItem[] {
  const items: RlpItem[] = []
  let at = 0
  while (at < payload.length) {
    const item = readItem(payload, at)
    items.push(item)
    at = item.end
  }
  return items
}

/** Encodes an RLP header for a payload of `length` bytes (`offset` 0x80 for strings, 0xc0 for lists). */
export function encodeHeader(length: number, offset: 0x80 | 0xc0): Uint8Array {
  if (length < 56) return Uint8Array.of(offset + length)
  const lenBytes: number[] = []
  for (let n = length; n > 0; n = Math.floor(n / 256)) lenBytes.unshift(n % 256)
  return Uint8Array.of(offset + 55 + lenBytes.length, ...lenBytes)
}

/** RLP encoding of a byte string. */
export function encodeBytes(data: Uint8Array): Uint8Array {
  if (data.length === 1 && data[0]! < 0x80) return data
  const header = encodeHeader(data.length, 0x80)
  const out = new Uint8Array(header.length + data.length)
  out.set(header)
  out.set(data, header.length)
  return out
}

/** RLP encoding of a list whose items are already encoded. */
export function encodeList(encodedItems: Uint8Array[]): Uint8Array {
  let length = 0
  for (const item of encodedItems) length += item.length
  const header = encodeHeader(length, 0xc0)
  const out = new Uint8Array(header.length + length)
  out.set(header)
  let at = header.length
  for (const item of encodedItems) {
    out.set(item, at)
    at += item.length
  }
  return out
}

/** Minimal big-endian bytes of a non-negative integer (empty for zero), as RLP numbers are written. */
export function bigintToMinimalBytes(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0)
  let hex = value.toString(16)
  if (hex.length % 2) hex = '0' + hex
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

/** Encodes a non-negative integer as an RLP string. */
export function encodeUint(value: bigint | number): Uint8Array {
  return encodeBytes(bigintToMinimalBytes(BigInt(value)))
}

/** Reads a canonical RLP integer (no leading zeros) from a string payload. */
export function bytesToUint(data: Uint8Array, what: string): bigint {
  if (data.length > 0 && data[0] === 0) throw new RlpError(`rlp: ${what} has a leading zero byte`)
  if (data.length > 32) throw new RlpError(`rlp: ${what} is longer than 32 bytes`)
  let n = 0n
  for (const b of data) n = (n << 8n) | BigInt(b)
  return n
}
