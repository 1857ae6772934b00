// 256-bit words as eight 32-bit limbs in a Uint32Array (limb 0 least significant). Every function
// works in place on one shared array (the frame's stack) at word offsets, so arithmetic never
// allocates. Rare, heavy operations (division, modular arithmetic, EXP) go through BigInt.

const TWO32 = 4294967296

const MA = new Float64Array(16)
const MB = new Float64Array(16)

/** s[r] = s[a] + s[b] (mod 2^256). r may alias a or b. */
export function add(s: Uint32Array, a: number, b: number, r: number): void {
  let c = 0
  for (let i = 0; i < 8; i++) {
    const t = s[a + i]! + s[b + i]! + c
    s[r + i] = t
    c = t >= TWO32 ? 1 : 0
  }
}

/** s[r] = s[a] - s[b] (mod 2^256). */
export function sub(s: Uint32Array, a: number, b: number, r: number): void {
  let c = 0
  for (let i = 0; i < 8; i++) {
    const t = s[a + i]! - s[b + i]! - c
    s[r + i] = t
    c = t < 0 ? 1 : 0
  }
}

// Operand magnitudes for mul (limbs), and their 16-bit halves.
const XA = new Uint32Array(8)
const XB = new Uint32Array(8)

/**
 * Copies s[a] into x, negated when it is negative (top bit set) and its negation is shorter: signed
 * fixed-point code multiplies small negative numbers, and (-x)*y = -(x*y) mod 2^256. Returns the
 * index of the top non-zero limb (-1 for zero), plus 8 when the copy is negated.
 */
function magnitude(s: Uint32Array, a: number, x: Uint32Array): number {
  let top = 7
  while (top >= 0 && s[a + top] === 0) top--
  if (top === 7 && s[a + 7]! >= 0x80000000) {
    let carry = 1
    let negTop = -1
    for (let i = 0; i < 8; i++) {
      const t = (~s[a + i]! >>> 0) + carry
      const limb = t >>> 0
      x[i] = limb
      carry = t > 0xffffffff ? 1 : 0
      if (limb !== 0) negTop = i
    }
    if (negTop < 7) return negTop + 8
  }
  for (let i = 0; i < 8; i++) x[i] = s[a + i]!
  return top
}

/** s[r] = s[a] * s[b] (mod 2^256), schoolbook on 16-bit halves so partial sums stay exact in doubles. */
export function mul(s: Uint32Array, a: number, b: number, r: number): void {
  const ma = magnitude(s, a, XA)
  const mb = magnitude(s, b, XB)
  const topA = ma & 7
  const topB = mb & 7
  const negate = ma >= 8 !== mb >= 8
  if (ma < 0 || mb < 0) {
    for (let i = 0; i < 8; i++) s[r + i] = 0
    return
  }
  if (topA === 0 && topB === 0) {
    const x = XA[0]!
    const y = XB[0]!
    const xl = x & 0xffff
    const xh = x >>> 16
    const yl = y & 0xffff
    const yh = y >>> 16
    const lo = xl * yl
    const mid = xh * yl + xl * yh + Math.floor(lo / 65536)
    const r0 = (lo & 0xffff) + (mid % 65536) * 65536
    const hi = xh * yh + Math.floor(mid / 65536)
    s[r] = r0
    s[r + 1] = hi
    for (let i = 2; i < 8; i++) s[r + i] = 0
  } else {
    for (let i = 0; i < 8; i++) {
      const x = XA[i]!
      MA[2 * i] = x & 0xffff
      MA[2 * i + 1] = x >>> 16
      const y = XB[i]!
      MB[2 * i] = y & 0xffff
      MB[2 * i + 1] = y >>> 16
    }
    const na = 2 * topA + 2
    const nb = 2 * topB + 2
    let carry = 0
    let low = 0
    for (let k = 0; k < 16; k++) {
      let sum = carry
      const iMin = Math.max(k - nb + 1, 0)
      const iMax = Math.min(k, na - 1)
      for (let i = iMin; i <= iMax; i++) sum += MA[i]! * MB[k - i]!
      const half = sum % 65536
      carry = (sum - half) / 65536
      if ((k & 1) === 0) low = half
      else s[r + (k >>> 1)] = low + half * 65536
    }
  }
  if (negate) {
    let c = 1
    for (let i = 0; i < 8; i++) {
      const t = (~s[r + i]! >>> 0) + c
      s[r + i] = t
      c = t > 0xffffffff ? 1 : 0
    }
  }
}

