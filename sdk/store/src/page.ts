// A page: one 2-level subtrie of the 16-ary tree (its top node plus up to 16 child nodes, so 256
// child slots), addressed on disk by (page id, version). The page id is the nibble path of its top
// node (even length). All node data lives in flat Uint8Arrays, no object per slot:
//
//   node buffer: [0,16)        slot kinds (EMPTY / LEAF / NODE / PAGE)
//                [16,32)       per slot, the index of its entry (0xff = none); [32] entries used
//                [36,...)      entries of 76 bytes, allocated as slots fill (most nodes below a
//                              page top hold 2-3 keys, so the buffer grows only as needed):
//                              leaf key or child node/page hash (32) ‖ value hash (32) ‖
//                              value location: segment u32, offset u32, length u32
//   hash heap:   1024 bytes, entry i (1..31) at 32*i; 1 = node hash, 16+s = hash of slot s. Built
//                lazily (only nodes that are written or proven need one), so a page read from
//                disk costs no hashing and cached pages stay small.
//
// A slot's position in the page is s for the top node and 16 + 16*i + j for slot j of child node i;
// deltas are lists of (position, new content) since the last base page.
import { type ByteWriter, getU16, getU32, getU64, putU32 } from './bytes.ts'
import { hashPairInto, leafHashInto } from './hash.ts'

export const EMPTY = 0
export const LEAF = 1
export const NODE = 2
export const PAGE = 3

export const KIND_OFF = 0
const INDEX_OFF = 16
const COUNT_OFF = 32
const ENT_BASE = 36
const ENT = 76
export const HEAP_BYTES = 1024
export const POSITIONS = 272

export const PAGE_BASE = 0
export const PAGE_DELTA = 1

const LEAF_ENTRY = 3 + 32 + 32 + 12
const HASH_ENTRY = 3 + 32
const MARK_ENTRY = 3

export function heapOff(i: number): number {
  return 32 * i
}

function newNode(capacity: number): Uint8Array {
  const n = new Uint8Array(ENT_BASE + ENT * capacity)
  n.fill(0xff, INDEX_OFF, INDEX_OFF + 16)
  return n
}

/** Offset of slot s's entry (key or child hash at +0, value hash at +32, location at +64), or -1. */
export function entryOff(n: Uint8Array, s: number): number {
  const i = n[INDEX_OFF + s] as number
  return i === 0xff ? -1 : ENT_BASE + ENT * i
}

/** Nibble `d` (0 = most significant) of a 32-byte key. */
export function nibble(key: Uint8Array, d: number): number {
  const b = key[d >> 1] as number
  return d & 1 ? b & 15 : b >> 4
}

/** Recomputes the binary hashes above the slots in `mask` (bit s = slot s changed). */
export function rehashNode(n: Uint8Array, mask: number): void {
  let m = mask
  let base = 16
  while (base > 1) {
    let pm = 0
    for (let s = 0; s < base; s++) if (m & (1 << s)) pm |= 1 << (s >> 1)
    const half = base >> 1
    for (let p = 0; p < half; p++) {
      if (!(pm & (1 << p))) continue
      const idx = half + p
      hashPairInto(n, heapOff(2 * idx), n, heapOff(2 * idx + 1), n, heapOff(idx))
    }
    m = pm
    base = half
  }
}

export class Page {
  readonly pid: string
  readonly depth: number
  version: number
  /** Version of the base page the on-disk deltas build on; -1 when no base exists yet. */
  baseVersion: number
  readonly nodes: (Uint8Array | null)[]
  /** Hash heaps of the nodes, built on demand (see ensureHeap). */
  readonly heaps: (Uint8Array | null)[]
  /** Positions changed since the base page (what the next delta must carry). */
  readonly changed: Uint8Array
  /** Per node, the slots whose hashes changed in the block being built (bit s). */
  readonly dirty: Uint16Array
  /** Whether anything in the page changed in the block being built. */
  modified = false

  constructor(pid: string, version: number) {
    this.pid = pid
    this.depth = pid.length
    this.version = version
    this.baseVersion = -1
    this.nodes = new Array<Uint8Array | null>(17).fill(null)
    this.nodes[0] = newNode(4)
    this.heaps = new Array<Uint8Array | null>(17).fill(null)
    this.changed = new Uint8Array(POSITIONS)
    this.dirty = new Uint16Array(17)
  }

