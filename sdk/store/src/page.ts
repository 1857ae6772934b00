// A page: one 2-level subtrie of the 16-ary tree (its top node plus up to 16 child nodes, so 256
// child slots), addressed on disk by (page id, version). The page id is the nibble path of its top
// node (even length). At 1M keys the cache must hold ~95k pages, so a page is ONE byte buffer,
// not an object per node or slot:
//
//   [0, 34)     changed: bit p = position p changed since the base page (what the next delta carries)
//   [34, 68)    dirty: per node (u16), slots whose hash changed in the block being built
//   [68, 100)   the page's hash (its top node's), valid when bit 0 of `valid` is set
//   [100, 134)  per node (u16), offset of its record (0 = the node does not exist)
//   node record kinds[16] ‖ u16 entry offset per slot (0 = none) ‖ u16 mask of 76-byte entries ‖
//               u16 offset of the node's binary hashes (0 = not kept; see HEAP_MIN)
//   entries     leaf: leaf hash (32) ‖ key (32) ‖ value segment u32 ‖ offset u32 ‖ length u32
//               child node / child page: its hash (32)
//   heaps       the 15 binary hashes inside a node (index i at 32*(i-1)), for nodes with 4+ slots
//
// Entries are bump-allocated; space freed by deletes is reclaimed when the buffer is repacked.
// A slot's position in the page is s for the top node and 16 + 16*i + j for slot j of child node i.
// Slot hashes are stored (leaf hashes on disk too), so loading a page costs no leaf hashing; child
// node hashes are on disk only for big pages (page-record.ts NODE_HASHES_MIN_BYTES); otherwise they
// are recomputed from their slots the first time they are needed.
import { putU32 } from './bytes.ts'
import { hashPairInto } from './hash.ts'

export const EMPTY = 0
export const LEAF = 1
export const NODE = 2
export const PAGE = 3

export const POSITIONS = 272

const CHANGED = 0
const DIRTY = 34
export const PAGE_HASH = 68
const NODES = 100
const HEADER = 134
const NREC = 52
const N_ENTRY = 16
const N_BIG = 48
const N_HEAP = 50
export const LEAF_BYTES = 76
const HASH_BYTES = 32
/** A node keeps its 15 binary hashes in memory from this many occupied slots on: below it, a full
 *  rehash costs about as much as a path update, and 480 bytes per sparse node would not fit. */
const HEAP_MIN = 4
const HEAP_BYTES = 15 * 32
/** Rough per-object costs of the JS engine (page object, its buffer's objects, the cache's map
 *  entry and key), counted against the cache budget. Checked against process.memoryUsage(). */
const PAGE_OVERHEAD = 480

const ZERO32 = new Uint8Array(32)
const moveScratch = new Uint8Array(LEAF_BYTES)
const treeScratch = new Uint8Array(32 * 16)

/** Nibble `d` (0 = most significant) of a 32-byte key. */
export function nibble(key: Uint8Array, d: number): number {
  const b = key[d >> 1] as number
  return d & 1 ? b & 15 : b >> 4
}

export function positionOf(ni: number, s: number): number {
  return ni === 0 ? s : 16 + 16 * (ni - 1) + s
}

export class Page {
  readonly pid: string
  readonly depth: number
  version: number
  /** Version of the base page the on-disk deltas build on; -1 when no base exists yet. */
  baseVersion: number
  /** Whether anything in the page changed in the block being built. */
  modified = false
  /** What the page cache counted for this page when it entered (see PageCache). */
  cachedBytes = 0
  b: Uint8Array
  /** This page's newest record when that is a base of at most FOLD_MAX_BYTES (its parent's
   *  records carry a copy of it), else null. */
  foldBytes: Uint8Array | null = null
  private used: number
  /** Bit ni: node ni's hash is known (child nodes: in the top node's entry; top: at PAGE_HASH). */
  private valid = 0

  constructor(pid: string, version: number, capacity = 512) {
    this.pid = pid
    this.depth = pid.length
    this.version = version
    this.baseVersion = -1
    // Offsets are u16: a page's live data stays below ~30 KB (272 slots, 17 nodes with hashes).
    this.b = new Uint8Array(Math.min(0xffff, Math.max(capacity, HEADER + NREC)))
    this.used = HEADER
    this.ensureNode(0)
  }

  /** Approximate bytes held, for the cache budget. */
  memoryBytes(): number {
    return PAGE_OVERHEAD + this.b.length + (this.foldBytes?.length ?? 0)
  }

