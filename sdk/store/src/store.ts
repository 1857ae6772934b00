// The store: a versioned, authenticated map from 32-byte keys to byte values.
//   get(key, version?)        synchronous (page cache + positioned reads), any retained version
//   apply(version, ops)       one block: values + page records + commit in one write + one fdatasync
//   proof(key, version?)      inclusion / non-inclusion proof; verifyProof() checks it
//   snapshot(version?)        pins a version against pruning; readers never wait for a commit
//   prune(below)              drops history below a version and garbage-collects the log
import fs from 'node:fs'
import { ByteWriter, getU32, getU64, putU32, putU64 } from './bytes.ts'
import { readCheckpoint, writeCheckpoint } from './checkpoint.ts'
import { DirLock } from './dir-lock.ts'
import {
  CorruptFileError,
  InvalidInputError,
  StoreClosedError,
  UnknownVersionError,
  VersionPrunedError,
} from './errors.ts'
import { keccak, keccakInto, leafHashInto } from './hash.ts'
import {
  BLOCK_DATA,
  BLOCK_META,
  type BlockInfo,
  BlockWriter,
  FRAME_HEADER,
  FRAME_MOVE,
  FRAME_PAGE,
  FRAME_PRUNE,
  type LogPosition,
  SegmentLog,
} from './log.ts'
import { EMPTY, LEAF, NODE, nibble, PAGE, Page, positionOf } from './page.ts'
import { PageCache } from './page-cache.ts'
import { PageIndex, type PageRecord } from './page-index.ts'
import {
  applyNodeHashes,
  applyRecordEntries,
  encodedSizes,
  FOLD_MAX_BYTES,
  FOLD_MAX_CHILDREN,
  forEachLeafLocation,
  NODE_HASHES_MIN_BYTES,
  PAGE_BASE,
  PAGE_DELTA,
  readPageRecordHeader,
  readRecordTrailer,
  writeFoldedCopies,
  writePageRecord,
} from './page-record.ts'
import { buildProof } from './proof.ts'
import { childPid, deleteLeaf, hashWorkingPages, insertLeaf, type WorkingPages } from './tree.ts'

/** One write of a block: a value to store, or null to delete the key. */
export type Op = { key: Uint8Array; value: Uint8Array | null }

export type StoreOptions = {
  /** Budget for decoded pages kept in memory (default 256 MiB). */
  cacheBytes?: number
  /** A new segment file starts once the head segment reaches this size (default 64 MiB). */
  segmentBytes?: number
  /** A page is rewritten in full once its cumulative delta exceeds this share of the full page (default 0.25). */
  deltaShare?: number
  /** Segments whose live share falls below this are rewritten by prune() (default 0.5). */
  gcLiveShare?: number
  /** A checkpoint of the page index is written at close and after this many bytes of log (default
   *  1 GiB), so that open scans only the blocks after it instead of every segment. */
  checkpointBytes?: number
  /** Ignore the checkpoint and scan (and checksum) every block at open (default false). */
  verifyOnOpen?: boolean
}

export type StoreStats = {
  latestVersion: number
  oldestVersion: number
  pageRecords: number
  cachedPages: number
  cacheBytes: number
  preads: number
  segments: number
  diskBytes: number
  truncatedBytes: number
  /** Whether open started from the checkpoint (and scanned only the blocks after it). */
  openedFromCheckpoint: boolean
}

export type PruneResult = {
  boundary: number
  deletedSegments: number
  rewrittenSegments: number
  movedValues: number
  movedPages: number
}

const U32 = 4294967296
const ZERO_ROOT = new Uint8Array(32)

/** A version pinned for reading: pruning will not remove it until release(). */
export type Snapshot = {
  readonly version: number
  readonly root: Uint8Array
  get(key: Uint8Array): Uint8Array | undefined
  proof(key: Uint8Array): Uint8Array
  release(): void
}