  /** Approximate heap bytes, for the cache budget. */
  memoryBytes(): number {
    let n = 0
    for (let i = 0; i < 17; i++) {
      const node = this.nodes[i]
      if (node) n += node.length + 64
      if (this.heaps[i]) n += HEAP_BYTES + 64
    }
    return n + POSITIONS + 256
  }

  /** Forgets the hash heaps (they are rebuilt on demand); keeps cached pages small. */
  dropHeaps(): void {
    this.heaps.fill(null)
  }

  /** The hash heap of node ni, computed from its slots if not built yet. */
  ensureHeap(ni: number): Uint8Array {
    const existing = this.heaps[ni]
    if (existing) return existing
    const n = this.node(ni)
    const h = new Uint8Array(HEAP_BYTES)
    for (let s = 0; s < 16; s++) {
      const k = n[KIND_OFF + s]
      if (k === EMPTY) continue
      const o = entryOff(n, s)
      if (k === LEAF) leafHashInto(n, o, n, o + 32, h, heapOff(16 + s))
      else h.set(n.subarray(o, o + 32), heapOff(16 + s))
    }
    rehashNode(h, 0xffff)
    this.heaps[ni] = h
    return h
  }

  node(ni: number): Uint8Array {
    const n = this.nodes[ni]
    if (!n) throw new Error(`page ${this.pid || '(root)'}: node ${ni} does not exist`)
    return n
  }

  kind(ni: number, s: number): number {
    const n = this.nodes[ni]
    return n ? (n[KIND_OFF + s] as number) : EMPTY
  }

  rootHash(): Uint8Array {
    return this.ensureHeap(0).subarray(heapOff(1), heapOff(1) + 32)
  }

  private touch(ni: number, s: number): void {
    this.modified = true
    this.changed[ni === 0 ? s : 16 + 16 * (ni - 1) + s] = 1
    this.dirty[ni] = (this.dirty[ni] as number) | (1 << s)
    if (ni > 0) this.dirty[0] = (this.dirty[0] as number) | (1 << (ni - 1))
  }

  /** The entry of slot s of node ni, allocated (growing the node buffer) if the slot has none. */
  entry(ni: number, s: number): number {
    let n = this.node(ni)
    const o = entryOff(n, s)
    if (o >= 0) return o
    const used = n[COUNT_OFF] as number
    if (ENT_BASE + ENT * (used + 1) > n.length) {
      const grown = new Uint8Array(ENT_BASE + ENT * Math.min(16, Math.max(2, used * 2)))
      grown.set(n)
      this.nodes[ni] = grown
      n = grown
    }
    n[INDEX_OFF + s] = used
    n[COUNT_OFF] = used + 1
    return ENT_BASE + ENT * used
  }

  /** A view of the key of the leaf at (ni, s). */
  leafKey(ni: number, s: number): Uint8Array {
    const n = this.node(ni)
    const o = entryOff(n, s)
    return n.subarray(o, o + 32)
  }

  leafKeyEquals(ni: number, s: number, key: Uint8Array): boolean {
    const n = this.node(ni)
    const o = entryOff(n, s)
    for (let i = 0; i < 32; i++) if (n[o + i] !== key[i]) return false
    return true
  }

  /** Sets slot s of node ni to a leaf; the key/value-hash/location bytes are copied from `src`. */
  setLeaf(
    ni: number,
    s: number,
    key: Uint8Array,
    keyOff: number,
    vh: Uint8Array,
    vhOff: number,
    seg: number,
    off: number,
    len: number,
  ): void {
    const o = this.entry(ni, s)
    const n = this.node(ni)
    n[KIND_OFF + s] = LEAF
    for (let i = 0; i < 32; i++) {
      n[o + i] = key[keyOff + i] as number
      n[o + 32 + i] = vh[vhOff + i] as number
    }
    putU32(n, o + 64, seg)
    putU32(n, o + 68, off)
    putU32(n, o + 72, len)
    const h = this.heaps[ni]
    if (h) leafHashInto(n, o, n, o + 32, h, heapOff(16 + s))
    this.touch(ni, s)
  }

  /** Copies the leaf at (fromNi, s) of `from` into (ni, t) of this page. */
  moveLeafFrom(from: Page, fromNi: number, s: number, ni: number, t: number): void {
    const src = from.node(fromNi)
    const o = entryOff(src, s)
    this.setLeaf(ni, t, src, o, src, o + 32, getU32(src, o + 64), getU32(src, o + 68), getU32(src, o + 72))
  }

