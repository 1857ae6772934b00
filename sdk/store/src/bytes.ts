// Small big-endian helpers and a growable writer: one buffer per block instead of many small ones.

export function putU32(b: Uint8Array, off: number, v: number): void {
  b[off] = v >>> 24
  b[off + 1] = (v >>> 16) & 0xff
  b[off + 2] = (v >>> 8) & 0xff
  b[off + 3] = v & 0xff
}

export function getU32(b: Uint8Array, off: number): number {
  return (
    (((b[off] as number) << 24) |
      ((b[off + 1] as number) << 16) |
      ((b[off + 2] as number) << 8) |
      (b[off + 3] as number)) >>>
    0
  )
}

export function getU16(b: Uint8Array, off: number): number {
  return ((b[off] as number) << 8) | (b[off + 1] as number)
}

/** Versions are written as u64 but kept as safe integers (< 2^53) in memory. */
export function putU64(b: Uint8Array, off: number, v: number): void {
  putU32(b, off, Math.floor(v / 4294967296))
  putU32(b, off + 4, v >>> 0)
}

export function getU64(b: Uint8Array, off: number): number {
  return getU32(b, off) * 4294967296 + getU32(b, off + 4)
}

export class ByteWriter {
  buf: Uint8Array
  pos = 0
  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(initial)
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }
  u8(v: number): void {
    this.ensure(1)
    this.buf[this.pos++] = v
  }
  u16(v: number): void {
    this.ensure(2)
    this.buf[this.pos++] = v >>> 8
    this.buf[this.pos++] = v & 0xff
  }
  u32(v: number): void {
    this.ensure(4)
    putU32(this.buf, this.pos, v)
    this.pos += 4
  }
  u64(v: number): void {
    this.ensure(8)
    putU64(this.buf, this.pos, v)
    this.pos += 8
  }
  /** LEB128 of a non-negative safe integer (up to 2^53). */
  varint(v: number): void {
    this.ensure(8)
    let x = v
    while (x >= 0x80) {
      this.buf[this.pos++] = (x % 0x80) | 0x80
      x = Math.floor(x / 0x80)
    }
    this.buf[this.pos++] = x
  }
  bytes(src: Uint8Array, off = 0, len = src.length - off): void {
    this.ensure(len)
    if (len <= 64) {
      // Small copies (keys, hashes) are cheaper as a loop than as a subarray view + set.
      const b = this.buf
      let p = this.pos
      for (let i = 0; i < len; i++) b[p++] = src[off + i] as number
    } else this.buf.set(len === src.length && off === 0 ? src : src.subarray(off, off + len), this.pos)
    this.pos += len
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos)
  }
}

/** Sequential reader for the encodings above; reading past the end throws RangeError. */
export class ByteReader {
  readonly buf: Uint8Array
  pos: number
  readonly end: number
  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf
    this.pos = pos
    this.end = end
  }
  private need(n: number): void {
    if (this.pos + n > this.end) throw new RangeError(`read of ${n} bytes at ${this.pos} runs past ${this.end}`)
  }
  u8(): number {
    this.need(1)
    return this.buf[this.pos++] as number
  }
  u32(): number {
    this.need(4)
    const v = getU32(this.buf, this.pos)
    this.pos += 4
    return v
  }
  varint(): number {
    let v = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      const b = this.u8()
      v += (b & 0x7f) * scale
      if (b < 0x80) return v
      scale *= 0x80
    }
    throw new RangeError(`varint at ${this.pos} is longer than 8 bytes`)
  }
  bytes(n: number): Uint8Array {
    this.need(n)
    const out = this.buf.slice(this.pos, this.pos + n)
    this.pos += n
    return out
  }
}