export class Store {
  readonly dir: string
  private readonly log: SegmentLog
  private readonly lock: DirLock
  private index = new PageIndex()
  private readonly cache: PageCache
  private readonly deltaShare: number
  private readonly gcLiveShare: number
  /** Committed versions (ascending) and their roots. Version 0 is the empty store. */
  private readonly versions: number[] = [0]
  private readonly roots: Uint8Array[] = [ZERO_ROOT]
  private oldest = 0
  /** Original value location (segment·2^32 + offset) → where GC moved it. */
  private readonly moved = new Map<number, number>()
  private readonly pins = new Map<number, number>()
  private queue: Promise<unknown> = Promise.resolve()
  /** Where the time of the last apply() went (ms): tree edits, hashing, encoding, write +
   *  fdatasync, and installing the new version (index, cache). */
  lastApplyTimings = { editMs: 0, hashMs: 0, encodeMs: 0, writeMs: 0, installMs: 0 }
  private closed = false
  private failed: Error | null = null
  private readonly verifyOnOpen: boolean
  private readonly checkpointBytes: number
  private logBytesSinceCheckpoint = 0
  private openedFromCheckpoint = false
  /** The log position the directory's checkpoint covers (null: none, or not known to match). */
  private checkpointedAt: LogPosition | null = null
  /** Leaf hash at 0, value hash at 32, for the block being applied. */
  private readonly leafScratch = new Uint8Array(64)
  /** Data blocks are built one at a time (apply calls are queued): their buffer is reused. */
  private readonly blockBuffer = new ByteWriter(1 << 20)

  private constructor(dir: string, opts: StoreOptions, lock: DirLock) {
    this.dir = dir
    this.lock = lock
    this.log = new SegmentLog(dir, opts.segmentBytes ?? 64 << 20)
    this.cache = new PageCache(opts.cacheBytes ?? 256 << 20)
    this.deltaShare = opts.deltaShare ?? 0.25
    this.gcLiveShare = opts.gcLiveShare ?? 0.5
    this.verifyOnOpen = opts.verifyOnOpen ?? false
    this.checkpointBytes = opts.checkpointBytes ?? 2 ** 30
  }

  /** Opens (or creates) the store in `dir`, recovering to the last committed block. */
  static open(dir: string, opts: StoreOptions = {}): Store {
    const lock = DirLock.acquire(dir)
    const store = new Store(dir, opts, lock)
    try {
      store.recover()
    } catch (e) {
      store.log.close()
      lock.release()
      throw e
    }
    return store
  }

  private recover(): void {
    let boundary = 0
    const ckpt = this.verifyOnOpen ? null : readCheckpoint(this.dir)
    const resume = ckpt && this.log.canResume(ckpt.position) ? ckpt : null
    if (resume) {
      this.index = resume.index
      this.versions.splice(0, this.versions.length, ...resume.versions)
      this.roots.splice(0, this.roots.length, ...resume.roots)
      this.oldest = resume.oldest
      for (const [from, to] of resume.moved) this.moved.set(from, to)
      this.openedFromCheckpoint = true
      this.checkpointedAt = resume.position
    }
    this.log.open(
      (b: BlockInfo) => {
        if (b.kind !== BLOCK_DATA) return
        const last = this.versions[this.versions.length - 1] as number
        if (b.version <= last)
          throw new CorruptFileError(
            this.log.fileOf(b.seg),
            b.start,
            `block version ${b.version} does not follow version ${last}`,
          )
        this.versions.push(b.version)
        this.roots.push(b.root)
      },
      (type, buf, off, len, seg, fileOff) => {
        if (type === FRAME_PAGE) {
          const h = readPageRecordHeader(buf, off, off + len)
          if (!h) throw new CorruptFileError(this.log.fileOf(seg), fileOff, 'malformed page record')
          this.index.add(h.pid, h.version, seg, fileOff, len, h.kind, h.baseVersion)
        } else if (type === FRAME_MOVE) {
          for (let p = off; p + 16 <= off + len; p += 16)
            this.moved.set(getU32(buf, p) * U32 + getU32(buf, p + 4), getU32(buf, p + 8) * U32 + getU32(buf, p + 12))
        } else if (type === FRAME_PRUNE) {
          boundary = Math.max(boundary, getU32(buf, off) * U32 + getU32(buf, off + 4))
        }
      },
      resume?.position ?? null,
    )
    if (boundary > this.oldest) this.applyBoundary(boundary)
  }

  /** Saves the page index and versions with the log position they cover (see checkpoint.ts). */
  private checkpoint(): void {
    const position = this.log.position()
    if (!position) return
    const last = this.checkpointedAt
    if (last && last.seg === position.seg && last.end === position.end) return
    writeCheckpoint(this.dir, {
      position,
      oldest: this.oldest,
      versions: this.versions,
      roots: this.roots,
      moved: this.moved,
      index: this.index,
    })
    this.logBytesSinceCheckpoint = 0
    this.checkpointedAt = position
  }

  private applyBoundary(boundary: number): void {
    this.index.prune(boundary)
    this.oldest = boundary
    let cut = 0
    while (cut < this.versions.length && (this.versions[cut] as number) < boundary) cut++
    this.versions.splice(0, cut)
    this.roots.splice(0, cut)
  }