  /** Number of child pages (PAGE slots of the child nodes). */
  childPageCount(): number {
    const b = this.b
    const top = this.nodeOff(0)
    let n = 0
    for (let i = 0; i < 16; i++) {
      if (b[top + i] !== NODE) continue
      const no = this.nodeOff(1 + i)
      if (no === 0) continue
      for (let s = 0; s < 16; s++) if (b[no + s] === PAGE) n++
    }
    return n
  }

  // ── layout helpers ─────────────────────────────────────────────────────────────────────────────

  private u16(off: number): number {
    return ((this.b[off] as number) << 8) | (this.b[off + 1] as number)
  }

  private setU16(off: number, v: number): void {
    this.b[off] = v >>> 8
    this.b[off + 1] = v & 0xff
  }

  /** Offset of node ni's record, 0 if the node does not exist. */
  nodeOff(ni: number): number {
    return this.u16(NODES + 2 * ni)
  }

  hasNode(ni: number): boolean {
    return this.nodeOff(ni) !== 0
  }

  kind(ni: number, s: number): number {
    const no = this.nodeOff(ni)
    return no === 0 ? EMPTY : (this.b[no + s] as number)
  }

  /** Offset of the entry of slot s of node ni (0 if none). */
  entryOff(ni: number, s: number): number {
    const no = this.nodeOff(ni)
    return no === 0 ? 0 : this.u16(no + N_ENTRY + 2 * s)
  }

  /** Grows (and compacts) the buffer so that `need` more bytes can be bump-allocated, with room
   *  for about one more leaf unless `exact` (the cache holds every page: slack is memory). */
  private alloc(need: number, exact = false): number {
    if (this.used + need > this.b.length) this.repack(exact ? need : need + Math.max(LEAF_BYTES, this.used >> 4))
    const at = this.used
    this.used += need
    return at
  }

  private liveBytes(): number {
    let n = HEADER
    for (let ni = 0; ni < 17; ni++) {
      const no = this.nodeOff(ni)
      if (no === 0) continue
      n += NREC
      if (this.u16(no + N_HEAP) !== 0) n += HEAP_BYTES
      const big = this.u16(no + N_BIG)
      for (let s = 0; s < 16; s++)
        if (this.b[no + s] !== EMPTY && this.u16(no + N_ENTRY + 2 * s) !== 0)
          n += big & (1 << s) ? LEAF_BYTES : HASH_BYTES
    }
    return n
  }

  /** Copies the live data into a new buffer with room for `extra` more bytes. */
  private repack(extra: number): void {
    const live = this.liveBytes()
    if (live + extra > 0xffff) throw new Error(`internal: page ${this.pid || '(root)'} would exceed 64 KiB`)
    const old = this.b
    const out = new Uint8Array(live + extra)
    out.set(old.subarray(0, HEADER))
    let p = HEADER
    for (let ni = 0; ni < 17; ni++) {
      const no = ((old[NODES + 2 * ni] as number) << 8) | (old[NODES + 2 * ni + 1] as number)
      if (no === 0) continue
      const rec = p
      p += NREC
      out[NODES + 2 * ni] = rec >>> 8
      out[NODES + 2 * ni + 1] = rec & 0xff
      out.set(old.subarray(no, no + 16), rec)
      const big = ((old[no + N_BIG] as number) << 8) | (old[no + N_BIG + 1] as number)
      let newBig = 0
      for (let s = 0; s < 16; s++) {
        const eo = ((old[no + N_ENTRY + 2 * s] as number) << 8) | (old[no + N_ENTRY + 2 * s + 1] as number)
        if (old[no + s] === EMPTY || eo === 0) continue
        const size = big & (1 << s) ? LEAF_BYTES : HASH_BYTES
        out.set(old.subarray(eo, eo + size), p)
        out[rec + N_ENTRY + 2 * s] = p >>> 8
        out[rec + N_ENTRY + 2 * s + 1] = p & 0xff
        if (size === LEAF_BYTES) newBig |= 1 << s
        p += size
      }
      out[rec + N_BIG] = newBig >>> 8
      out[rec + N_BIG + 1] = newBig & 0xff
      const heap = ((old[no + N_HEAP] as number) << 8) | (old[no + N_HEAP + 1] as number)
      if (heap !== 0) {
        out.set(old.subarray(heap, heap + HEAP_BYTES), p)
        out[rec + N_HEAP] = p >>> 8
        out[rec + N_HEAP + 1] = p & 0xff
        p += HEAP_BYTES
      } else {
        out[rec + N_HEAP] = 0
        out[rec + N_HEAP + 1] = 0
      }
    }
    this.b = out
    this.used = p
  }

