// Page records on disk: a full (base) page or a delta (every slot changed since its base):
//   version u64 ‖ pid nibble count u8 ‖ pid nibbles (packed) ‖ kind u8 (0 base, 1 delta) ‖
//   base version u64 ‖ entry count u16 ‖ entries
// An entry is u16 (position << 2 | slot kind), then by kind:
//   leaf        leaf hash (32) ‖ key (32) ‖ value segment, offset, length (LEB128 varints)
//   child page  its hash (32)
//   child node  nothing (its hash is in the node hashes section below, or recomputed from its slots)
//   empty       nothing (a tombstone in a delta)
// then optional sections, in this order, each after a tag byte:
//   0x02 child node hashes (pages of NODE_HASHES_MIN_BYTES+): u16 mask of child nodes ‖ their
//        hashes (a base: every child node; a delta: those changed since its base)
//   0x01 folded copies of small child pages (see FOLD_MAX_BYTES):
//        u8 count ‖ count × (u8 child slot i << 4 | j ‖ u16 length ‖ that child's base record)
import { type ByteWriter, getU16, getU32, getU64 } from './bytes.ts'
import { EMPTY, LEAF, NODE, PAGE, type Page, POSITIONS, positionOf } from './page.ts'

export const PAGE_BASE = 0
export const PAGE_DELTA = 1

/**
 * A child page whose newest record is a base of at most this many bytes (a few keys: at 1M keys
 * the depth-6 pages, ~6% of all keys) is also copied, whole, into its parent's records: a base
 * carries every such child, a delta those whose slot changed since its base. Loading the parent
 * (its base and its delta: 2 reads) then yields the child too, so a cold read of a key in such a
 * page costs the parent's 2 reads and the value's, never a 4th. The child's own records stay the
 * authority; a copy is used only when its version is the child's newest record at that point.
 */
export const FOLD_MAX_BYTES = 1024

/**
 * ...and only into a parent with at most this many child pages. The pages near the top (the root,
 * the depth-2 pages: 256 children each at 1M keys) are rewritten every block with most of their
 * children changed, so copies there would double the bytes written, and they stay cached anyway:
 * the pages that need the copies are the bottom ones, with a few small children each (~0.5 at 1M
 * keys, ~30 at 10M).
 */
export const FOLD_MAX_CHILDREN = 64

/** A folded child copy inside a record: the child's slot (i << 4 | j) and its record's bytes. */
export type FoldedCopy = { slot: number; off: number; len: number }

/**
 * Records of a page whose base takes at least this many bytes also carry its child nodes' hashes.
 * Loading a page otherwise rebuilds every child node's hash from its slots (15 keccaks each): at
 * 10M keys a depth-4 page has ~150 keys in 16 child nodes, and once the tree outgrows the cache
 * every update loads one. Small pages skip it (a few bytes on disk per update matter more there).
 */
export const NODE_HASHES_MIN_BYTES = 2048

const TAG_FOLDED = 1
const TAG_NODE_HASHES = 2

/** What follows a record's entries: child node hashes (mask 0 = none; `hashesOff` = the first)
 *  and folded child copies. */
export type RecordTrailer = { hashMask: number; hashesOff: number; copies: FoldedCopy[] }

/** Child node i changed since the page's base (its top slot or any of its slots). */
function nodeChanged(page: Page, i: number): boolean {
  if (page.isChanged(i)) return true
  const first = 16 + 16 * i
  return page.changedByte(first >> 3) !== 0 || page.changedByte((first >> 3) + 1) !== 0
}

export type PageRecordHeader = {
  version: number
  pid: string
  kind: number
  baseVersion: number
  count: number
  entriesOff: number
}

function varintBytes(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5
}

function writeVarint(w: ByteWriter, v: number): void {
  w.ensure(5)
  let x = v >>> 0
  while (x >= 0x80) {
    w.buf[w.pos++] = (x & 0x7f) | 0x80
    x >>>= 7
  }
  w.buf[w.pos++] = x
}

/** Decoder position after readVarint (module state, so decoding allocates nothing). */
let cursor = 0

/** Reads a LEB128 u32 at p (cursor = the byte after it); -1 if malformed or past `end`. */
function readVarint(b: Uint8Array, p: number, end: number): number {
  let v = 0
  for (let shift = 0; shift < 35; shift += 7) {
    if (p >= end) return -1
    const byte = b[p++] as number
    v += (byte & 0x7f) * 2 ** shift
    if (byte < 0x80) {
      cursor = p
      return v > 0xffffffff ? -1 : v
    }
  }
  return -1
}