  // ── versions ───────────────────────────────────────────────────────────────────────────────────

  get latestVersion(): number {
    return this.versions[this.versions.length - 1] as number
  }

  get oldestVersion(): number {
    return this.oldest
  }

  private check(): void {
    if (this.closed) throw new StoreClosedError(this.dir)
    if (this.failed) throw this.failed
  }

  private versionIndex(version: number | undefined): number {
    this.check()
    if (version === undefined) return this.versions.length - 1
    if (!Number.isSafeInteger(version) || version < 0)
      throw new InvalidInputError(`version must be a non-negative integer, got ${version}`)
    if (version < this.oldest) throw new VersionPrunedError(version, this.oldest)
    let lo = 0
    let hi = this.versions.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const v = this.versions[mid] as number
      if (v === version) return mid
      if (v < version) lo = mid + 1
      else hi = mid - 1
    }
    throw new UnknownVersionError(version, this.latestVersion)
  }

  /** The root committed at `version` (default: latest). The empty store's root is 32 zero bytes. */
  root(version?: number): Uint8Array {
    return (this.roots[this.versionIndex(version)] as Uint8Array).slice()
  }

  // ── reads ──────────────────────────────────────────────────────────────────────────────────────

  /** Cache key of a page record: the newest record of a page is cached under its page id (the
   *  block being built takes it from there without an index lookup), older ones under pid@version. */
  private cacheKey(pid: string, recordVersion: number): string {
    return recordVersion === this.index.latestVersion(pid) ? pid : `${pid}@${recordVersion}`
  }

  /** The page `pid` as of `version` (null if it has no record then), from the cache or disk. */
  private pageAt(pid: string, version: number): Page | null {
    const latest = this.cache.get(pid)
    if (latest && latest.version <= version) return latest
    const rec = this.index.find(pid, version)
    if (!rec) return null
    const key = this.cacheKey(pid, rec.version)
    const hit = this.cache.get(key)
    if (hit) return hit
    const page = this.loadPage(pid, rec)
    this.cache.set(key, page)
    return page
  }

  /** Loads a page from its record (and base). `forWrite`: the block being built edits it next, so
   *  it keeps the slack of its first allocation instead of being compacted and then regrown. */
  private loadPage(pid: string, rec: PageRecord, forWrite = false): Page {
    // In memory, entries take a few bytes more than on disk (fixed-size locations, node records):
    // sized from the records so that decoding does not grow the buffer step by step.
    const baseLen = rec.kind === PAGE_DELTA ? (this.index.exact(pid, rec.baseVersion)?.len ?? 0) : 0
    const page = new Page(pid, rec.version, Math.ceil(1.2 * (rec.len + baseLen)) + 1024)
    const body = this.log.read(rec.seg, rec.off, rec.len)
    const h = readPageRecordHeader(body, 0, body.length)
    if (!h || h.pid !== pid || h.version !== rec.version)
      throw new CorruptFileError(
        this.log.fileOf(rec.seg),
        rec.off,
        `page record for ${pid || '(root)'}@${rec.version} does not match the index`,
      )
    // Where each record's entries end: folded copies of small child pages may follow.
    const parts: [Uint8Array, number, PageRecord][] = []
    if (h.kind === PAGE_DELTA) {
      const baseRec = this.index.exact(pid, h.baseVersion)
      if (!baseRec)
        throw new CorruptFileError(
          this.log.fileOf(rec.seg),
          rec.off,
          `delta page ${pid || '(root)'}@${rec.version} refers to missing base version ${h.baseVersion}`,
        )
      const base = this.log.read(baseRec.seg, baseRec.off, baseRec.len)
      const bh = readPageRecordHeader(base, 0, base.length)
      const baseEnd = bh ? applyRecordEntries(page, base, bh.entriesOff, base.length, bh.count, false) : -1
      if (baseEnd < 0)
        throw new CorruptFileError(
          this.log.fileOf(baseRec.seg),
          baseRec.off,
          `malformed base page ${pid || '(root)'}@${h.baseVersion}`,
        )
      parts.push([base, baseEnd, baseRec])
      page.baseVersion = h.baseVersion
      const end = applyRecordEntries(page, body, h.entriesOff, body.length, h.count, true)
      if (end < 0)
        throw new CorruptFileError(
          this.log.fileOf(rec.seg),
          rec.off,
          `malformed delta page ${pid || '(root)'}@${rec.version}`,
        )
      parts.push([body, end, rec])
    } else {
      const end = applyRecordEntries(page, body, h.entriesOff, body.length, h.count, false)
      if (end < 0)
        throw new CorruptFileError(
          this.log.fileOf(rec.seg),
          rec.off,
          `malformed page ${pid || '(root)'}@${rec.version}`,
        )
      parts.push([body, end, rec])
      page.baseVersion = rec.version
      if (rec.len <= FOLD_MAX_BYTES) page.foldBytes = body
    }
    // What follows the entries: child node hashes (applied after every entry, so a base's hash is
    // used only for a node the delta did not change) and folded copies (the delta's win).
    const copies = new Map<number, [Uint8Array, number, number]>()
    parts.forEach(([bytes, entriesEnd, from], n) => {
      const t = readRecordTrailer(bytes, entriesEnd, bytes.length)
      if (!t)
        throw new CorruptFileError(
          this.log.fileOf(from.seg),
          from.off + entriesEnd,
          `malformed node hashes or folded child pages in page ${pid || '(root)'}@${from.version}`,
        )
      if (t.hashMask !== 0) applyNodeHashes(page, bytes, t, n < parts.length - 1)
      for (const c of t.copies) copies.set(c.slot, [bytes, c.off, c.len])
    })
    if (!forWrite) page.compact()
    page.modified = false
    for (const [slot, [bytes, off, len]] of copies) this.adoptFoldedCopy(page, slot, bytes, off, len)
    return page
  }

  /**
   * Caches a small child page from the copy folded into its parent's record (FOLD_MAX_BYTES), so
   * reading a key in it costs no read of its own. Used only when the copy is the child's newest
   * record as of the parent's version (a child never changes without its parent); otherwise the
   * child is read from its own record as usual.
   */
  private adoptFoldedCopy(parent: Page, slot: number, bytes: Uint8Array, off: number, len: number): void {
    const i = slot >> 4
    const j = slot & 15
    if (i > 15 || parent.kind(1 + i, j) !== PAGE) return
    const pid = childPid(parent, i, j)
    const rec = this.index.find(pid, parent.version)
    if (!rec || rec.kind !== PAGE_BASE || rec.len !== len) return
    const h = readPageRecordHeader(bytes, off, off + len)
    if (!h || h.pid !== pid || h.version !== rec.version || h.kind !== PAGE_BASE) return
    const key = this.cacheKey(pid, rec.version)
    if (this.cache.has(key)) return
    const child = new Page(pid, rec.version, Math.ceil(1.2 * len) + 1024)
    const entriesEnd = applyRecordEntries(child, bytes, h.entriesOff, off + len, h.count, false)
    const t = entriesEnd < 0 ? null : readRecordTrailer(bytes, entriesEnd, off + len)
    if (!t) return
    if (t.hashMask !== 0) applyNodeHashes(child, bytes, t, false)
    child.baseVersion = rec.version
    child.compact()
    child.modified = false
    child.foldBytes = bytes.slice(off, off + len)
    this.cache.set(key, child)
    for (const c of t.copies) this.adoptFoldedCopy(child, c.slot, bytes, c.off, c.len)
  }

  /** Pages of `version` with their hashes computed (for proofs). */
  private hashedPageReader(version: number): (pid: string) => Page {
    return (pid) => {
      const page = this.pageAt(pid, version)
      if (!page) {
        if (pid === '') return new Page('', version)
        throw new Error(`internal: page ${pid} missing at version ${version}`)
      }
      // Hashing a page loaded from disk builds its node hashes: account for them in the cache.
      if (page.hash()) this.cache.set(this.cacheKey(pid, page.version), page)
      return page
    }
  }

  private readValue(seg: number, off: number, len: number): Uint8Array {
    if (this.moved.size > 0) {
      const to = this.moved.get(seg * U32 + off)
      if (to !== undefined) return this.log.read(Math.floor(to / U32), to % U32, len)
    }
    return this.log.read(seg, off, len)
  }

  /** The value of `key` at `version` (default: latest committed), or undefined if absent. Synchronous. */
  get(key: Uint8Array, version?: number): Uint8Array | undefined {
    checkKey(key)
    const v = this.versions[this.versionIndex(version)] as number
    let page = this.pageAt('', v)
    if (!page) return undefined
    let ni = 0
    for (let d = 0; d < 64; d++) {
      const s = nibble(key, d)
      const k = page.kind(ni, s)
      if (k === EMPTY) return undefined
      if (k === LEAF) {
        if (!page.leafKeyEquals(ni, s, key)) return undefined
        const o = page.entryOff(ni, s) + 64
        return this.readValue(getU32(page.b, o), getU32(page.b, o + 4), getU32(page.b, o + 8))
      }
      if (k === NODE) ni = 1 + s
      else {
        const next: Page | null = this.pageAt(childPid(page, ni - 1, s), v)
        if (!next) throw new Error(`internal: child page missing under ${page.pid || '(root)'} at version ${v}`)
        page = next
        ni = 0
      }
    }
    return undefined
  }

  /** Proof for `key` at `version` (default latest): inclusion if present, non-inclusion if absent. */
  proof(key: Uint8Array, version?: number): Uint8Array {
    checkKey(key)
    const v = this.versions[this.versionIndex(version)] as number
    return buildProof(this.hashedPageReader(v), key, (seg, off, len) => keccak(this.readValue(seg, off, len)))
  }

  /** Pins `version` (default latest) for reading; prune() will not go past it until release(). */
  snapshot(version?: number): Snapshot {
    const i = this.versionIndex(version)
    const v = this.versions[i] as number
    const root = (this.roots[i] as Uint8Array).slice()
    this.pins.set(v, (this.pins.get(v) ?? 0) + 1)
    let released = false
    return {
      version: v,
      root,
      get: (key) => this.get(key, v),
      proof: (key) => this.proof(key, v),
      release: () => {
        if (released) return
        released = true
        const n = (this.pins.get(v) ?? 1) - 1
        if (n <= 0) this.pins.delete(v)
        else this.pins.set(v, n)
      },
    }
  }

  // ── writes ─────────────────────────────────────────────────────────────────────────────────────

  /** Applies one block's writes as `version` (> latest) and returns its root once durable.
   *  Calls are queued; readers keep seeing the previous version until the block is on disk. */
  apply(version: number, ops: readonly Op[]): Promise<Uint8Array> {
    this.check()
    if (!Number.isSafeInteger(version) || version < 1)
      throw new InvalidInputError(`version must be a positive integer, got ${version}`)
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as Op
      checkKey(op.key, `ops[${i}].key`)
      if (
        op.value !== null &&
        (!(op.value instanceof Uint8Array) || op.value.length === 0 || op.value.length >= U32 / 2)
      )
        throw new InvalidInputError(
          `ops[${i}].value must be a non-empty Uint8Array (use null to delete), got ${describe(op.value)}`,
        )
    }
    const run = this.queue.then(() => this.applyNow(version, ops))
    this.queue = run.catch(() => {})
    return run
  }

  private async applyNow(version: number, ops: readonly Op[]): Promise<Uint8Array> {
    this.check()
    const latest = this.latestVersion
    if (version <= latest)
      throw new InvalidInputError(`version ${version} must be greater than the latest committed version ${latest}`)
    const { seg, start } = this.log.nextBlockStart()
    const block = new BlockWriter(seg, start, version, BLOCK_DATA, this.blockBuffer)
    const ws = new Working(this, version, latest)
    const t0 = performance.now()
    const lh = this.leafScratch
    for (const op of ops) {
      if (op.value) {
        const off = block.value(op.value)
        keccakInto(op.value, 0, op.value.length, lh, 32)
        leafHashInto(op.key, 0, lh, 32, lh, 0)
        insertLeaf(ws, op.key, lh, 0, seg, off, op.value.length)
      } else deleteLeaf(ws, op.key)
    }
    const t1 = performance.now()
    // Each page's record is written right after the page is hashed, while its data is still in
    // the CPU caches (a second pass over ~10k pages costs mostly cache misses).
    const records: [Page, number, number, number][] = []
    let encodeMs = 0
    const encode = (page: Page) => {
      const e0 = performance.now()
      const { base, delta } = encodedSizes(page)
      // A small page is always written whole: only a base can be folded into its parent's records,
      // and a delta would cost it a second read (the 10M-key run found depth-6 pages of 4+ keys
      // written as deltas, p99 5 reads).
      const asDelta = page.baseVersion >= 0 && base > FOLD_MAX_BYTES && delta <= base * this.deltaShare
      const bodyOff = block.frame(FRAME_PAGE, 0)
      const before = block.w.pos
      writePageRecord(block.w, page, asDelta, base >= NODE_HASHES_MIN_BYTES)
      writeFoldedCopies(block.w, this.foldedCopiesFor(page, asDelta, ws.pages, latest))
      const len = block.w.pos - before
      // A small base is kept with the page: its parent's records copy it (FOLD_MAX_BYTES).
      page.foldBytes = !asDelta && len <= FOLD_MAX_BYTES ? block.w.buf.slice(before, before + len) : null
      block.patchLength(bodyOff, len)
      if (!asDelta) {
        page.baseVersion = version
        page.clearChanged()
      }
      records.push([page, bodyOff, len, asDelta ? PAGE_DELTA : PAGE_BASE])
      encodeMs += performance.now() - e0
    }
    const root =
      ws.pages.size > 0 ? hashWorkingPages(ws.pages, encode) : (this.roots[this.roots.length - 1] as Uint8Array)
    const t2 = performance.now()
    const bytes = block.finish(version, root)
    const t3 = performance.now()
    try {
      await this.log.append(seg, start, bytes)
    } catch (e) {
      this.failed = new Error(
        `writing block ${version} to ${this.log.fileOf(seg)} failed (${(e as Error).message}); reopen the store to recover`,
      )
      throw this.failed
    }
    const t4 = performance.now()
    ws.returnUnmodified()
    for (const [page, off, len, kind] of records) {
      this.index.add(page.pid, version, seg, off, len, kind, page.baseVersion)
      page.modified = false
      this.cache.set(page.pid, page)
    }
    this.versions.push(version)
    this.roots.push(root.slice())
    this.logBytesSinceCheckpoint += bytes.length
    if (this.logBytesSinceCheckpoint >= this.checkpointBytes) this.checkpoint()
    const t5 = performance.now()
    this.lastApplyTimings = {
      editMs: t1 - t0,
      hashMs: t2 - t1 - encodeMs,
      encodeMs: t3 - t2 + encodeMs,
      writeMs: t4 - t3,
      installMs: t5 - t4,
    }
    return root.slice()
  }

  /**
   * The small child pages to copy into `page`'s record (see FOLD_MAX_BYTES): all of them for a
   * base, those whose slot changed since the base for a delta. A child changed in this block was
   * encoded just before its parent (deepest first) and is copied from the block; an unchanged one
   * from its newest record on disk.
   */
  private foldedCopiesFor(
    page: Page,
    asDelta: boolean,
    working: Map<string, Page>,
    latest: number,
  ): [number, Uint8Array][] {
    const copies: [number, Uint8Array][] = []
    const children = page.childPageCount()
    if (children === 0 || children > FOLD_MAX_CHILDREN) return copies
    for (let i = 0; i < 16; i++) {
      if (page.kind(0, i) !== NODE) continue
      for (let j = 0; j < 16; j++) {
        if (page.kind(1 + i, j) !== PAGE || (asDelta && !page.isChanged(positionOf(1 + i, j)))) continue
        const bytes = this.foldSource(childPid(page, i, j), working, latest)
        if (bytes) copies.push([(i << 4) | j, bytes])
      }
    }
    return copies
  }

  /** The bytes of page `pid`'s newest record if it is a base small enough to fold: the record it
   *  just got in this block, or its committed one — kept with the page object when it is in memory
   *  (checked against the index: same length, same version in its header), read from the log
   *  otherwise. */
  private foldSource(pid: string, working: Map<string, Page>, latest: number): Uint8Array | null {
    const page = working.get(pid) ?? this.cache.peek(pid)
    if (page?.modified) return page.foldBytes // encoded just before its parent, in this block
    const rec = this.index.find(pid, latest)
    if (!rec || rec.kind !== PAGE_BASE || rec.len > FOLD_MAX_BYTES) return null
    const kept = page?.foldBytes
    if (kept && kept.length === rec.len && getU64(kept, 0) === rec.version) return kept
    return this.log.read(rec.seg, rec.off, rec.len)
  }

  /** Hands the committed page object to the block being built, which edits it in place (no copy).
   *  It leaves the cache first, so until the block is durable, readers of the committed version
   *  load that page from its record on disk instead of seeing the edits. */
  takeForWrite(pid: string, latest: number): Page | null {
    const cached = this.cache.take(pid)
    if (cached) return cached
    const rec = this.index.find(pid, latest)
    if (!rec) return null
    return this.loadPage(pid, rec, true)
  }

  /** Gives back a page taken for a block that did not change it (same committed record). */
  returnUnchanged(page: Page, committedVersion: number): void {
    page.version = committedVersion
    this.cache.set(page.pid, page)
  }

  // ── pruning and log GC ─────────────────────────────────────────────────────────────────────────

  /** Forgets every version below `below` (clamped to the oldest pinned snapshot), then rewrites
   *  segments that became mostly garbage and deletes segments with nothing live. Roots never
   *  change: leaves commit to value hashes, not locations. */
  prune(below: number): Promise<PruneResult> {
    this.check()
    if (!Number.isSafeInteger(below) || below < 0)
      throw new InvalidInputError(`prune boundary must be a non-negative integer, got ${below}`)
    const run = this.queue.then(() => this.pruneNow(below))
    this.queue = run.catch(() => {})
    return run
  }

  private async pruneNow(below: number): Promise<PruneResult> {
    this.check()
    let boundary = Math.min(below, this.latestVersion)
    for (const v of this.pins.keys()) boundary = Math.min(boundary, v)
    // Only committed versions can be boundaries (the newest one at or below the request).
    let bi = this.versions.length - 1
    while (bi > 0 && (this.versions[bi] as number) > boundary) bi--
    boundary = this.versions[bi] as number
    const result: PruneResult = {
      boundary: Math.max(boundary, this.oldest),
      deletedSegments: 0,
      rewrittenSegments: 0,
      movedValues: 0,
      movedPages: 0,
    }
    if (boundary <= this.oldest) return result
    this.applyBoundary(boundary)

    // Live bytes per segment: retained page records and the values their leaves point to.
    const live = new Map<number, number>()
    const liveValues = new Map<number, [number, number]>() // current location → [original location, length]
    const pageRecs: [string, PageRecord][] = []
    for (const [pid, rec] of this.index.all()) {
      pageRecs.push([pid, rec])
      live.set(rec.seg, (live.get(rec.seg) ?? 0) + rec.len + FRAME_HEADER)
      const body = this.log.read(rec.seg, rec.off, rec.len)
      const h = readPageRecordHeader(body, 0, body.length)
      const ok =
        h !== null &&
        forEachLeafLocation(body, h, body.length, (vseg, voff, len) => {
          const orig = vseg * U32 + voff
          const cur = this.moved.get(orig) ?? orig
          if (!liveValues.has(cur)) {
            liveValues.set(cur, [orig, len])
            const s = Math.floor(cur / U32)
            live.set(s, (live.get(s) ?? 0) + len + FRAME_HEADER)
          }
        })
      if (!ok) throw new CorruptFileError(this.log.fileOf(rec.seg), rec.off, 'malformed page record')
    }
    const head = this.log.headId()
    const victims = new Set<number>()
    const empty: number[] = []
    for (const id of this.log.segmentIds()) {
      if (id === head) continue
      const l = live.get(id) ?? 0
      if (l === 0) empty.push(id)
      else if (l < this.log.segmentSize(id) * this.gcLiveShare) victims.add(id)
    }

    // One meta block: copies of everything live in the victims, the value moves, the boundary.
    const { seg, start } = this.log.nextBlockStart()
    const block = new BlockWriter(seg, start, this.latestVersion, BLOCK_META)
    const segCache = new Map<number, Uint8Array>()
    const segBytes = (id: number) => {
      let b = segCache.get(id)
      if (!b) {
        b = this.log.read(id, 0, this.log.segmentSize(id))
        segCache.set(id, b)
      }
      return b
    }
    const pageMoves: [string, PageRecord, number][] = []
    for (const [pid, rec] of pageRecs) {
      if (!victims.has(rec.seg)) continue
      const off = block.frame(FRAME_PAGE, rec.len)
      block.w.bytes(segBytes(rec.seg), rec.off, rec.len)
      pageMoves.push([pid, rec, off])
    }
    const valueMoves: [number, number][] = []
    for (const [cur, [orig, len]] of liveValues) {
      const s = Math.floor(cur / U32)
      if (!victims.has(s)) continue
      const off = block.value(segBytes(s).subarray(cur % U32, (cur % U32) + len))
      valueMoves.push([orig, seg * U32 + off])
    }
    if (valueMoves.length > 0) {
      block.frame(FRAME_MOVE, valueMoves.length * 16)
      const m = new Uint8Array(valueMoves.length * 16)
      valueMoves.forEach(([orig, to], i) => {
        putU32(m, 16 * i, Math.floor(orig / U32))
        putU32(m, 16 * i + 4, orig % U32)
        putU32(m, 16 * i + 8, Math.floor(to / U32))
        putU32(m, 16 * i + 12, to % U32)
      })
      block.w.bytes(m)
    }
    block.frame(FRAME_PRUNE, 8)
    const b8 = new Uint8Array(8)
    putU64(b8, 0, boundary)
    block.w.bytes(b8)
    const bytes = block.finish(this.latestVersion, this.roots[this.roots.length - 1] as Uint8Array)
    await this.log.append(seg, start, bytes)
    for (const [pid, rec, off] of pageMoves)
      this.index.add(pid, rec.version, seg, off, rec.len, rec.kind, rec.baseVersion)
    for (const [orig, to] of valueMoves) this.moved.set(orig, to)
    for (const id of [...victims, ...empty]) this.log.deleteSegment(id)
    if (victims.size + empty.length > 0) this.log.syncDir()
    result.boundary = boundary
    result.deletedSegments = empty.length
    result.rewrittenSegments = victims.size
    result.movedValues = valueMoves.length
    result.movedPages = pageMoves.length
    return result
  }

  /** Positioned reads issued so far (each page record or value read is one). */
  get preadCount(): number {
    return this.log.preads
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────────────────────────

  stats(): StoreStats {
    let disk = 0
    for (const id of this.log.segmentIds()) disk += this.log.segmentSize(id)
    return {
      latestVersion: this.latestVersion,
      oldestVersion: this.oldest,
      pageRecords: this.index.records,
      cachedPages: this.cache.size,
      cacheBytes: this.cache.bytes,
      preads: this.log.preads,
      segments: this.log.segmentIds().length,
      diskBytes: disk,
      truncatedBytes: this.log.truncatedBytes,
      openedFromCheckpoint: this.openedFromCheckpoint,
    }
  }

  /** Waits for queued blocks, then closes the files. */
  async close(): Promise<void> {
    if (this.closed) return
    await this.queue
    this.closed = true
    try {
      if (!this.failed) this.checkpoint()
    } finally {
      this.log.close()
      this.lock.release()
    }
  }
}

