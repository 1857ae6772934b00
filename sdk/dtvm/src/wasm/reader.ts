import { WasmValidationError } from './errors.ts'

/** Cursor over a WASM binary: LEB128 integers, bytes and names, with bounds checks. */
export class ByteReader {
  readonly bytes: Uint8Array
  offset: number
  readonly end: number

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length) {
    this.bytes = bytes
    this.offset = offset
    this.end = end
  }

  get done(): boolean {
    return this.offset >= this.end
  }

  u8(): number {
    if (this.offset >= this.end) throw new WasmValidationError('unexpected end of module', { offset: this.offset })
    return this.bytes[this.offset++]!
  }

  /** Unsigned LEB128 up to 32 bits. */
  u32(): number {
    let result = 0
    let shift = 0
    for (let i = 0; i < 5; i++) {
      const byte = this.u8()
      result |= (byte & 0x7f) << shift
      if ((byte & 0x80) === 0) {
        if (i === 4 && byte > 0x0f) break
        return result >>> 0
      }
      shift += 7
    }
    throw new WasmValidationError('malformed unsigned LEB128 integer', { offset: this.offset })
  }

  /** Signed LEB128 of at most `bits` bits (32 or 64): only its extent matters, the value is skipped. */
  skipSigned(bits: 32 | 64): void {
    const maxBytes = Math.ceil(bits / 7)
    for (let i = 0; i < maxBytes; i++) if ((this.u8() & 0x80) === 0) return
    throw new WasmValidationError(`malformed signed LEB128 (${bits}-bit) integer`, { offset: this.offset })
  }

  /** Signed LEB128 as a bigint (used for i64 block types and constants we read). */
  s33(): number {
    let result = 0n
    let shift = 0n
    let byte = 0
    for (let i = 0; i < 5; i++) {
      byte = this.u8()
      result |= BigInt(byte & 0x7f) << shift
      shift += 7n
      if ((byte & 0x80) === 0) {
        if (byte & 0x40) result -= 1n << shift
        return Number(result)
      }
    }
    throw new WasmValidationError('malformed block type', { offset: this.offset })
  }

  take(length: number): Uint8Array {
    if (this.offset + length > this.end)
      throw new WasmValidationError('unexpected end of module', { offset: this.offset })
    const slice = this.bytes.subarray(this.offset, this.offset + length)
    this.offset += length
    return slice
  }

  name(): string {
    return new TextDecoder('utf-8', { fatal: true }).decode(this.take(this.u32()))
  }
}

/** Growing byte buffer with LEB128 writers, for emitting instrumented modules. */
export class ByteWriter {
  private buffer = new Uint8Array(1024)
  length = 0

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < this.length + extra) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buffer.subarray(0, this.length))
    this.buffer = next
  }

  u8(value: number): this {
    this.reserve(1)
    this.buffer[this.length++] = value
    return this
  }

  u32(value: number): this {
    let v = value >>> 0
    do {
      let byte = v & 0x7f
      v >>>= 7
      if (v !== 0) byte |= 0x80
      this.u8(byte)
    } while (v !== 0)
    return this
  }

  s64(value: bigint): this {
    let v = value
    for (;;) {
      const byte = Number(v & 0x7fn)
      v >>= 7n
      const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)
      this.u8(done ? byte : byte | 0x80)
      if (done) return this
    }
  }

  s32(value: number): this {
    return this.s64(BigInt(value | 0))
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length)
    this.buffer.set(data, this.length)
    this.length += data.length
    return this
  }

  name(text: string): this {
    const encoded = new TextEncoder().encode(text)
    return this.u32(encoded.length).bytes(encoded)
  }

  /** Appends `body` prefixed with its byte length (sections, function bodies). */
  sized(body: Uint8Array): this {
    return this.u32(body.length).bytes(body)
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }
}
