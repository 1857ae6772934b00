// The deterministic workload every engine in the benchmark replays: the same keys, values and read
// order for ours and for the baseline, derived only from seeds (no Math.random).
import { keccak256 } from '@spnkit/crypto'
import { Sfc32 } from '../src/testing/prng.ts'

export { Sfc32 }

export const VALUE_BYTES = 80
export const SEED_LOAD = 1
export const SEED_UPDATE = 2
export const SEED_READ = 3

/** key i = keccak256(uint64 big-endian i): an account-like 32-byte hashed key. */
export function keyOf(i: number): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, BigInt(i))
  return keccak256(b)
}

export type Op = { key: Uint8Array; value: Uint8Array }

/** Bulk-load blocks: keys 0..n-1 in order, `block` per block, values from the load stream. */
export function* loadBlocks(n: number, block: number): Generator<Op[]> {
  const rng = new Sfc32(SEED_LOAD)
  for (let start = 0; start < n; start += block) {
    const ops: Op[] = []
    for (let i = start; i < Math.min(n, start + block); i++)
      ops.push({ key: keyOf(i), value: rng.fill(new Uint8Array(VALUE_BYTES)) })
    yield ops
  }
}

/** Update blocks: `block` uniformly random existing keys per block, each with a fresh value. */
export function* updateBlocks(n: number, block: number, blocks: number): Generator<Op[]> {
  const rng = new Sfc32(SEED_UPDATE)
  for (let b = 0; b < blocks; b++) {
    const ops: Op[] = []
    for (let i = 0; i < block; i++) ops.push({ key: keyOf(rng.below(n)), value: rng.fill(new Uint8Array(VALUE_BYTES)) })
    yield ops
  }
}

/** Key indices of the read phase (uniform over [0, n)). */
export function readIndices(n: number, count: number): Uint32Array {
  const rng = new Sfc32(SEED_READ)
  const out = new Uint32Array(count)
  for (let i = 0; i < count; i++) out[i] = rng.below(n)
  return out
}

/** Replays the load and update streams and returns the final value of each requested key index. */
export function finalValues(n: number, block: number, blocks: number, wanted: Uint32Array): Map<number, Uint8Array> {
  const want = new Set(wanted)
  const out = new Map<number, Uint8Array>()
  const load = new Sfc32(SEED_LOAD)
  for (let i = 0; i < n; i++) {
    const v = load.fill(new Uint8Array(VALUE_BYTES))
    if (want.has(i)) out.set(i, v)
  }
  const upd = new Sfc32(SEED_UPDATE)
  for (let b = 0; b < blocks * block; b++) {
    const i = upd.below(n)
    const v = upd.fill(new Uint8Array(VALUE_BYTES))
    if (want.has(i)) out.set(i, v)
  }
  return out
}

/** /proc/self/io counters (real device bytes; page-cache hits are not counted). */
export function procIo(): { readBytes: number; writeBytes: number; syscr: number; syscw: number } {
  const { readFileSync } = process.getBuiltinModule('node:fs')
  const text = readFileSync('/proc/self/io', 'utf8')
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(text)?.[1] ?? 0)
  return {
    readBytes: field('read_bytes'),
    writeBytes: field('write_bytes') - field('cancelled_write_bytes'),
    syscr: field('syscr'),
    syscw: field('syscw'),
  }
}

/** Allocated bytes of every file under `dir` (like `du -sb` on allocated blocks). */
export function diskBytes(dir: string): number {
  const fs = process.getBuiltinModule('node:fs')
  const path = process.getBuiltinModule('node:path')
  let total = 0
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name)
    const st = fs.statSync(full)
    total += st.isDirectory() ? diskBytes(full) : st.blocks * 512
  }
  return total
}

export function median(xs: number[]): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number
}
