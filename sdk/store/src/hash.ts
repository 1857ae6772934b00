// The tree's two hash rules, on flat byte buffers so the hot path allocates nothing:
//   leaf     = keccak256(0x00 ‖ key ‖ keccak256(value))   (65 bytes: never collides with an inner preimage)
//   inner    = keccak256(left ‖ right), except inner(0, 0) = 0 so empty subtrees cost nothing
// keccak runs in the store's own WebAssembly module (keccak-wasm.ts); the fixed-size inputs have
// their padding written once, so a tree hash is: copy the input in, one call, copy 32 bytes out.
import { instantiateKeccak } from './keccak-wasm.ts'

const RATE = 136
const OUT = 0
const PAIR = 64 // 64-byte inputs, padded once
const LEAF = PAIR + RATE + 56 // 0x00 ‖ key ‖ value hash (65 bytes), padded once
const VAR = LEAF + RATE + 56 // anything else, padded per call

const wasm = instantiateKeccak()
let mem = new Uint8Array(wasm.memory.buffer)

function pad(at: number, len: number): void {
  mem[at + len] = 0x01
  mem[at + RATE - 1] = (mem[at + RATE - 1] as number) | 0x80
}
pad(PAIR, 64)
mem[LEAF] = 0
pad(LEAF, 65)

function copyOut(dst: Uint8Array, dstOff: number): void {
  for (let i = 0; i < 32; i++) dst[dstOff + i] = mem[OUT + i] as number
}

function isZero32(src: Uint8Array, off: number): boolean {
  for (let i = 0; i < 32; i++) if (src[off + i] !== 0) return false
  return true
}

/** dst[dstOff..+32] = keccak256(src[off..off+len]). */
export function keccakInto(src: Uint8Array, off: number, len: number, dst: Uint8Array, dstOff: number): void {
  const blocks = Math.floor(len / RATE) + 1
  const need = VAR + blocks * RATE
  if (need > mem.length) {
    wasm.memory.grow(Math.ceil((need - mem.length) / 65536))
    mem = new Uint8Array(wasm.memory.buffer)
  }
  mem.set(off === 0 && len === src.length ? src : src.subarray(off, off + len), VAR)
  mem.fill(0, VAR + len, VAR + blocks * RATE)
  mem[VAR + len] = 0x01
  mem[VAR + blocks * RATE - 1] = (mem[VAR + blocks * RATE - 1] as number) | 0x80
  wasm.absorb(VAR, blocks)
  copyOut(dst, dstOff)
}

/** keccak256(data) as a new 32-byte array. */
export function keccak(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  keccakInto(data, 0, data.length, out, 0)
  return out
}

/** dst[dstOff..+32] = inner(a[aOff..+32], b[bOff..+32]). dst may overlap a or b. */
export function hashPairInto(
  a: Uint8Array,
  aOff: number,
  b: Uint8Array,
  bOff: number,
  dst: Uint8Array,
  dstOff: number,
): void {
  if (isZero32(a, aOff) && isZero32(b, bOff)) {
    dst.fill(0, dstOff, dstOff + 32)
    return
  }
  for (let i = 0; i < 32; i++) {
    mem[PAIR + i] = a[aOff + i] as number
    mem[PAIR + 32 + i] = b[bOff + i] as number
  }
  wasm.absorb(PAIR, 1)
  copyOut(dst, dstOff)
}

/** dst[dstOff..+32] = leaf(key, valueHash). */
export function leafHashInto(
  key: Uint8Array,
  keyOff: number,
  vh: Uint8Array,
  vhOff: number,
  dst: Uint8Array,
  dstOff: number,
): void {
  for (let i = 0; i < 32; i++) {
    mem[LEAF + 1 + i] = key[keyOff + i] as number
    mem[LEAF + 33 + i] = vh[vhOff + i] as number
  }
  wasm.absorb(LEAF, 1)
  copyOut(dst, dstOff)
}

export function leafHash(key: Uint8Array, valueHash: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  leafHashInto(key, 0, valueHash, 0, out, 0)
  return out
}

export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  hashPairInto(a, 0, b, 0, out, 0)
  return out
}

export { isZero32 }
