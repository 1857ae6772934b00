// Inline 256-bit operations on limb expressions (see stack-model.ts): each returns the result's
// limbs, emitting JS constants for what is not known at compile time and folding what is. Every
// limb expression evaluates to an integer in [0, 2^32), which is what the emitted code relies on.
import { type Gen, isLiteral, type Limbs } from './stack-model.ts'

const ALL_ONES = '4294967295'
const MAX_SAFE = '9007199254740991'
const ZERO: Limbs = ['0', '0', '0', '0', '0', '0', '0', '0']

export const small = (limb: string): Limbs => [limb, '0', '0', '0', '0', '0', '0', '0']

export function literalLimbs(limbs: number[]): Limbs {
  return limbs.map((v) => String(v))
}

/** The word's value when every limb is a literal. */
export function constantOf(limbs: Limbs): bigint | undefined {
  let v = 0n
  for (let k = 7; k >= 0; k--) {
    if (!isLiteral(limbs[k]!)) return undefined
    v = (v << 32n) | BigInt(limbs[k]!)
  }
  return v
}

export function limbsOfConstant(v: bigint): Limbs {
  const out: Limbs = []
  for (let k = 0; k < 8; k++) out.push(String(Number((v >> BigInt(32 * k)) & 0xffffffffn)))
  return out
}

const U256 = (1n << 256n) - 1n

function fold(a: Limbs, b: Limbs, f: (x: bigint, y: bigint) => bigint): Limbs | undefined {
  const x = constantOf(a)
  const y = constantOf(b)
  if (x === undefined || y === undefined) return undefined
  return limbsOfConstant(f(x, y) & U256)
}

export function add(g: Gen, a: Limbs, b: Limbs): Limbs {
  const folded = fold(a, b, (x, y) => x + y)
  if (folded) return folded
  const r: Limbs = []
  let carry = '0'
  for (let k = 0; k < 8; k++) {
    const terms = [a[k]!, b[k]!].filter((t) => t !== '0')
    if (carry !== '0') terms.push(carry)
    if (terms.length === 0) {
      r.push('0')
      carry = '0'
    } else if (terms.length === 1 && carry === '0') {
      r.push(terms[0]!)
    } else {
      const t = g.bind(terms.join(' + '))
      r.push(g.bind(`${t} >>> 0`))
      carry = k < 7 ? `(${t} > 4294967295 ? 1 : 0)` : '0'
    }
  }
  return r
}

/** a - b. */
export function sub(g: Gen, a: Limbs, b: Limbs): Limbs {
  const folded = fold(a, b, (x, y) => x - y)
  if (folded) return folded
  const r: Limbs = []
  let borrow = '0'
  for (let k = 0; k < 8; k++) {
    if (b[k] === '0' && borrow === '0') {
      r.push(a[k]!)
      continue
    }
    let expr = a[k]!
    if (b[k] !== '0') expr += ` - ${b[k]}`
    if (borrow !== '0') expr += ` - ${borrow}`
    const t = g.bind(expr)
    r.push(g.bind(`${t} >>> 0`))
    borrow = k < 7 ? `(${t} < 0 ? 1 : 0)` : '0'
  }
  return r
}

export function and(g: Gen, a: Limbs, b: Limbs): Limbs {
  return a.map((x, k) => {
    const y = b[k]!
    if (x === '0' || y === '0') return '0'
    if (x === ALL_ONES) return y
    if (y === ALL_ONES) return x
    if (isLiteral(x) && isLiteral(y)) return String((Number(x) & Number(y)) >>> 0)
    return g.bind(`(${x} & ${y}) >>> 0`)
  })
}

export function or(g: Gen, a: Limbs, b: Limbs): Limbs {
  return a.map((x, k) => {
    const y = b[k]!
    if (x === '0') return y
    if (y === '0') return x
    if (x === ALL_ONES || y === ALL_ONES) return ALL_ONES
    if (isLiteral(x) && isLiteral(y)) return String((Number(x) | Number(y)) >>> 0)
    return g.bind(`(${x} | ${y}) >>> 0`)
  })
}

export function xor(g: Gen, a: Limbs, b: Limbs): Limbs {
  return a.map((x, k) => {
    const y = b[k]!
    if (x === '0') return y
    if (y === '0') return x
    if (isLiteral(x) && isLiteral(y)) return String((Number(x) ^ Number(y)) >>> 0)
    return g.bind(`(${x} ^ ${y}) >>> 0`)
  })
}

export function not(g: Gen, a: Limbs): Limbs {
  return a.map((x) => (isLiteral(x) ? String(~Number(x) >>> 0) : g.bind(`~${x} >>> 0`)))
}

/** JS boolean expression: the word is zero (or the constant answer). */
export function isZeroExpr(a: Limbs): string {
  const vars = a.filter((x) => !isLiteral(x))
  if (a.some((x) => isLiteral(x) && x !== '0')) return 'false'
  if (vars.length === 0) return 'true'
  return vars.length === 1 ? `${vars[0]} === 0` : `(${vars.join(' | ')}) === 0`
}

/** A 0/1 word from a JS boolean expression. */
export function flag(g: Gen, cond: string): Limbs {
  if (cond === 'true') return small('1')
  if (cond === 'false') return small('0')
  return small(g.bind(`${cond} ? 1 : 0`))
}

export function eqExpr(a: Limbs, b: Limbs): string {
  const conds: string[] = []
  for (let k = 0; k < 8; k++) {
    const x = a[k]!
    const y = b[k]!
    if (x === y) continue
    if (isLiteral(x) && isLiteral(y)) return 'false'
    conds.push(`${x} === ${y}`)
  }
  return conds.length === 0 ? 'true' : conds.join(' && ')
}

