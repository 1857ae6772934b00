// The in-memory page index: page id → its records on disk, in version order, flattened into one
// number array per page (version, segment, offset, length, kind, base version).
import type { ByteReader, ByteWriter } from './bytes.ts'

export const REC_STRIDE = 6
const HEX = '0123456789abcdef'

export type PageRecord = { version: number; seg: number; off: number; len: number; kind: number; baseVersion: number }

export class PageIndex {
  readonly pages = new Map<string, number[]>()
  records = 0

  /** Adds a record; a record for the same (pid, version) (a copy made by GC) replaces the old one. */
  add(pid: string, version: number, seg: number, off: number, len: number, kind: number, baseVersion: number): void {
    let recs = this.pages.get(pid)
    if (!recs) {
      recs = []
      this.pages.set(pid, recs)
    }
    const n = recs.length
    if (n > 0 && (recs[n - REC_STRIDE] as number) >= version) {
      const at = this.indexOf(recs, version)
      if (at >= 0) {
        recs[at + 1] = seg
        recs[at + 2] = off
        recs[at + 3] = len
        return
      }
      // A GC copy of an old record whose original is gone: insert it in version order.
      let r = n / REC_STRIDE
      while (r > 0 && (recs[(r - 1) * REC_STRIDE] as number) > version) r--
      recs.splice(r * REC_STRIDE, 0, version, seg, off, len, kind, baseVersion)
      this.records++
      return
    }
    recs.push(version, seg, off, len, kind, baseVersion)
    this.records++
  }

  private indexOf(recs: number[], version: number): number {
    let lo = 0
    let hi = recs.length / REC_STRIDE - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const v = recs[mid * REC_STRIDE] as number
      if (v === version) return mid * REC_STRIDE
      if (v < version) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }

  /** Version of the newest record of `pid` (-1 if none). */
  latestVersion(pid: string): number {
    const recs = this.pages.get(pid)
    return recs && recs.length > 0 ? (recs[recs.length - REC_STRIDE] as number) : -1
  }

  /** The newest record of `pid` at or below `version`. */
  find(pid: string, version: number): PageRecord | null {
    const recs = this.pages.get(pid)
    if (!recs) return null
    let lo = 0
    let hi = recs.length / REC_STRIDE - 1
    let best = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if ((recs[mid * REC_STRIDE] as number) <= version) {
        best = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return best < 0 ? null : this.at(recs, best * REC_STRIDE)
  }

  exact(pid: string, version: number): PageRecord | null {
    const recs = this.pages.get(pid)
    if (!recs) return null
    const at = this.indexOf(recs, version)
    return at < 0 ? null : this.at(recs, at)
  }

  private at(recs: number[], i: number): PageRecord {
    return {
      version: recs[i] as number,
      seg: recs[i + 1] as number,
      off: recs[i + 2] as number,
      len: recs[i + 3] as number,
      kind: recs[i + 4] as number,
      baseVersion: recs[i + 5] as number,
    }
  }

  /** Drops records no longer needed to read versions ≥ boundary: per page, everything older than
   *  the newest record ≤ boundary, except the base page that record's delta builds on. */
  prune(boundary: number): void {
    let total = 0
    for (const [pid, recs] of this.pages) {
      const n = recs.length / REC_STRIDE
      let keepFrom = -1
      for (let r = n - 1; r >= 0; r--)
        if ((recs[r * REC_STRIDE] as number) <= boundary) {
          keepFrom = r
          break
        }
      if (keepFrom <= 0) {
        total += n
        continue
      }
      const kept: number[] = []
      const anchor = keepFrom * REC_STRIDE
      if ((recs[anchor + 4] as number) === 1) {
        const base = this.indexOf(recs, recs[anchor + 5] as number)
        if (base >= 0 && base < anchor) kept.push(...recs.slice(base, base + REC_STRIDE))
      }
      kept.push(...recs.slice(anchor))
      this.pages.set(pid, kept)
      total += kept.length / REC_STRIDE
    }
    this.records = total
  }

  *all(): Generator<[string, PageRecord]> {
    for (const [pid, recs] of this.pages)
      for (let i = 0; i < recs.length; i += REC_STRIDE) yield [pid, this.at(recs, i)]
  }

  /** Writes the whole index (for a checkpoint): per page its id and records, versions as deltas. */
  encode(w: ByteWriter): void {
    w.varint(this.pages.size)
    for (const [pid, recs] of this.pages) {
      w.u8(pid.length)
      for (let i = 0; i < pid.length; i += 2) {
        const hi = HEX.indexOf(pid[i] as string)
        const lo = i + 1 < pid.length ? HEX.indexOf(pid[i + 1] as string) : 0
        w.u8((hi << 4) | lo)
      }
      w.varint(recs.length / REC_STRIDE)
      let prev = 0
      for (let i = 0; i < recs.length; i += REC_STRIDE) {
        const version = recs[i] as number
        w.varint(version - prev)
        w.varint(recs[i + 1] as number)
        w.varint(recs[i + 2] as number)
        w.varint(recs[i + 3] as number)
        w.u8(recs[i + 4] as number)
        w.varint(version - (recs[i + 5] as number))
        prev = version
      }
    }
  }

  /** Reads an index written by encode(); throws RangeError if the bytes do not hold one. */
  static decode(r: ByteReader): PageIndex {
    const index = new PageIndex()
    const pages = r.varint()
    for (let p = 0; p < pages; p++) {
      const nibbles = r.u8()
      if (nibbles > 64) throw new RangeError(`page id of ${nibbles} nibbles`)
      let pid = ''
      let byte = 0
      for (let i = 0; i < nibbles; i++) {
        if (!(i & 1)) byte = r.u8()
        pid += HEX[i & 1 ? byte & 15 : byte >> 4]
      }
      const n = r.varint()
      const recs: number[] = new Array(n * REC_STRIDE)
      let version = 0
      for (let i = 0; i < n * REC_STRIDE; i += REC_STRIDE) {
        version += r.varint()
        recs[i] = version
        recs[i + 1] = r.varint()
        recs[i + 2] = r.varint()
        recs[i + 3] = r.varint()
        recs[i + 4] = r.u8()
        recs[i + 5] = version - r.varint()
      }
      index.pages.set(pid, recs)
      index.records += n
    }
    return index
  }
}