/** Unsigned s[a] < s[b]. */
export function lt(s: Uint32Array, a: number, b: number): boolean {
  for (let i = 7; i >= 0; i--) {
    const x = s[a + i]!
    const y = s[b + i]!
    if (x !== y) return x < y
  }
  return false
}

/** Signed (two's complement) s[a] < s[b]. */
export function slt(s: Uint32Array, a: number, b: number): boolean {
  const sa = s[a + 7]! >>> 31
  const sb = s[b + 7]! >>> 31
  if (sa !== sb) return sa > sb
  return lt(s, a, b)
}

export function eq(s: Uint32Array, a: number, b: number): boolean {
  for (let i = 0; i < 8; i++) if (s[a + i] !== s[b + i]) return false
  return true
}

export function isZero(s: Uint32Array, a: number): boolean {
  for (let i = 0; i < 8; i++) if (s[a + i] !== 0) return false
  return true
}

export function setSmall(s: Uint32Array, r: number, v: number): void {
  s[r] = v % TWO32
  s[r + 1] = Math.floor(v / TWO32)
  for (let i = 2; i < 8; i++) s[r + i] = 0
}

/** s[r] = the word with these limbs (least significant first). */
export function setLimbs(
  s: Uint32Array,
  r: number,
  l0: number,
  l1: number,
  l2: number,
  l3: number,
  l4: number,
  l5: number,
  l6: number,
  l7: number,
): void {
  s[r] = l0
  s[r + 1] = l1
  s[r + 2] = l2
  s[r + 3] = l3
  s[r + 4] = l4
  s[r + 5] = l5
  s[r + 6] = l6
  s[r + 7] = l7
}

export function setZero(s: Uint32Array, r: number): void {
  for (let i = 0; i < 8; i++) s[r + i] = 0
}

export function copyWord(s: Uint32Array, from: number, to: number): void {
  for (let i = 0; i < 8; i++) s[to + i] = s[from + i]!
}

/** The word as a non-negative number, or `Number.MAX_SAFE_INTEGER` when it is 2^53 or more. */
export function toNum(s: Uint32Array, a: number): number {
  for (let i = 2; i < 8; i++) if (s[a + i] !== 0) return Number.MAX_SAFE_INTEGER
  const hi = s[a + 1]!
  if (hi >= 0x200000) return Number.MAX_SAFE_INTEGER
  return hi * TWO32 + s[a]!
}

/** Shift amount in 0..256 (256 meaning "all bits shifted out"). */
export function shiftAmount(s: Uint32Array, a: number): number {
  for (let i = 1; i < 8; i++) if (s[a + i] !== 0) return 256
  const v = s[a]!
  return Math.min(v, 256)
}

/** s[v] <<= n (n in 0..256). */
export function shl(s: Uint32Array, n: number, v: number): void {
  if (n >= 256) {
    setZero(s, v)
    return
  }
  const limbs = n >>> 5
  const bits = n & 31
  for (let i = 7; i >= 0; i--) {
    const src = i - limbs
    let x = src >= 0 ? s[v + src]! << bits : 0
    if (bits !== 0 && src - 1 >= 0) x |= s[v + src - 1]! >>> (32 - bits)
    s[v + i] = x
  }
}

/** s[v] >>>= n (logical). */
export function shr(s: Uint32Array, n: number, v: number): void {
  if (n >= 256) {
    setZero(s, v)
    return
  }
  const limbs = n >>> 5
  const bits = n & 31
  for (let i = 0; i < 8; i++) {
    const src = i + limbs
    let x = src < 8 ? s[v + src]! >>> bits : 0
    if (bits !== 0 && src + 1 < 8) x |= s[v + src + 1]! << (32 - bits)
    s[v + i] = x
  }
}

/** s[v] >>= n (arithmetic). */
export function sar(s: Uint32Array, n: number, v: number): void {
  const fill = s[v + 7]! >>> 31 === 1 ? 0xffffffff : 0
  if (n >= 256) {
    for (let i = 0; i < 8; i++) s[v + i] = fill
    return
  }
  const limbs = n >>> 5
  const bits = n & 31
  for (let i = 0; i < 8; i++) {
    const src = i + limbs
    const lo = src < 8 ? s[v + src]! : fill
    let x = lo >>> bits
    if (bits !== 0) x |= (src + 1 < 8 ? s[v + src + 1]! : fill) << (32 - bits)
    s[v + i] = x
  }
}