/** a < b, unsigned or signed (two's complement), as a JS boolean expression. */
export function ltExpr(a: Limbs, b: Limbs, signed: boolean): string {
  // Limb pairs from the most significant, until one is decided at compile time.
  const pairs: { x: string; y: string; unsigned: boolean }[] = []
  let tail = 'false'
  for (let k = 7; k >= 0; k--) {
    let x = a[k]!
    let y = b[k]!
    const asSigned = signed && k === 7
    if (asSigned) {
      x = isLiteral(x) ? String(Number(x) | 0) : `(${x} | 0)`
      y = isLiteral(y) ? String(Number(y) | 0) : `(${y} | 0)`
    }
    if (x === y) continue
    if (/^-?\d+$/.test(x) && /^-?\d+$/.test(y)) {
      tail = Number(x) < Number(y) ? 'true' : 'false'
      break
    }
    pairs.push({ x, y, unsigned: !asSigned })
  }
  let expr = tail
  for (let i = pairs.length - 1; i >= 0; i--) {
    const { x, y, unsigned } = pairs[i]!
    if (unsigned && x === '0')
      expr = expr === 'true' ? 'true' : expr === 'false' ? `${y} !== 0` : `(${y} !== 0 || ${expr})`
    else if (unsigned && y === '0')
      expr = expr === 'false' ? 'false' : expr === 'true' ? `${x} === 0` : `(${x} === 0 && ${expr})`
    else if (expr === 'false') expr = `${x} < ${y}`
    else if (expr === 'true') expr = `${x} <= ${y}`
    else expr = `(${x} !== ${y} ? ${x} < ${y} : ${expr})`
  }
  return expr
}

/** The word as a number, or 2^53 - 1 when it is 2^53 or more (word.ts's toNum): a literal or a constant's name. */
export function toNum(g: Gen, a: Limbs): string {
  const c = constantOf(a)
  if (c !== undefined) return c < 2n ** 53n ? String(c) : MAX_SAFE
  const high = a.slice(2)
  if (high.some((x) => isLiteral(x) && x !== '0')) return MAX_SAFE
  const vars = high.filter((x) => x !== '0')
  if (vars.length === 0 && a[1] === '0') return g.bind(a[0]!)
  const big = [vars.length > 0 ? `(${vars.join(' | ')}) !== 0` : '', a[1] === '0' ? '' : `${a[1]} >= 2097152`]
    .filter((x) => x !== '')
    .join(' || ')
  const value = a[1] === '0' ? a[0]! : `${a[1]} * 4294967296 + ${a[0]}`
  return g.bind(big === '' ? value : `${big} ? ${MAX_SAFE} : ${value}`)
}

/** Shift amount 0..256 of a constant word (256 = everything shifted out). */
export function constantShift(a: Limbs): number | undefined {
  const c = constantOf(a)
  if (c === undefined) return undefined
  return c > 256n ? 256 : Number(c)
}

function shiftOr(g: Gen, lo: string, hi: string): string {
  if (lo === '0') return hi === '0' ? '0' : g.bind(`${hi} >>> 0`)
  if (hi === '0') return g.bind(`${lo} >>> 0`)
  return g.bind(`(${lo} | ${hi}) >>> 0`)
}

export function shlConst(g: Gen, n: number, a: Limbs): Limbs {
  if (n >= 256) return ZERO
  const c = constantOf(a)
  if (c !== undefined) return limbsOfConstant((c << BigInt(n)) & U256)
  const limbs = n >>> 5
  const bits = n & 31
  const r: Limbs = []
  for (let i = 0; i < 8; i++) {
    const src = i - limbs
    if (src < 0) r.push('0')
    else if (bits === 0) r.push(a[src]!)
    else {
      const lo = a[src] === '0' ? '0' : `(${a[src]} << ${bits})`
      const hi = src - 1 >= 0 && a[src - 1] !== '0' ? `(${a[src - 1]} >>> ${32 - bits})` : '0'
      r.push(shiftOr(g, lo, hi))
    }
  }
  return r
}

/** Logical (fill '0') or arithmetic (fill = sign limb) right shift by a constant. */
export function shrConst(g: Gen, n: number, a: Limbs, arithmetic: boolean): Limbs {
  const c = constantOf(a)
  let fill = '0'
  if (arithmetic) {
    if (isLiteral(a[7]!)) fill = Number(a[7]) >= 2 ** 31 ? ALL_ONES : '0'
    else fill = g.bind(`${a[7]} >= 2147483648 ? 4294967295 : 0`)
  }
  if (n >= 256) return [fill, fill, fill, fill, fill, fill, fill, fill]
  if (c !== undefined && !arithmetic) return limbsOfConstant(c >> BigInt(n))
  const limbs = n >>> 5
  const bits = n & 31
  const limb = (i: number) => (i < 8 ? a[i]! : fill)
  const r: Limbs = []
  for (let i = 0; i < 8; i++) {
    const src = i + limbs
    if (bits === 0) r.push(limb(src))
    else {
      const x = limb(src)
      const y = limb(src + 1)
      const lo = x === '0' ? '0' : `(${x} >>> ${bits})`
      const hi = y === '0' ? '0' : `(${y} << ${32 - bits})`
      r.push(shiftOr(g, lo, hi))
    }
  }
  return r
}

/** BYTE with a constant index. */
export function byteConst(g: Gen, i: number, a: Limbs): Limbs {
  if (i >= 32) return ZERO
  const pos = 31 - i
  const x = a[pos >>> 2]!
  const sh = (pos & 3) * 8
  if (isLiteral(x)) return small(String((Number(x) >>> sh) & 0xff))
  return small(g.bind(`(${x} >>> ${sh}) & 255`))
}
