// Seeded PRNG for tests and benchmarks (determinism: never Math.random).

/** sfc32: a small, fast, seeded 32-bit PRNG (the same one the baseline measurement used). */
export class Sfc32 {
  private a: number
  private b: number
  private c: number
  private d: number
  constructor(seed: number) {
    this.a = 0x9e3779b9
    this.b = 0x243f6a88
    this.c = 0xb7e15162
    this.d = seed >>> 0
    for (let i = 0; i < 15; i++) this.next()
  }
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }
  /** Uniform integer in [0, n) for n ≤ 2^32. */
  below(n: number): number {
    return Math.floor((this.next() / 4294967296) * n)
  }
  fill(out: Uint8Array): Uint8Array {
    for (let i = 0; i < out.length; i += 4) {
      const r = this.next()
      out[i] = r & 0xff
      if (i + 1 < out.length) out[i + 1] = (r >>> 8) & 0xff
      if (i + 2 < out.length) out[i + 2] = (r >>> 16) & 0xff
      if (i + 3 < out.length) out[i + 3] = r >>> 24
    }
    return out
  }
}