  /** Decoding a page record: sets slot s of node ni without marking anything dirty. A leaf's
   *  hash and key are copied from src[off..off+64). */
  loadSlot(
    ni: number,
    s: number,
    kind: number,
    src: Uint8Array,
    off: number,
    seg: number,
    voff: number,
    len: number,
  ): void {
    this.ensureNode(ni)
    if (kind === LEAF) {
      const o = this.entryFor(ni, s, true)
      this.b.set(src.subarray(off, off + 64), o)
      putU32(this.b, o + 64, seg)
      putU32(this.b, o + 68, voff)
      putU32(this.b, o + 72, len)
    } else if (kind === PAGE) {
      const o = this.entryFor(ni, s, false)
      this.b.set(src.subarray(off, off + 32), o)
    } else if (kind === NODE) this.entryFor(ni, s, false)
    this.b[this.nodeOff(ni) + s] = kind
  }

  /** Decoding: child node i's hash as stored in the record (src[off..off+32)); it is then known
   *  without rehashing the node's slots. Call after the node's slots are loaded. */
  loadNodeHash(i: number, src: Uint8Array, off: number): void {
    this.b.set(src.subarray(off, off + 32), this.entryOff(0, i))
    this.valid |= 1 << (1 + i)
  }

  /** Decoding: drops child node i (its top slot is no longer a NODE). */
  dropNode(ni: number): void {
    this.setU16(NODES + 2 * ni, 0)
  }

  /** Shrinks the buffer to its live data (after a load from disk: most pages are then only read,
   *  or updated in place). */
  compact(): void {
    if (this.used !== this.b.length) this.repack(0)
  }

  private ensureNode(ni: number): number {
    const existing = this.nodeOff(ni)
    if (existing !== 0) return existing
    const at = this.alloc(NREC)
    this.setU16(NODES + 2 * ni, at)
    return at
  }

  /** The entry of slot s of node ni, allocated if the slot has none (or too small a one). */
  private entryFor(ni: number, s: number, big: boolean): number {
    let no = this.nodeOff(ni)
    const eo = this.u16(no + N_ENTRY + 2 * s)
    if (eo !== 0 && (!big || this.u16(no + N_BIG) & (1 << s))) return eo
    const at = this.alloc(big ? LEAF_BYTES : HASH_BYTES)
    no = this.nodeOff(ni) // the record may have moved
    this.setU16(no + N_ENTRY + 2 * s, at)
    const mask = this.u16(no + N_BIG)
    this.setU16(no + N_BIG, big ? mask | (1 << s) : mask & ~(1 << s))
    return at
  }

  private touch(ni: number, s: number, contentChanged: boolean): void {
    this.modified = true
    if (contentChanged) {
      const pos = positionOf(ni, s)
      this.b[CHANGED + (pos >> 3)] = (this.b[CHANGED + (pos >> 3)] as number) | (1 << (pos & 7))
    }
    this.setU16(DIRTY + 2 * ni, this.u16(DIRTY + 2 * ni) | (1 << s))
    if (ni > 0) this.setU16(DIRTY, this.u16(DIRTY) | (1 << (ni - 1)))
  }

  /** Byte i of the changed-positions bitmap (positions 8i..8i+7). */
  changedByte(i: number): number {
    return this.b[CHANGED + i] as number
  }

  isChanged(pos: number): boolean {
    return ((this.b[CHANGED + (pos >> 3)] as number) & (1 << (pos & 7))) !== 0
  }

  markChanged(pos: number): void {
    this.b[CHANGED + (pos >> 3)] = (this.b[CHANGED + (pos >> 3)] as number) | (1 << (pos & 7))
  }

  /** The next delta starts from this state (called when a base page is written). */
  clearChanged(): void {
    this.b.fill(0, CHANGED, CHANGED + 34)
  }

  // ── edits ──────────────────────────────────────────────────────────────────────────────────────

  leafKeyEquals(ni: number, s: number, key: Uint8Array): boolean {
    const o = this.entryOff(ni, s) + 32
    const b = this.b
    for (let i = 0; i < 32; i++) if (b[o + i] !== key[i]) return false
    return true
  }

