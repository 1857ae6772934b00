// The append-only log: numbered segment files, each a header followed by blocks. A block is
//   BEGIN(version, length, kind) · VALUE* · PAGE* · [MOVE] · [PRUNE] · COMMIT(version, root, crc32)
// written with ONE write and made durable with ONE fdatasync. The CRC covers every byte of the
// block before the COMMIT frame. Frames are [u32 body length][u8 type][body].
import fs from 'node:fs'
import path from 'node:path'
import { crc32 } from 'node:zlib'
import { ByteWriter, getU32, getU64, putU32 } from './bytes.ts'
import { CorruptFileError } from './errors.ts'

export const FRAME_BEGIN = 1
export const FRAME_VALUE = 2
export const FRAME_PAGE = 3
export const FRAME_MOVE = 4
export const FRAME_PRUNE = 5
export const FRAME_COMMIT = 6

export const BLOCK_DATA = 0
export const BLOCK_META = 1

const SEGMENT_MAGIC = [0x53, 0x50, 0x4e, 0x4b, 0x53, 0x54, 0x4f, 0x52] // "SPNKSTOR"
// Format 3 added folded child copies after a page record's entries; a format-2 segment has none,
// so it reads the same and stays readable.
const FORMAT_VERSION = 3
const READABLE_FORMATS = [2, 3]
export const SEGMENT_HEADER = 32
const BEGIN_MAGIC = 0x53504e42 // "SPNB"
const COMMIT_MAGIC = 0x53504e43 // "SPNC"
export const FRAME_HEADER = 5
const BEGIN_BODY = 4 + 8 + 4 + 1
const COMMIT_BODY = 8 + 32 + 4 + 4
export const BEGIN_FRAME = FRAME_HEADER + BEGIN_BODY
export const COMMIT_FRAME = FRAME_HEADER + COMMIT_BODY

export function segmentName(id: number): string {
  return `seg-${String(id).padStart(6, '0')}.log`
}

/** Builds one block in memory; `start` is where it will land in the segment. `w` may be a writer
 *  reused from block to block (blocks are written one at a time): it is reset here. */
export class BlockWriter {
  readonly w: ByteWriter
  readonly seg: number
  readonly start: number
  constructor(seg: number, start: number, version: number, kind: number, w = new ByteWriter(1 << 20)) {
    this.seg = seg
    this.start = start
    this.w = w
    w.pos = 0
    this.w.u32(BEGIN_BODY)
    this.w.u8(FRAME_BEGIN)
    this.w.u32(BEGIN_MAGIC)
    this.w.u64(version)
    this.w.u32(0) // block length, patched in finish()
    this.w.u8(kind)
  }
  /** Starts a frame; returns the segment offset of its body. */
  frame(type: number, bodyLen: number): number {
    this.w.u32(bodyLen)
    this.w.u8(type)
    return this.start + this.w.pos
  }
  /** Appends a VALUE frame; returns the segment offset of the value bytes. */
  value(v: Uint8Array): number {
    const off = this.frame(FRAME_VALUE, v.length)
    this.w.bytes(v)
    return off
  }
  /** Patches a frame's body length after the body was written. */
  patchLength(frameBodyOff: number, bodyLen: number): void {
    putU32(this.w.buf, frameBodyOff - this.start - FRAME_HEADER, bodyLen)
  }
  finish(version: number, root: Uint8Array): Uint8Array {
    const total = this.w.pos + COMMIT_FRAME
    putU32(this.w.buf, FRAME_HEADER + 4 + 8, total)
    const crc = crc32(this.w.view())
    this.w.u32(COMMIT_BODY)
    this.w.u8(FRAME_COMMIT)
    this.w.u64(version)
    this.w.bytes(root)
    this.w.u32(crc)
    this.w.u32(COMMIT_MAGIC)
    return this.w.view()
  }
}

/** What a scan of one block yields (frames are handed to the visitor in order). */
export type BlockInfo = { seg: number; start: number; end: number; version: number; kind: number; root: Uint8Array }
export type FrameVisitor = (
  type: number,
  buf: Uint8Array,
  bodyOff: number,
  bodyLen: number,
  seg: number,
  fileOff: number,
) => void

type Segment = { id: number; file: string; fd: number; size: number }

/** A point in the log a checkpoint covers: the sealed segments (id, size) before the head, the
 *  head's id, where its last block starts and ends, and that block's version and checksum. */
