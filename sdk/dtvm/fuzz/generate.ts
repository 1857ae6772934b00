// Seeded generator of differential-fuzz cases: random and mutated bytecode for two contracts,
// pre-state storage, calldata, value and gas. Deterministic for a given seed.

export class Rng {
  private s: number
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9
  }
  /** mulberry32 */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0
    let t = this.s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!
  }
  bytes(n: number): number[] {
    const out: number[] = []
    for (let i = 0; i < n; i++) out.push(this.int(0, 255))
    return out
  }
}

export const CALLER = '0x00000000000000000000000000000000000c0ffe'
export const CONTRACT_A = '0x00000000000000000000000000000000000000aa'
export const CONTRACT_B = '0x00000000000000000000000000000000000000bb'
export const EMPTY_ACCOUNT = '0x00000000000000000000000000000000000000ee'

export type FuzzAccount = {
  address: string
  balance: bigint
  nonce: bigint
  code: Uint8Array
  storage: Map<bigint, bigint>
}
export type FuzzCase = {
  seed: number
  accounts: FuzzAccount[]
  to: string
  value: bigint
  data: Uint8Array
  gasLimit: number
}

const INTERESTING: bigint[] = [
  0n,
  1n,
  2n,
  31n,
  32n,
  255n,
  256n,
  (1n << 255n) - 1n,
  1n << 255n,
  (1n << 256n) - 1n,
  (1n << 256n) - 2n,
  1n << 128n,
  (1n << 64n) - 1n,
  1n << 32n,
]

const ADDRESSES = [
  CONTRACT_A,
  CONTRACT_B,
  CALLER,
  EMPTY_ACCOUNT,
  '0x01',
  '0x02',
  '0x03',
  '0x04',
  '0x05',
  '0x06',
  '0x07',
  '0x08',
  '0x09',
]

/** Opcodes picked at random (block-context opcodes are left out: the oracle's default block differs). */
const OPS = [
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
  0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x20, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
  0x3c, 0x3d, 0x3e, 0x3f, 0x46, 0x47, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x58, 0x59, 0x5a, 0x5c, 0x5d, 0x5e, 0x5f,
  0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x9f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4,
]

function pushValue(out: number[], v: bigint): void {
  if (v === 0n) {
    out.push(0x5f)
    return
  }
  const hex = v.toString(16)
  const n = Math.ceil(hex.length / 2)
  out.push(0x5f + n)
  const padded = hex.padStart(n * 2, '0')
  for (let i = 0; i < n; i++) out.push(Number.parseInt(padded.slice(2 * i, 2 * i + 2), 16))
}

function pushSmall(rng: Rng, out: number[]): void {
  pushValue(out, BigInt(rng.int(0, 96)))
}

function pushAddress(rng: Rng, out: number[]): void {
  pushValue(out, BigInt(rng.pick(ADDRESSES)))
}

