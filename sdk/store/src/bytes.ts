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