function entryBytes(page: Page, ni: number, s: number, k: number): number {
  if (k === PAGE) return 34
  if (k !== LEAF) return 2
  const o = page.entryOff(ni, s) + 64
  const b = page.b
  return 66 + varintBytes(getU32(b, o)) + varintBytes(getU32(b, o + 4)) + varintBytes(getU32(b, o + 8))
}

function slotOf(pos: number): number {
  return pos < 16 ? pos : (pos - 16) & 15
}

function nodeOfPos(pos: number): number {
  return pos < 16 ? 0 : 1 + ((pos - 16) >> 4)
}

/** A leaf entry's usual size (value location in one segment below 256 MiB, values < 16 KiB). */
const TYPICAL_LEAF = 66 + 1 + 4 + 2

/** Bytes a full (base) page and a cumulative delta would take; the base size counts leaves at
 *  their typical size (it only decides between writing a delta or a new base). */
export function encodedSizes(page: Page): { base: number; delta: number } {
  const b = page.b
  let base = 0
  for (let ni = 0; ni < 17; ni++) {
    const no = page.nodeOff(ni)
    if (no === 0) continue
    for (let s = 0; s < 16; s++) {
      const k = b[no + s] as number
      base += k === LEAF ? TYPICAL_LEAF : k === PAGE ? 34 : k === NODE ? 2 : 0
    }
  }
  let delta = 0
  forEachChanged(page, (ni, s) => {
    delta += entryBytes(page, ni, s, page.kind(ni, s))
  })
  return { base, delta }
}

/** Calls fn(node, slot) for every position changed since the page's base, in position order. */
function forEachChanged(page: Page, fn: (ni: number, s: number) => void): void {
  for (let byte = 0; byte < POSITIONS >> 3; byte++) {
    const m = page.changedByte(byte)
    if (m === 0) continue
    for (let bit = 0; bit < 8; bit++) {
      if (!(m & (1 << bit))) continue
      const pos = 8 * byte + bit
      fn(nodeOfPos(pos), slotOf(pos))
    }
  }
}

function writeEntry(w: ByteWriter, page: Page, ni: number, s: number): void {
  const k = page.hasNode(ni) ? page.kind(ni, s) : EMPTY
  w.u16((positionOf(ni, s) << 2) | k)
  if (k === LEAF) {
    const o = page.entryOff(ni, s)
    w.bytes(page.b, o, 64)
    writeVarint(w, getU32(page.b, o + 64))
    writeVarint(w, getU32(page.b, o + 68))
    writeVarint(w, getU32(page.b, o + 72))
  } else if (k === PAGE) w.bytes(page.b, page.entryOff(ni, s), 32)
}

/** Writes a page's record: a base (every slot) or a cumulative delta; with `nodeHashes`, the
 *  child node hashes too (the page must be hashed). */
export function writePageRecord(w: ByteWriter, page: Page, delta: boolean, nodeHashes = false): void {
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
  let count = 0
  if (delta)
    forEachChanged(page, (ni, s) => {
      writeEntry(w, page, ni, s)
      count++
    })
  else
    for (let ni = 0; ni < 17; ni++) {
      if (!page.hasNode(ni)) continue
      for (let s = 0; s < 16; s++)
        if (page.kind(ni, s) !== EMPTY) {
          writeEntry(w, page, ni, s)
          count++
        }
    }
  w.buf[countAt] = count >>> 8
  w.buf[countAt + 1] = count & 0xff
  if (!nodeHashes) return
  let mask = 0
  for (let i = 0; i < 16; i++)
    if (page.kind(0, i) === NODE && page.hasNode(1 + i) && (!delta || nodeChanged(page, i))) mask |= 1 << i
  if (mask === 0) return
  w.u8(TAG_NODE_HASHES)
  w.u16(mask)
  for (let i = 0; i < 16; i++) if (mask & (1 << i)) w.bytes(page.b, page.entryOff(0, i), 32)
}

const HEX = '0123456789abcdef'

/** Parses a page record's header; null if malformed. */
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

/** Walks `count` entries from `off`; for each calls visit(pos, kind, payloadOff, seg, voff, len)
 *  (the last three only for leaves). Returns where the entries end, or -1 if they are malformed
 *  or run past `end`. */