function genCode(rng: Rng, depthBudget: number): Uint8Array {
  const out: number[] = []
  const n = rng.int(1, 50)
  const jumpTargets: number[] = []
  const pendingJumps: number[] = []
  for (let i = 0; i < 3; i++) pushSmall(rng, out)
  for (let i = 0; i < n; i++) {
    const r = rng.next()
    if (r < 0.25) pushSmall(rng, out)
    else if (r < 0.32) pushValue(out, rng.pick(INTERESTING))
    else if (r < 0.35) {
      const k = rng.int(1, 32)
      out.push(0x5f + k, ...rng.bytes(k))
    } else if (r < 0.65) out.push(rng.pick(OPS))
    else if (r < 0.72) {
      // SSTORE small key/value
      pushValue(out, BigInt(rng.int(0, 3)))
      pushValue(out, BigInt(rng.int(0, 5)))
      out.push(0x55)
    } else if (r < 0.76) {
      pushValue(out, BigInt(rng.int(0, 5)))
      out.push(0x54)
    } else if (r < 0.84) {
      // a call: gas, address, [value], inOff, inSize, outOff, outSize
      const kind = rng.pick([0xf1, 0xf1, 0xf2, 0xf4, 0xfa])
      pushSmall(rng, out)
      pushSmall(rng, out)
      pushSmall(rng, out)
      pushSmall(rng, out)
      if (kind === 0xf1 || kind === 0xf2) pushValue(out, BigInt(rng.pick([0, 0, 1, 1000])))
      pushAddress(rng, out)
      if (rng.next() < 0.5) out.push(0x5a)
      else pushValue(out, BigInt(rng.int(0, 60000)))
      out.push(kind)
    } else if (r < 0.87 && depthBudget > 0) {
      // CREATE / CREATE2 with a small initcode placed in memory
      const init = genInit(rng)
      for (let k = 0; k < init.length; k++) {
        pushValue(out, BigInt(init[k]!))
        pushValue(out, BigInt(k))
        out.push(0x53)
      }
      const kind = rng.pick([0xf0, 0xf5])
      if (kind === 0xf5) pushValue(out, BigInt(rng.int(0, 3)))
      pushValue(out, BigInt(init.length))
      pushValue(out, 0n)
      pushValue(out, BigInt(rng.pick([0, 0, 7])))
      out.push(kind)
    } else if (r < 0.91) {
      jumpTargets.push(out.length)
      out.push(0x5b)
    } else if (r < 0.95) {
      // conditional or unconditional jump to a (later-patched) destination
      pendingJumps.push(out.length)
      out.push(0x61, 0, 0)
      out.push(rng.next() < 0.5 ? 0x56 : 0x57)
    } else if (r < 0.97) out.push(rng.int(0, 255))
    else if (r < 0.975) {
      pushAddress(rng, out)
      out.push(0xff)
    } else out.push(rng.pick([0x00, 0xf3, 0xfd, 0xfe]))
  }
  for (const at of pendingJumps) {
    const dest = jumpTargets.length > 0 && rng.next() < 0.9 ? rng.pick(jumpTargets) : rng.int(0, out.length + 2)
    out[at + 1] = dest >> 8
    out[at + 2] = dest & 0xff
  }
  // finish: RETURN or REVERT a small memory region
  pushValue(out, BigInt(rng.int(0, 64)))
  pushValue(out, BigInt(rng.int(0, 32)))
  out.push(rng.pick([0xf3, 0xf3, 0xfd, 0x00]))
  const code = Uint8Array.from(out)
  // Mutation: flip a few bytes of some programs.
  if (rng.next() < 0.15) {
    const flips = rng.int(1, 3)
    for (let k = 0; k < flips && code.length > 0; k++) code[rng.int(0, code.length - 1)] = rng.int(0, 255)
  }
  return code
}

/** A tiny initcode: maybe store, then return a short runtime (or revert / bad prefix). */
function genInit(rng: Rng): number[] {
  const out: number[] = []
  if (rng.next() < 0.5) out.push(0x60, rng.int(0, 9), 0x60, rng.int(0, 3), 0x55)
  const runtimeLen = rng.pick([0, 1, 2, 33])
  // 0xEF prefix: rejected code (EIP-3541). Only with RETURN: @ethereumjs/evm 10.1.3 also rejects
  // 0xEF-prefixed REVERT data (consuming all gas), unlike the spec and geth.
  const efPrefix = rng.next() < 0.1
  if (efPrefix) out.push(0x60, 0xef, 0x5f, 0x53)
  out.push(0x60, runtimeLen, 0x5f, efPrefix ? 0xf3 : rng.pick([0xf3, 0xf3, 0xf3, 0xfd]))
  return out
}

export function generateCase(seed: number): FuzzCase {
  const rng = new Rng(seed)
  const storage = (): Map<bigint, bigint> => {
    const m = new Map<bigint, bigint>()
    const k = rng.int(0, 3)
    for (let i = 0; i < k; i++) m.set(BigInt(rng.int(0, 3)), BigInt(rng.int(1, 5)))
    return m
  }
  const accounts: FuzzAccount[] = [
    { address: CALLER, balance: 10n ** 18n, nonce: 1n, code: new Uint8Array(0), storage: new Map() },
    {
      address: CONTRACT_A,
      balance: BigInt(rng.pick([0, 1, 5000])),
      nonce: 1n,
      code: genCode(rng, 1),
      storage: storage(),
    },
    { address: CONTRACT_B, balance: BigInt(rng.pick([0, 7])), nonce: 1n, code: genCode(rng, 1), storage: storage() },
  ]
  if (rng.next() < 0.5)
    accounts.push({ address: EMPTY_ACCOUNT, balance: 0n, nonce: 0n, code: new Uint8Array(0), storage: new Map() })
  const data = Uint8Array.from(rng.bytes(rng.pick([0, 4, 36, 68])))
  return {
    seed,
    accounts,
    to: rng.next() < 0.9 ? CONTRACT_A : CONTRACT_B,
    value: BigInt(rng.pick([0, 0, 1, 100])),
    data,
    gasLimit: rng.pick([30000, 100000, 300000, 1000000]),
  }
}