export type LogPosition = {
  sealed: [number, number][]
  seg: number
  start: number
  end: number
  version: number
  crc: number
}

export class SegmentLog {
  readonly dir: string
  private readonly segments = new Map<number, Segment>()
  private head: Segment | null = null
  readonly segmentLimit: number
  preads = 0
  truncatedBytes = 0
  /** Start, version and checksum of the last block in the log (null while it has none). */
  private lastCommit: { start: number; version: number; crc: number } | null = null

  constructor(dir: string, segmentLimit: number) {
    this.dir = dir
    this.segmentLimit = segmentLimit
  }

  segmentIds(): number[] {
    return [...this.segments.keys()].sort((a, b) => a - b)
  }

  segmentSize(id: number): number {
    return this.segments.get(id)?.size ?? 0
  }

  headId(): number {
    return this.head?.id ?? 0
  }

  private listIds(): number[] {
    return fs
      .readdirSync(this.dir)
      .map((n) => /^seg-(\d{6})\.log$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b)
  }

  /** Where the log ends now (for a checkpoint); null if it holds no block yet. */
  position(): LogPosition | null {
    const head = this.head
    if (!head || !this.lastCommit) return null
    const sealed: [number, number][] = []
    for (const id of this.segmentIds()) if (id !== head.id) sealed.push([id, this.segmentSize(id)])
    return { sealed, seg: head.id, end: head.size, ...this.lastCommit }
  }

  /** Whether the files still are what `p` describes: the same sealed segments with the same sizes,
   *  and p's block, intact (checksum verified), at p.start..p.end of the head segment. Cheap: it
   *  reads one block. */
  canResume(p: LogPosition): boolean {
    const ids = this.listIds()
    let k = 0
    for (; k < ids.length && (ids[k] as number) < p.seg; k++) {
      const s = p.sealed[k]
      if (!s || s[0] !== ids[k]) return false
      const st = fs.statSync(path.join(this.dir, segmentName(s[0])), { throwIfNoEntry: false })
      if (!st || st.size !== s[1]) return false
    }
    const total = p.end - p.start
    if (k !== p.sealed.length || ids[k] !== p.seg || p.start < SEGMENT_HEADER || total < BEGIN_FRAME + COMMIT_FRAME)
      return false
    const file = path.join(this.dir, segmentName(p.seg))
    const fd = fs.openSync(file, 'r')
    try {
      if (fs.fstatSync(fd).size < p.end) return false
      const block = new Uint8Array(total)
      if (fs.readSync(fd, block, 0, total, p.start) !== total) return false
      const c = total - COMMIT_FRAME
      return (
        getU32(block, 0) === BEGIN_BODY &&
        block[4] === FRAME_BEGIN &&
        getU32(block, 5) === BEGIN_MAGIC &&
        getU32(block, 17) === total &&
        getU32(block, c) === COMMIT_BODY &&
        block[c + 4] === FRAME_COMMIT &&
        getU32(block, c + FRAME_HEADER + 44) === COMMIT_MAGIC &&
        getU64(block, c + FRAME_HEADER) === p.version &&
        getU32(block, c + FRAME_HEADER + 40) === p.crc &&
        crc32(block.subarray(0, c)) === p.crc
      )
    } finally {
      fs.closeSync(fd)
    }
  }

