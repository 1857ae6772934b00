// keccak-256 for the tree's hot path: a WebAssembly module generated here at load time (no
// toolchain, no binary checked in), with the state in 25 i64 locals and all 24 rounds unrolled.
// The store calls it once per tree hash with the input already in the module's memory, which costs
// about half of a general-purpose hasher's call (no per-call allocation, no init/update/digest).
//
// Module interface: memory (exported, 1+ pages) and absorb(off, blocks): zeroes the state, absorbs
// `blocks` already-padded 136-byte blocks starting at `off`, and writes the 32-byte digest at 0.

const ROT = [
  [0, 36, 3, 41, 18],
  [1, 44, 10, 45, 2],
  [62, 6, 43, 15, 61],
  [28, 55, 25, 21, 56],
  [27, 20, 39, 8, 14],
] // ROT[x][y]: rotation of lane x + 5y (Keccak reference, rho step)

const RC = [
  0x0000000000000001n,
  0x0000000000008082n,
  0x800000000000808an,
  0x8000000080008000n,
  0x000000000000808bn,
  0x0000000080000001n,
  0x8000000080008081n,
  0x8000000000008009n,
  0x000000000000008an,
  0x0000000000000088n,
  0x0000000080008009n,
  0x000000008000000an,
  0x000000008000808bn,
  0x800000000000008bn,
  0x8000000000008089n,
  0x8000000000008003n,
  0x8000000000008002n,
  0x8000000000000080n,
  0x000000000000800an,
  0x800000008000000an,
  0x8000000080008081n,
  0x8000000000008080n,
  0x0000000080000001n,
  0x8000000080008008n,
]

const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  i64Load: 0x29,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i64And: 0x83,
  i64Xor: 0x85,
  i64Rotl: 0x89,
} as const
const VOID = 0x40
const I32 = 0x7f
const I64 = 0x7e

function uleb(n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return out
}

function sleb(v: bigint): number[] {
  const out: number[] = []
  for (;;) {
    const b = Number(v & 0x7fn)
    v >>= 7n
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)
    out.push(done ? b : b | 0x80)
    if (done) return out
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body]
}

function name(s: string): number[] {
  return [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))]
}

/** The body of absorb(off: i32, blocks: i32). */
function absorbBody(): number[] {
  const OFF = 0
  const BLOCKS = 1
  const a = (i: number) => 2 + i
  const b = (i: number) => 27 + i
  const c = (i: number) => 52 + i
  const d = (i: number) => 57 + i
  const code: number[] = []
  const get = (l: number) => code.push(OP.localGet, ...uleb(l))
  const set = (l: number) => code.push(OP.localSet, ...uleb(l))
  const op = (o: number) => code.push(o)
  const i64 = (v: bigint) => code.push(OP.i64Const, ...sleb(BigInt.asIntN(64, v)))

  code.push(OP.block, VOID, OP.loop, VOID)
  get(BLOCKS)
  op(OP.i32Eqz)
  code.push(OP.brIf, 1)
  for (let i = 0; i < 17; i++) {
    get(OFF)
    code.push(OP.i64Load, 3, ...uleb(8 * i))
    get(a(i))
    op(OP.i64Xor)
    set(a(i))
  }
  for (let round = 0; round < 24; round++) {
    // theta: column parities, then the per-column mix folded into rho/pi below
    for (let x = 0; x < 5; x++) {
      get(a(x))
      for (let y = 1; y < 5; y++) {
        get(a(x + 5 * y))
        op(OP.i64Xor)
      }
      set(c(x))
    }
    for (let x = 0; x < 5; x++) {
      get(c((x + 4) % 5))
      get(c((x + 1) % 5))
      i64(1n)
      op(OP.i64Rotl)
      op(OP.i64Xor)
      set(d(x))
    }
    // rho and pi: B[y, 2x+3y] = rotl(A[x, y] ^ D[x], ROT[x][y])
    for (let x = 0; x < 5; x++)
      for (let y = 0; y < 5; y++) {
        get(a(x + 5 * y))
        get(d(x))
        op(OP.i64Xor)
        const r = (ROT[x] as number[])[y] as number
        if (r !== 0) {
          i64(BigInt(r))
          op(OP.i64Rotl)
        }
        set(b(y + 5 * ((2 * x + 3 * y) % 5)))
      }
    // chi
    for (let y = 0; y < 5; y++)
      for (let x = 0; x < 5; x++) {
        get(b(((x + 1) % 5) + 5 * y))
        i64(-1n)
        op(OP.i64Xor)
        get(b(((x + 2) % 5) + 5 * y))
        op(OP.i64And)
        get(b(x + 5 * y))
        op(OP.i64Xor)
        set(a(x + 5 * y))
      }
    // iota
    get(a(0))
    i64(RC[round] as bigint)
    op(OP.i64Xor)
    set(a(0))
  }
  get(OFF)
  code.push(OP.i32Const, ...sleb(136n))
  op(OP.i32Add)
  set(OFF)
  get(BLOCKS)
  code.push(OP.i32Const, 1)
  op(OP.i32Sub)
  set(BLOCKS)
  code.push(OP.br, 0, OP.end, OP.end)
  for (let i = 0; i < 4; i++) {
    code.push(OP.i32Const, 0)
    get(a(i))
    code.push(OP.i64Store, 3, ...uleb(8 * i))
  }
  code.push(OP.end)
  const locals = [1, ...uleb(60), I64]
  const body = [...locals, ...code]
  return [...uleb(body.length), ...body]
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 2, I32, I32, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name('memory'), 0x02, 0, ...name('absorb'), 0x00, 0]),
    ...section(10, [1, ...absorbBody()]),
  ]
  return new Uint8Array(bytes)
}

export type KeccakModule = { memory: WebAssembly.Memory; absorb: (off: number, blocks: number) => void }

export function instantiateKeccak(): KeccakModule {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), {})
  return instance.exports as unknown as KeccakModule
}