/** BYTE: the i-th most significant byte of s[v], written back to s[v]. */
export function byteOf(s: Uint32Array, i: number, v: number): void {
  if (i >= 32) {
    setZero(s, v)
    return
  }
  const pos = 31 - i
  const x = (s[v + (pos >>> 2)]! >>> ((pos & 3) * 8)) & 0xff
  setSmall(s, v, x)
}

/** SIGNEXTEND from byte b (0 = least significant) of s[v], in place. */
export function signExtend(s: Uint32Array, b: number, v: number): void {
  if (b >= 31) return
  const bit = b * 8 + 7
  const limb = bit >>> 5
  const inLimb = bit & 31
  const neg = (s[v + limb]! >>> inLimb) & 1
  if (inLimb !== 31) {
    const mask = (0xffffffff << (inLimb + 1)) >>> 0
    s[v + limb] = neg ? s[v + limb]! | mask : s[v + limb]! & ~mask
  }
  const fill = neg ? 0xffffffff : 0
  for (let i = limb + 1; i < 8; i++) s[v + i] = fill
}

// BigInt conversions go through a 64-bit view of one scratch word: four BigUint64 reads/writes
// instead of eight 32-bit steps (a little-endian host, as every Node platform is; checked below).
const SCRATCH32 = new Uint32Array(8)
const SCRATCH64 = new BigUint64Array(SCRATCH32.buffer)
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

export function toBig(s: Uint32Array, a: number): bigint {
  let hiWord = 7
  while (hiWord > 0 && s[a + hiWord] === 0) hiWord--
  if (hiWord < 2 && s[a + 1]! < 0x200000) return BigInt(s[a + 1]! * TWO32 + s[a]!)
  if (!LITTLE_ENDIAN) {
    let r = BigInt(s[a + hiWord]!)
    for (let i = hiWord - 1; i >= 0; i--) r = (r << 32n) | BigInt(s[a + i]!)
    return r
  }
  for (let i = 0; i < 8; i++) SCRATCH32[i] = s[a + i]!
  if (hiWord < 2) return SCRATCH64[0]!
  if (hiWord < 4) return (SCRATCH64[1]! << 64n) | SCRATCH64[0]!
  if (hiWord < 6) return (((SCRATCH64[2]! << 64n) | SCRATCH64[1]!) << 64n) | SCRATCH64[0]!
  return (((((SCRATCH64[3]! << 64n) | SCRATCH64[2]!) << 64n) | SCRATCH64[1]!) << 64n) | SCRATCH64[0]!
}

const MASK32 = 0xffffffffn
const MASK53 = (1n << 53n) - 1n

/** Stores v (taken mod 2^256; must be non-negative) into s[r]. */
export function fromBig(s: Uint32Array, r: number, v: bigint): void {
  if (v <= MASK53) {
    setSmall(s, r, Number(v))
    return
  }
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < 8; i++) {
      s[r + i] = Number(v & MASK32)
      v >>= 32n
    }
    return
  }
  // BigUint64Array stores take their value mod 2^64.
  SCRATCH64[0] = v
  SCRATCH64[1] = v >> 64n
  SCRATCH64[2] = v >> 128n
  SCRATCH64[3] = v >> 192n
  for (let i = 0; i < 8; i++) s[r + i] = SCRATCH32[i]!
}

/** Reads 32 big-endian bytes of `src` starting at `pos` (bytes past its end read as zero). */
export function loadBytes32(s: Uint32Array, r: number, src: Uint8Array, pos: number): void {
  if (pos + 32 <= src.length) {
    for (let i = 0; i < 8; i++) {
      const p = pos + 28 - 4 * i
      s[r + i] = ((src[p]! << 24) | (src[p + 1]! << 16) | (src[p + 2]! << 8) | src[p + 3]!) >>> 0
    }
    return
  }
  for (let i = 0; i < 8; i++) {
    const p = pos + 28 - 4 * i
    const b0 = p < src.length ? src[p]! : 0
    const b1 = p + 1 < src.length ? src[p + 1]! : 0
    const b2 = p + 2 < src.length ? src[p + 2]! : 0
    const b3 = p + 3 < src.length ? src[p + 3]! : 0
    s[r + i] = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0
  }
}