  setEmpty(ni: number, s: number): void {
    const n = this.node(ni)
    n[KIND_OFF + s] = EMPTY
    this.heaps[ni]?.fill(0, heapOff(16 + s), heapOff(16 + s) + 32)
    this.touch(ni, s)
  }

  /** Turns top slot s into an (empty) child node inside this page. */
  addSubnode(s: number): Uint8Array {
    const top = this.node(0)
    top[KIND_OFF + s] = NODE
    const n = newNode(2)
    this.nodes[1 + s] = n
    this.heaps[1 + s] = new Uint8Array(HEAP_BYTES)
    this.touch(0, s)
    return n
  }

  /** Removes child node i (its slots become tombstones in the next delta). */
  removeSubnode(i: number): void {
    const n = this.node(1 + i)
    for (let s = 0; s < 16; s++) if (n[KIND_OFF + s] !== EMPTY) this.changed[16 + 16 * i + s] = 1
    this.nodes[1 + i] = null
    this.heaps[1 + i] = null
    this.dirty[1 + i] = 0
  }

  /** Marks slot s of node ni as a child page; its hash is filled in when the child is hashed. */
  setPageRef(ni: number, s: number): void {
    const n = this.node(ni)
    n[KIND_OFF + s] = PAGE
    this.touch(ni, s)
  }

  setChildHash(ni: number, s: number, hash: Uint8Array): void {
    const o = this.entry(ni, s)
    this.node(ni).set(hash, o)
    this.heaps[ni]?.set(hash, heapOff(16 + s))
    this.touch(ni, s)
  }

  /** Number of non-empty slots of node ni, and the last one found. */
  occupancy(ni: number): { count: number; last: number } {
    const n = this.node(ni)
    let count = 0
    let last = -1
    for (let s = 0; s < 16; s++)
      if (n[KIND_OFF + s] !== EMPTY) {
        count++
        last = s
      }
    return { count, last }
  }

  /** Rehashes the nodes changed in this block (children first); returns the page's hash. */
  rehash(): Uint8Array {
    for (let i = 0; i < 16; i++) {
      const m = this.dirty[1 + i] as number
      if (m === 0) continue
      if (this.nodes[1 + i]) {
        const had = this.heaps[1 + i]
        const h = this.ensureHeap(1 + i)
        if (had) rehashNode(h, m)
        const root = h.subarray(heapOff(1), heapOff(1) + 32)
        const o = this.entry(0, i)
        this.node(0).set(root, o)
        this.heaps[0]?.set(root, heapOff(16 + i))
        // The child node's hash is part of the page record: the next delta must carry it.
        this.changed[i] = 1
      }
      this.dirty[1 + i] = 0
    }
    const m0 = this.dirty[0] as number
    const had0 = this.heaps[0]
    const h0 = this.ensureHeap(0)
    if (had0 && m0 !== 0) rehashNode(h0, m0)
    this.dirty[0] = 0
    return h0.subarray(heapOff(1), heapOff(1) + 32)
  }

  // ── encoding ───────────────────────────────────────────────────────────────────────────────────

  private writeEntry(w: ByteWriter, ni: number, s: number): void {
    const pos = ni === 0 ? s : 16 + 16 * (ni - 1) + s
    const n = this.nodes[ni]
    const k = n ? (n[KIND_OFF + s] as number) : EMPTY
    w.u16(pos)
    w.u8(k)
    if (!n) return
    if (k === LEAF) {
      w.bytes(n, entryOff(n, s), ENT)
    } else if (k === PAGE || k === NODE) w.bytes(n, entryOff(n, s), 32)
  }

  /** Bytes a full (base) page and a cumulative delta would take. */
  encodedSizes(): { base: number; delta: number } {
    let base = 0
    let delta = 0
    const changed = this.changed
    for (let ni = 0; ni < 17; ni++) {
      const n = this.nodes[ni]
      const p0 = ni === 0 ? 0 : 16 + 16 * (ni - 1)
      for (let s = 0; s < 16; s++) {
        const k = n ? (n[KIND_OFF + s] as number) : EMPTY
        const ch = changed[p0 + s] as number
        if (k === EMPTY && ch === 0) continue
        const size = k === LEAF ? LEAF_ENTRY : k === PAGE || k === NODE ? HASH_ENTRY : MARK_ENTRY
        if (k !== EMPTY) base += size
        if (ch) delta += size
      }
    }
    return { base, delta }
  }