  /** Opens every segment, checks headers, and replays committed blocks through `visit` — all of
   *  them, or with `resume` (checked by canResume) only those after that position. A torn tail (an
   *  incomplete last block) is truncated; anything else that does not check out is a
   *  CorruptFileError naming the file and offset. */
  open(onBlock: (info: BlockInfo) => void, visit: FrameVisitor, resume: LogPosition | null = null): void {
    fs.mkdirSync(this.dir, { recursive: true })
    const ids = this.listIds()
    if (resume) this.lastCommit = { start: resume.start, version: resume.version, crc: resume.crc }
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k] as number
      const isLast = k === ids.length - 1
      const file = path.join(this.dir, segmentName(id))
      const fd = fs.openSync(file, 'r+')
      const seg: Segment = { id, file, fd, size: fs.fstatSync(fd).size }
      this.segments.set(id, seg)
      if (seg.size < SEGMENT_HEADER && isLast) {
        // Crash while creating the segment: nothing in it was ever committed.
        this.writeHeader(seg)
      } else this.checkHeader(seg)
      if (!resume || id > resume.seg) this.scanSegment(seg, isLast, SEGMENT_HEADER, onBlock, visit)
      else if (id === resume.seg) this.scanSegment(seg, isLast, resume.end, onBlock, visit)
      this.head = seg
    }
    if (!this.head) this.head = this.createSegment(1)
  }

  private writeHeader(seg: Segment): void {
    const h = new Uint8Array(SEGMENT_HEADER)
    h.set(SEGMENT_MAGIC, 0)
    putU32(h, 8, FORMAT_VERSION)
    putU32(h, 12, seg.id)
    putU32(h, 28, crc32(h.subarray(0, 28)))
    fs.ftruncateSync(seg.fd, 0)
    fs.writeSync(seg.fd, h, 0, SEGMENT_HEADER, 0)
    fs.fdatasyncSync(seg.fd)
    seg.size = SEGMENT_HEADER
  }

  private checkHeader(seg: Segment): void {
    const h = new Uint8Array(SEGMENT_HEADER)
    const n = fs.readSync(seg.fd, h, 0, SEGMENT_HEADER, 0)
    for (let i = 0; i < 8; i++)
      if (n < 8 || h[i] !== SEGMENT_MAGIC[i])
        throw new CorruptFileError(seg.file, 0, 'not a spnkit store segment (bad magic)')
    if (getU32(h, 28) !== crc32(h.subarray(0, 28)))
      throw new CorruptFileError(seg.file, 28, 'segment header checksum mismatch')
    if (!READABLE_FORMATS.includes(getU32(h, 8)))
      throw new CorruptFileError(
        seg.file,
        8,
        `unsupported segment format ${getU32(h, 8)} (this build reads formats ${READABLE_FORMATS.join(', ')})`,
      )
    if (getU32(h, 12) !== seg.id)
      throw new CorruptFileError(seg.file, 12, `segment header says id ${getU32(h, 12)}, file name says ${seg.id}`)
  }

  private createSegment(id: number): Segment {
    const file = path.join(this.dir, segmentName(id))
    const fd = fs.openSync(file, 'w+')
    const seg: Segment = { id, file, fd, size: 0 }
    this.writeHeader(seg)
    this.syncDir()
    this.segments.set(id, seg)
    return seg
  }

  syncDir(): void {
    const dfd = fs.openSync(this.dir, 'r')
    try {
      fs.fsyncSync(dfd)
    } finally {
      fs.closeSync(dfd)
    }
  }

  private scanSegment(
    seg: Segment,
    isLast: boolean,
    from: number,
    onBlock: (info: BlockInfo) => void,
    visit: FrameVisitor,
  ): void {
    // Read in windows so a big segment does not need one huge buffer.
    let pos = from
    let buf = new Uint8Array(0)
    let bufStart = 0
    const load = (from: number, len: number): boolean => {
      if (from + len > seg.size) return false
      if (from >= bufStart && from + len <= bufStart + buf.length) return true
      const size = Math.max(len, 8 << 20)
      const n = Math.min(size, seg.size - from)
      buf = new Uint8Array(n)
      fs.readSync(seg.fd, buf, 0, n, from)
      bufStart = from
      return true
    }
    const torn = (at: number, why: string) => {
      if (!isLast) throw new CorruptFileError(seg.file, at, `${why} in a segment that is not the last one`)
      this.truncatedBytes += seg.size - at
      fs.ftruncateSync(seg.fd, at)
      fs.fdatasyncSync(seg.fd)
      seg.size = at
    }
    while (pos < seg.size) {
      if (!load(pos, BEGIN_FRAME)) {
        torn(pos, 'incomplete block header')
        return
      }
      let o = pos - bufStart
      const validBegin =
        getU32(buf, o) === BEGIN_BODY && buf[o + 4] === FRAME_BEGIN && getU32(buf, o + 5) === BEGIN_MAGIC
      if (!validBegin) {
        if (isLast && this.allZero(seg, pos)) {
          torn(pos, 'zero-filled tail')
          return
        }
        throw new CorruptFileError(seg.file, pos, 'expected a block header (bad frame or magic)')
      }
      const version = getU64(buf, o + 9)
      const total = getU32(buf, o + 17)
      const kind = buf[o + 21] as number
      if (total < BEGIN_FRAME + COMMIT_FRAME)
        throw new CorruptFileError(seg.file, pos + 17, `impossible block length ${total}`)
      if (pos + total > seg.size) {
        torn(pos, 'block runs past the end of the file')
        return
      }
      load(pos, total)
      o = pos - bufStart
      const c = o + total - COMMIT_FRAME
      const commitOk =
        getU32(buf, c) === COMMIT_BODY &&
        buf[c + 4] === FRAME_COMMIT &&
        getU32(buf, c + FRAME_HEADER + 44) === COMMIT_MAGIC &&
        getU64(buf, c + FRAME_HEADER) === version &&
        getU32(buf, c + FRAME_HEADER + 40) === crc32(buf.subarray(o, c))
      if (!commitOk) {
        if (isLast && pos + total === seg.size) {
          torn(pos, 'last block failed its checksum')
          return
        }
        throw new CorruptFileError(seg.file, pos, `block of version ${version} failed its checksum`)
      }
      // Frames between BEGIN and COMMIT.
      let f = o + BEGIN_FRAME
      while (f < c) {
        const len = getU32(buf, f)
        const type = buf[f + 4] as number
        if (f + FRAME_HEADER + len > c || type < FRAME_VALUE || type > FRAME_PRUNE)
          throw new CorruptFileError(seg.file, bufStart + f, 'malformed frame inside a checksummed block')
        visit(type, buf, f + FRAME_HEADER, len, seg.id, bufStart + f + FRAME_HEADER)
        f += FRAME_HEADER + len
      }
      const root = buf.slice(c + FRAME_HEADER + 8, c + FRAME_HEADER + 40)
      this.lastCommit = { start: pos, version, crc: getU32(buf, c + FRAME_HEADER + 40) }
      onBlock({ seg: seg.id, start: pos, end: pos + total, version, kind, root })
      pos += total
    }
  }

  private allZero(seg: Segment, from: number): boolean {
    const chunk = new Uint8Array(1 << 16)
    for (let p = from; p < seg.size; p += chunk.length) {
      const n = fs.readSync(seg.fd, chunk, 0, Math.min(chunk.length, seg.size - p), p)
      for (let i = 0; i < n; i++) if (chunk[i] !== 0) return false
    }
    return true
  }

  /** Where the next block goes (rolls to a new segment when the head is full). */
  nextBlockStart(): { seg: number; start: number } {
    let head = this.head as Segment
    if (head.size >= this.segmentLimit) {
      head = this.createSegment(head.id + 1)
      this.head = head
    }
    return { seg: head.id, start: head.size }
  }

  /** Appends a finished block at the head with one write and one fdatasync. */
  async append(seg: number, start: number, bytes: Uint8Array): Promise<void> {
    const head = this.head as Segment
    if (head.id !== seg || head.size !== start) throw new Error(`log head moved: expected segment ${seg} at ${start}`)
    await new Promise<void>((resolve, reject) => {
      fs.write(head.fd, bytes, 0, bytes.length, start, (err, written) => {
        if (err) return reject(err)
        if (written !== bytes.length)
          return reject(new Error(`short write to ${head.file}: ${written} of ${bytes.length}`))
        fs.fdatasync(head.fd, (e) => (e ? reject(e) : resolve()))
      })
    })
    head.size = start + bytes.length
    const c = bytes.length - COMMIT_FRAME + FRAME_HEADER
    this.lastCommit = { start, version: getU64(bytes, c), crc: getU32(bytes, c + 40) }
  }

  /** Synchronous positioned read (readers never wait on the event loop). */
  read(seg: number, off: number, len: number): Uint8Array {
    const s = this.segments.get(seg)
    if (!s)
      throw new CorruptFileError(this.fileOf(seg), off, 'a record points into this segment file, which is missing')
    if (off + len > s.size)
      throw new CorruptFileError(s.file, off, `record of ${len} bytes runs past the end of the file (${s.size})`)
    const out = new Uint8Array(len)
    const n = fs.readSync(s.fd, out, 0, len, off)
    this.preads++
    if (n !== len) throw new CorruptFileError(s.file, off, `short read (${n} of ${len} bytes)`)
    return out
  }

  fileOf(seg: number): string {
    return this.segments.get(seg)?.file ?? path.join(this.dir, segmentName(seg))
  }

  /** Deletes a whole segment file (after pruning/GC made everything in it unreachable). */
  deleteSegment(id: number): void {
    const s = this.segments.get(id)
    if (!s || s === this.head) return
    fs.closeSync(s.fd)
    fs.unlinkSync(s.file)
    this.segments.delete(id)
  }

  close(): void {
    for (const s of this.segments.values()) fs.closeSync(s.fd)
    this.segments.clear()
    this.head = null
  }
}