/** Reads `n` (1..32) big-endian bytes at `pos` as a number into s[r] (PUSHn). */
export function loadBytesN(s: Uint32Array, r: number, src: Uint8Array, pos: number, n: number): void {
  // Walk from the least significant byte (at pos+n-1) upwards.
  let limb = 0
  let acc = 0
  let shift = 0
  let i = 0
  for (; i < 8; i++) s[r + i] = 0
  for (let k = pos + n - 1; k >= pos; k--) {
    acc |= src[k]! << shift
    shift += 8
    if (shift === 32) {
      s[r + limb] = acc >>> 0
      limb++
      acc = 0
      shift = 0
    }
  }
  if (shift !== 0) s[r + limb] = acc >>> 0
}

/** Writes s[a] as 32 big-endian bytes into `dst` at `pos`. */
export function storeBytes32(s: Uint32Array, a: number, dst: Uint8Array, pos: number): void {
  for (let i = 0; i < 8; i++) {
    const x = s[a + i]!
    const p = pos + 28 - 4 * i
    dst[p] = x >>> 24
    dst[p + 1] = x >>> 16
    dst[p + 2] = x >>> 8
    dst[p + 3] = x
  }
}

/** s[a] as a new 32-byte big-endian array. */
export function toBytes32(s: Uint32Array, a: number): Uint8Array {
  const out = new Uint8Array(32)
  storeBytes32(s, a, out, 0)
  return out
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** The low 160 bits of s[a] as a lowercase 0x address. */
export function toAddress(s: Uint32Array, a: number): `0x${string}` {
  let out = '0x'
  for (let i = 4; i >= 0; i--) {
    const x = s[a + i]!
    out += HEX[x >>> 24]! + HEX[(x >>> 16) & 0xff]! + HEX[(x >>> 8) & 0xff]! + HEX[x & 0xff]!
  }
  return out as `0x${string}`
}

const HEX_VALUE = new Uint8Array(128)
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i
}

/** s[r] = a 0x-prefixed 20-byte hex address (parsed from char codes: no substrings). */
export function fromAddress(s: Uint32Array, r: number, address: string): void {
  for (let i = 0; i < 5; i++) {
    let v = 0
    for (let j = 2 + 8 * i; j < 10 + 8 * i; j++) v = v * 16 + HEX_VALUE[address.charCodeAt(j) & 127]!
    s[r + 4 - i] = v
  }
  s[r + 5] = 0
  s[r + 6] = 0
  s[r + 7] = 0
}

export function bytesToHex(b: Uint8Array): string {
  let out = '0x'
  for (let i = 0; i < b.length; i++) out += HEX[b[i]!]
  return out
}

export function bytesToBig(b: Uint8Array): bigint {
  if (b.length === 0) return 0n
  return BigInt(bytesToHex(b))
}

export function bigToBytes32(v: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 31; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

/** The word as a signed number when |value| < 2^53 (two's complement), else NaN. */
export function toSmallSigned(s: Uint32Array, a: number): number {
  const top = s[a + 7]!
  if (top === 0) {
    for (let i = 2; i < 7; i++) if (s[a + i] !== 0) return Number.NaN
    const hi = s[a + 1]!
    return hi < 0x200000 ? hi * TWO32 + s[a]! : Number.NaN
  }
  if (top !== 0xffffffff) return Number.NaN
  for (let i = 2; i < 7; i++) if (s[a + i] !== 0xffffffff) return Number.NaN
  const hi = s[a + 1]!
  // value = (hi - 2^32) * 2^32 + lo, exact while it is at least -2^53
  return hi > 0xffe00000 ? (hi - TWO32) * TWO32 + s[a]! : Number.NaN
}

/** Stores a signed integer |v| < 2^53 as a two's-complement word. */
export function setSmallSigned(s: Uint32Array, r: number, v: number): void {
  if (v >= 0) {
    setSmall(s, r, v)
    return
  }
  const m = -v // 1 .. 2^53
  // two's complement of m: ~(m - 1)
  const d = m - 1
  s[r] = ~(d % TWO32) >>> 0
  s[r + 1] = ~Math.floor(d / TWO32) >>> 0
  for (let i = 2; i < 8; i++) s[r + i] = 0xffffffff
}