  /** Nibble d of the key of the leaf at (ni, s). */
  leafNibble(ni: number, s: number, d: number): number {
    const v = this.b[this.entryOff(ni, s) + 32 + (d >> 1)] as number
    return d & 1 ? v & 15 : v >> 4
  }

  /** Sets slot s of node ni to a leaf: its leaf hash, its key, and the value's location. */
  setLeaf(
    ni: number,
    s: number,
    hashSrc: Uint8Array,
    hashOff: number,
    keySrc: Uint8Array,
    keyOff: number,
    seg: number,
    off: number,
    len: number,
  ): void {
    const o = this.entryFor(ni, s, true)
    const b = this.b
    for (let i = 0; i < 32; i++) {
      b[o + i] = hashSrc[hashOff + i] as number
      b[o + 32 + i] = keySrc[keyOff + i] as number
    }
    putU32(b, o + 64, seg)
    putU32(b, o + 68, off)
    putU32(b, o + 72, len)
    b[this.nodeOff(ni) + s] = LEAF
    this.touch(ni, s, true)
  }

  /** Copies the leaf at (fromNi, s) of `from` (possibly this page) into (ni, t) of this page. */
  moveLeafFrom(from: Page, fromNi: number, s: number, ni: number, t: number): void {
    const o = from.entryOff(fromNi, s)
    moveScratch.set(from.b.subarray(o, o + LEAF_BYTES))
    const m = moveScratch
    const seg = ((m[64] as number) << 24) | ((m[65] as number) << 16) | ((m[66] as number) << 8) | (m[67] as number)
    const off = ((m[68] as number) << 24) | ((m[69] as number) << 16) | ((m[70] as number) << 8) | (m[71] as number)
    const len = ((m[72] as number) << 24) | ((m[73] as number) << 16) | ((m[74] as number) << 8) | (m[75] as number)
    this.setLeaf(ni, t, m, 0, m, 32, seg >>> 0, off >>> 0, len >>> 0)
  }

  setEmpty(ni: number, s: number): void {
    this.b[this.nodeOff(ni) + s] = EMPTY
    this.touch(ni, s, true)
  }

  /** Turns top slot s into an (empty) child node inside this page. */
  addSubnode(s: number): void {
    this.entryFor(0, s, false)
    this.b[this.nodeOff(0) + s] = NODE
    this.ensureNode(1 + s)
    this.valid &= ~(1 << (1 + s))
    this.touch(0, s, true)
  }

  /** Removes child node i (its slots become tombstones in the next delta). */
  removeSubnode(i: number): void {
    const no = this.nodeOff(1 + i)
    for (let s = 0; s < 16; s++) if (this.b[no + s] !== EMPTY) this.markChanged(16 + 16 * i + s)
    this.setU16(NODES + 2 * (1 + i), 0)
    this.setU16(DIRTY + 2 * (1 + i), 0)
    this.valid &= ~(1 << (1 + i))
  }

  /** Marks slot s of node ni as a child page; its hash is filled in when the child is hashed. */
  setPageRef(ni: number, s: number): void {
    this.entryFor(ni, s, false)
    this.b[this.nodeOff(ni) + s] = PAGE
    this.touch(ni, s, true)
  }

  /** Stores a child page's hash (src[srcOff..+32]) in slot s of node ni. */
  setChildHash(ni: number, s: number, src: Uint8Array, srcOff: number): void {
    const o = this.entryFor(ni, s, false)
    const b = this.b
    for (let i = 0; i < 32; i++) b[o + i] = src[srcOff + i] as number
    this.touch(ni, s, true)
  }

  /** Number of non-empty slots of node ni, and the last one found. */
  occupancy(ni: number): { count: number; last: number } {
    const no = this.nodeOff(ni)
    let count = 0
    let last = -1
    for (let s = 0; s < 16; s++)
      if (this.b[no + s] !== EMPTY) {
        count++
        last = s
      }
    return { count, last }
  }

  // ── hashing ────────────────────────────────────────────────────────────────────────────────────

  /** Where the hash of slot s of node `no` is (-1: an empty slot, whose hash is zero). */
  private slotHash(no: number, s: number): number {
    return this.b[no + s] === EMPTY ? -1 : this.u16(no + N_ENTRY + 2 * s)
  }

