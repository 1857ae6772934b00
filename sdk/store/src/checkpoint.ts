// The open-time checkpoint: what recovery rebuilds by scanning every segment (page index, committed
// versions and roots, pruning boundary, moved values), saved in one file together with the log
// position it covers. Open loads it and scans only the blocks after that position, if the log
// still matches it (LogPosition checked by SegmentLog.canResume); otherwise it scans everything.
// The file is written to a temporary name, fsynced and renamed, and carries a CRC over its bytes.
//   "SPNKCKPT" ‖ format u32 ‖ position ‖ oldest ‖ versions + roots ‖ moved values ‖ page index ‖ crc32
import fs from 'node:fs'
import path from 'node:path'
import { crc32 } from 'node:zlib'
import { ByteReader, ByteWriter, getU32 } from './bytes.ts'
import type { LogPosition } from './log.ts'
import { PageIndex } from './page-index.ts'

export const CHECKPOINT_FILE = 'index.ckpt'
const MAGIC = [0x53, 0x50, 0x4e, 0x4b, 0x43, 0x4b, 0x50, 0x54] // "SPNKCKPT"
const FORMAT = 1

export type CheckpointState = {
  position: LogPosition
  oldest: number
  versions: number[]
  roots: Uint8Array[]
  /** Original value location (segment·2^32 + offset) → where GC moved it. */
  moved: Map<number, number>
  index: PageIndex
}

export function encodeCheckpoint(st: CheckpointState): Uint8Array {
  const w = new ByteWriter(1 << 20)
  for (const b of MAGIC) w.u8(b)
  w.u32(FORMAT)
  const p = st.position
  w.varint(p.sealed.length)
  for (const [id, size] of p.sealed) {
    w.varint(id)
    w.varint(size)
  }
  w.varint(p.seg)
  w.varint(p.start)
  w.varint(p.end)
  w.varint(p.version)
  w.u32(p.crc)
  w.varint(st.oldest)
  w.varint(st.versions.length)
  for (let i = 0; i < st.versions.length; i++) {
    w.varint(st.versions[i] as number)
    w.bytes(st.roots[i] as Uint8Array)
  }
  w.varint(st.moved.size)
  for (const [from, to] of st.moved) {
    w.varint(from)
    w.varint(to)
  }
  st.index.encode(w)
  w.u32(crc32(w.view()))
  return w.view()
}

/** The checkpoint in `bytes`, or null if it is damaged, truncated or of another format. */
export function decodeCheckpoint(bytes: Uint8Array): CheckpointState | null {
  if (bytes.length < MAGIC.length + 8) return null
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return null
  if (getU32(bytes, bytes.length - 4) !== crc32(bytes.subarray(0, bytes.length - 4))) return null
  const r = new ByteReader(bytes, MAGIC.length, bytes.length - 4)
  try {
    if (r.u32() !== FORMAT) return null
    const sealed: [number, number][] = []
    const nSealed = r.varint()
    for (let i = 0; i < nSealed; i++) sealed.push([r.varint(), r.varint()])
    const position: LogPosition = {
      sealed,
      seg: r.varint(),
      start: r.varint(),
      end: r.varint(),
      version: r.varint(),
      crc: r.u32(),
    }
    const oldest = r.varint()
    const versions: number[] = []
    const roots: Uint8Array[] = []
    const nVersions = r.varint()
    for (let i = 0; i < nVersions; i++) {
      versions.push(r.varint())
      roots.push(r.bytes(32))
    }
    const moved = new Map<number, number>()
    const nMoved = r.varint()
    for (let i = 0; i < nMoved; i++) moved.set(r.varint(), r.varint())
    const index = PageIndex.decode(r)
    if (r.pos !== r.end || versions.length === 0) return null
    return { position, oldest, versions, roots, moved, index }
  } catch (e) {
    if (e instanceof RangeError) return null
    throw e
  }
}

/** Replaces the directory's checkpoint (atomically: temp file, fsync, rename, directory fsync). */
export function writeCheckpoint(dir: string, st: CheckpointState): void {
  const file = path.join(dir, CHECKPOINT_FILE)
  const tmp = `${file}.tmp`
  const fd = fs.openSync(tmp, 'w')
  try {
    const bytes = encodeCheckpoint(st)
    let off = 0
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
  const dfd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(dfd)
  } finally {
    fs.closeSync(dfd)
  }
}

/** The directory's checkpoint, or null if there is none or it does not check out. */
export function readCheckpoint(dir: string): CheckpointState | null {
  let bytes: Uint8Array
  try {
    bytes = fs.readFileSync(path.join(dir, CHECKPOINT_FILE))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  return decodeCheckpoint(bytes)
}