  /** Writes all non-empty slots (kind = base) or the slots changed since the base (kind = delta). */
  writeEntries(w: ByteWriter, delta: boolean): number {
    let count = 0
    const changed = this.changed
    for (let ni = 0; ni < 17; ni++) {
      const n = this.nodes[ni]
      const p0 = ni === 0 ? 0 : 16 + 16 * (ni - 1)
      if (!n && !delta) continue
      for (let s = 0; s < 16; s++) {
        if (delta ? changed[p0 + s] : n && n[KIND_OFF + s] !== EMPTY) {
          this.writeEntry(w, ni, s)
          count++
        }
      }
    }
    return count
  }

  /** Applies encoded entries (a base page's or a delta's) onto this page. Returns false if malformed. */
  applyEntries(b: Uint8Array, off: number, end: number, count: number, trackChanges: boolean): boolean {
    let p = off
    for (let e = 0; e < count; e++) {
      if (p + 3 > end) return false
      const pos = getU16(b, p)
      const k = b[p + 2] as number
      p += 3
      if (pos >= POSITIONS || k > PAGE) return false
      const ni = pos < 16 ? 0 : 1 + ((pos - 16) >> 4)
      const s = pos < 16 ? pos : (pos - 16) & 15
      if (ni > 0 && !this.nodes[ni]) {
        if (k === EMPTY) continue
        this.nodes[ni] = newNode(2)
      }
      if ((k === NODE && ni !== 0) || (k === PAGE && ni === 0)) return false
      ;(this.nodes[ni] as Uint8Array)[KIND_OFF + s] = k
      if (k === LEAF) {
        if (p + ENT > end) return false
        const o = this.entry(ni, s)
        ;(this.nodes[ni] as Uint8Array).set(b.subarray(p, p + ENT), o)
        p += ENT
      } else if (k === PAGE || k === NODE) {
        if (p + 32 > end) return false
        const o = this.entry(ni, s)
        ;(this.nodes[ni] as Uint8Array).set(b.subarray(p, p + 32), o)
        p += 32
      }
      if (trackChanges) this.changed[pos] = 1
    }
    // Child nodes exist exactly where the top node says NODE.
    const top = this.node(0)
    for (let i = 0; i < 16; i++) {
      const isNode = top[KIND_OFF + i] === NODE
      if (!isNode) this.nodes[1 + i] = null
      else if (!this.nodes[1 + i]) return false
    }
    return p === end
  }

  /** Location of the value of the leaf at (ni, s). */
  valueLocation(ni: number, s: number): { seg: number; off: number; len: number } {
    const n = this.node(ni)
    const o = entryOff(n, s) + 64
    return { seg: getU32(n, o), off: getU32(n, o + 4), len: getU32(n, o + 8) }
  }
}

/** Parsed header of a PAGE frame body. */
export type PageRecordHeader = {
  version: number
  pid: string
  kind: number
  baseVersion: number
  count: number
  entriesOff: number
}

export function writePageRecord(w: ByteWriter, page: Page, delta: boolean): void {
  w.u64(page.version)
  w.u8(page.pid.length)
  for (let i = 0; i < page.pid.length; i += 2) {
    const hi = Number.parseInt(page.pid[i] as string, 16)
    const lo = i + 1 < page.pid.length ? Number.parseInt(page.pid[i + 1] as string, 16) : 0
    w.u8((hi << 4) | lo)
  }
  w.u8(delta ? PAGE_DELTA : PAGE_BASE)
  w.u64(delta ? page.baseVersion : page.version)
  const countAt = w.pos
  w.u16(0)
  const count = page.writeEntries(w, delta)
  w.buf[countAt] = count >>> 8
  w.buf[countAt + 1] = count & 0xff
}

const HEX = '0123456789abcdef'

/** Parses a PAGE frame body header; null if malformed. */
export function readPageRecordHeader(b: Uint8Array, off: number, end: number): PageRecordHeader | null {
  if (off + 9 > end) return null
  const version = getU64(b, off)
  const nibbles = b[off + 8] as number
  let p = off + 9
  const packed = (nibbles + 1) >> 1
  if (nibbles > 64 || p + packed + 11 > end) return null
  let pid = ''
  for (let i = 0; i < nibbles; i++) {
    const byte = b[p + (i >> 1)] as number
    pid += HEX[i & 1 ? byte & 15 : byte >> 4]
  }
  p += packed
  const kind = b[p] as number
  if (kind !== PAGE_BASE && kind !== PAGE_DELTA) return null
  const baseVersion = getU64(b, p + 1)
  const count = getU16(b, p + 9)
  return { version, pid, kind, baseVersion, count, entriesOff: p + 11 }
}