  /** Builds the 15 binary hashes of node `no` into t at tOff (index i at tOff + 32*(i-1)); bits
   *  of `mask` select the slots whose paths are recomputed (0xffff = all). */
  private hashTree(no: number, t: Uint8Array, tOff: number, mask: number): void {
    const b = this.b
    let pm = 0
    for (let p = 0; p < 8; p++) {
      if (!(mask & (3 << (2 * p)))) continue
      pm |= 1 << p
      const l = this.slotHash(no, 2 * p)
      const r = this.slotHash(no, 2 * p + 1)
      hashPairInto(l < 0 ? ZERO32 : b, Math.max(0, l), r < 0 ? ZERO32 : b, Math.max(0, r), t, tOff + 32 * (7 + p))
    }
    for (let half = 4; half >= 1; half >>= 1) {
      let next = 0
      for (let p = 0; p < half; p++) {
        if (!(pm & (3 << (2 * p)))) continue
        next |= 1 << p
        const idx = half + p
        hashPairInto(t, tOff + 32 * (2 * idx - 1), t, tOff + 32 * (2 * idx), t, tOff + 32 * (idx - 1))
      }
      pm = next
    }
  }

  /** Recomputes node ni's hash and stores it (top: PAGE_HASH; child: the top node's entry). A node
   *  with HEAP_MIN+ occupied slots keeps its binary hashes, so only the changed paths are redone. */
  private hashNode(ni: number): void {
    let no = this.nodeOff(ni)
    let count = 0
    for (let s = 0; s < 16; s++) if (this.b[no + s] !== EMPTY) count++
    let heap = this.u16(no + N_HEAP)
    let t: Uint8Array
    let tOff: number
    if (count >= HEAP_MIN) {
      let mask = this.valid & (1 << ni) ? this.u16(DIRTY + 2 * ni) : 0xffff
      if (heap === 0) {
        heap = this.alloc(HEAP_BYTES, true)
        no = this.nodeOff(ni) // the buffer may have been repacked
        this.setU16(no + N_HEAP, heap)
        mask = 0xffff
      }
      this.hashTree(no, this.b, heap, mask)
      t = this.b
      tOff = heap
    } else {
      if (heap !== 0) this.setU16(no + N_HEAP, 0)
      this.hashTree(no, treeScratch, 0, 0xffff)
      t = treeScratch
      tOff = 0
    }
    const dst = ni === 0 ? PAGE_HASH : this.entryOff(0, ni - 1)
    const b = this.b
    for (let i = 0; i < 32; i++) b[dst + i] = t[tOff + i] as number
    this.valid |= 1 << ni
  }

  /** Brings every hash of the page up to date (children first); the page hash is at PAGE_HASH.
   *  Returns whether anything was recomputed. */
  hash(): boolean {
    let top = this.u16(DIRTY)
    let any = false
    for (let i = 0; i < 16; i++) {
      if (this.nodeOff(1 + i) === 0) continue
      if (this.u16(DIRTY + 2 * (1 + i)) !== 0 || !(this.valid & (1 << (1 + i)))) {
        this.hashNode(1 + i)
        top |= 1 << i
        any = true
      }
      this.setU16(DIRTY + 2 * (1 + i), 0)
    }
    this.setU16(DIRTY, top)
    if (top !== 0 || !(this.valid & 1)) {
      this.hashNode(0)
      any = true
    }
    this.setU16(DIRTY, 0)
    return any
  }

  /** The page hash (computing what is missing first). A view: copy it to keep it. */
  pageHash(): Uint8Array {
    this.hash()
    return this.b.subarray(PAGE_HASH, PAGE_HASH + 32)
  }

  /** Writes the binary tree of node ni for a proof: hash of binary index i (1..31) at 32*i of
   *  `out` (slots at 16..31). The page must be hashed (see hash()). */
  fillTree(ni: number, out: Uint8Array): void {
    const no = this.nodeOff(ni)
    const b = this.b
    for (let s = 0; s < 16; s++) {
      const h = this.slotHash(no, s)
      if (h < 0) out.fill(0, 32 * (16 + s), 32 * (17 + s))
      else out.set(b.subarray(h, h + 32), 32 * (16 + s))
    }
    const heap = this.u16(no + N_HEAP)
    if (heap !== 0) out.set(b.subarray(heap, heap + HEAP_BYTES), 32)
    else {
      this.hashTree(no, treeScratch, 0, 0xffff)
      out.set(treeScratch.subarray(0, HEAP_BYTES), 32)
    }
  }
}