/** Copy-on-write view of the pages for the version being built. */
class Working implements WorkingPages {
  readonly pages = new Map<string, Page>()
  /** Committed version of each page taken from the store (to give back the unchanged ones). */
  private readonly taken = new Map<Page, number>()
  /** Child pages already reached from each working page, by 16 * i + j: every op walks the same
   *  top pages, so this saves building and looking up their ids again. */
  private readonly kids = new Map<Page, (Page | undefined)[]>()
  private readonly store: Store
  private readonly version: number
  private readonly latest: number
  constructor(store: Store, version: number, latest: number) {
    this.store = store
    this.version = version
    this.latest = latest
  }
  private copy(pid: string): Page {
    const existing = this.pages.get(pid)
    if (existing) return existing
    const committed = this.store.takeForWrite(pid, this.latest)
    let page: Page
    if (committed) {
      page = committed
      this.taken.set(page, page.version)
      page.version = this.version
    } else if (pid === '') page = new Page('', this.version)
    else throw new Error(`internal: page ${pid} referenced by its parent is missing at version ${this.latest}`)
    this.pages.set(pid, page)
    return page
  }
  private kidsOf(parent: Page): (Page | undefined)[] {
    let kids = this.kids.get(parent)
    if (!kids) {
      kids = new Array<Page | undefined>(256)
      this.kids.set(parent, kids)
    }
    return kids
  }
  root(): Page {
    return this.copy('')
  }
  child(parent: Page, i: number, j: number): Page {
    const kids = this.kidsOf(parent)
    let page = kids[16 * i + j]
    if (!page) {
      page = this.copy(childPid(parent, i, j))
      kids[16 * i + j] = page
    }
    return page
  }
  create(parent: Page, i: number, j: number): Page {
    const page = new Page(childPid(parent, i, j), this.version)
    this.pages.set(page.pid, page)
    this.kidsOf(parent)[16 * i + j] = page
    return page
  }
  drop(parent: Page, i: number, j: number, page: Page): void {
    this.pages.delete(page.pid)
    this.kidsOf(parent)[16 * i + j] = undefined
  }
  /** After commit: pages that were only traversed go back to the cache under their old record. */
  returnUnmodified(): void {
    for (const page of this.pages.values()) {
      const v = this.taken.get(page)
      if (!page.modified && v !== undefined) this.store.returnUnchanged(page, v)
    }
  }
}

function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.length} bytes`
  return v === null ? 'null' : typeof v
}

function checkKey(key: Uint8Array, what = 'key'): void {
  if (!(key instanceof Uint8Array) || key.length !== 32)
    throw new InvalidInputError(`${what} must be a 32-byte Uint8Array (a keccak-256 hash), got ${describe(key)}`)
}

/** Opens (or creates) a store directory; see Store.open. */
export function openStore(dir: string, opts: StoreOptions = {}): Store {
  fs.mkdirSync(dir, { recursive: true })
  return Store.open(dir, opts)
}