function walkEntries(
  b: Uint8Array,
  off: number,
  end: number,
  count: number,
  visit: (pos: number, kind: number, payload: number, seg: number, voff: number, len: number) => void,
): number {
  let p = off
  for (let e = 0; e < count; e++) {
    if (p + 2 > end) return -1
    const head = getU16(b, p)
    p += 2
    const pos = head >> 2
    const k = head & 3
    if (pos >= POSITIONS) return -1
    if (k === LEAF) {
      if (p + 64 > end) return -1
      const payload = p
      const seg = readVarint(b, p + 64, end)
      if (seg < 0) return -1
      const voff = readVarint(b, cursor, end)
      if (voff < 0) return -1
      const len = readVarint(b, cursor, end)
      if (len < 0) return -1
      p = cursor
      visit(pos, k, payload, seg, voff, len)
    } else if (k === PAGE) {
      if (p + 32 > end) return -1
      visit(pos, k, p, 0, 0, 0)
      p += 32
    } else visit(pos, k, p, 0, 0, 0)
  }
  return p
}

/** The sections after a record's entries (from `off`, where the entries end, to `end`); null if
 *  they are malformed. */
export function readRecordTrailer(b: Uint8Array, off: number, end: number): RecordTrailer | null {
  const t: RecordTrailer = { hashMask: 0, hashesOff: 0, copies: [] }
  let p = off
  if (p < end && b[p] === TAG_NODE_HASHES) {
    if (p + 3 > end) return null
    t.hashMask = getU16(b, p + 1)
    t.hashesOff = p + 3
    let n = 0
    for (let i = 0; i < 16; i++) if (t.hashMask & (1 << i)) n++
    if (n === 0) return null
    p += 3 + 32 * n
    if (p > end) return null
  }
  if (p < end) {
    if (b[p] !== TAG_FOLDED || p + 2 > end) return null
    const count = b[p + 1] as number
    p += 2
    for (let c = 0; c < count; c++) {
      if (p + 3 > end) return null
      const slot = b[p] as number
      const len = getU16(b, p + 1)
      p += 3
      if (p + len > end) return null
      t.copies.push({ slot, off: p, len })
      p += len
    }
    if (count === 0) return null
  }
  return p === end ? t : null
}

/** Applies the child node hashes of a page's records (its base's, then its delta's) once their
 *  entries are applied: a base's hash counts only for a node unchanged since the base. */
export function applyNodeHashes(page: Page, b: Uint8Array, t: RecordTrailer, fromBase: boolean): void {
  let h = t.hashesOff
  for (let i = 0; i < 16; i++) {
    if (!(t.hashMask & (1 << i))) continue
    if (page.kind(0, i) === NODE && page.hasNode(1 + i) && !(fromBase && nodeChanged(page, i)))
      page.loadNodeHash(i, b, h)
    h += 32
  }
}

/** Appends folded copies (slot, the child's record bytes) after a record's entries. */
export function writeFoldedCopies(w: ByteWriter, copies: readonly [number, Uint8Array][]): void {
  if (copies.length === 0) return
  w.u8(TAG_FOLDED)
  w.u8(copies.length)
  for (const [slot, bytes] of copies) {
    w.u8(slot)
    w.u16(bytes.length)
    w.bytes(bytes)
  }
}

/** Applies a record's entries (a base page's or a delta's) onto `page`. Returns where the entries
 *  end (folded copies may follow, up to `end`), or -1 if they are malformed. */
export function applyRecordEntries(
  page: Page,
  b: Uint8Array,
  off: number,
  end: number,
  count: number,
  trackChanges: boolean,
): number {
  let bad = false
  const entriesEnd = walkEntries(b, off, end, count, (pos, k, payload, seg, voff, len) => {
    const ni = nodeOfPos(pos)
    const s = slotOf(pos)
    if ((k === NODE && ni !== 0) || (k === PAGE && ni === 0)) bad = true
    else if (k !== EMPTY || page.hasNode(ni)) page.loadSlot(ni, s, k, b, payload, seg, voff, len)
    if (trackChanges) page.markChanged(pos)
  })
  if (entriesEnd < 0 || bad) return -1
  // Child nodes exist exactly where the top node says NODE.
  for (let i = 0; i < 16; i++) {
    const isNode = page.kind(0, i) === NODE
    if (!isNode) {
      if (page.hasNode(1 + i)) page.dropNode(1 + i)
    } else if (!page.hasNode(1 + i)) return -1
  }
  return entriesEnd
}

/** Calls fn(seg, off, len) for the value location of every leaf entry of a record body (not of
 *  its folded copies: those point at values the child's own records keep alive). Returns false if
 *  the record is malformed. */
export function forEachLeafLocation(
  b: Uint8Array,
  h: PageRecordHeader,
  end: number,
  fn: (seg: number, off: number, len: number) => void,
): boolean {
  const entriesEnd = walkEntries(b, h.entriesOff, end, h.count, (_pos, k, _payload, seg, voff, len) => {
    if (k === LEAF) fn(seg, voff, len)
  })
  return entriesEnd >= 0 && readRecordTrailer(b, entriesEnd, end) !== null
}
