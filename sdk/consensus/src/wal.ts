// File-backed write-ahead log of everything a validator signed. Frames: u32 length ‖ 4-byte keccak
// checksum ‖ record. `append` writes and fdatasyncs before returning, so a message is never sent
// before its WAL record is durable. On open, a torn or corrupt tail (crash mid-write) is cut off.
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { keccak256 } from '@spnkit/crypto'
import { decodeWalRecord, encodeWalRecord } from './codec.ts'
import { WalError } from './errors.ts'
import type { WalRecord } from './types.ts'

export class FileWal {
  readonly path: string
  readonly records: WalRecord[]
  #fd: number

  private constructor(path: string, records: WalRecord[], fd: number) {
    this.path = path
    this.records = records
    this.#fd = fd
  }

  /** Opens (or creates) the log and loads its valid prefix. */
  static open(path: string): FileWal {
    const records: WalRecord[] = []
    let validBytes = 0
    if (existsSync(path)) {
      const data = readFileSync(path)
      let o = 0
      while (o + 8 <= data.length) {
        const len = data.readUInt32BE(o)
        if (o + 8 + len > data.length) break
        const body = data.subarray(o + 8, o + 8 + len)
        if (!Buffer.from(keccak256(body).subarray(0, 4)).equals(data.subarray(o + 4, o + 8))) break
        try {
          records.push(decodeWalRecord(body))
        } catch {
          break
        }
        o += 8 + len
      }
      validBytes = o
      if (validBytes < data.length) {
        // Cut the torn tail so new frames follow the last good one.
        const tmp = `${path}.repair`
        const fd = openSync(tmp, 'w')
        writeSync(fd, data.subarray(0, validBytes))
        fdatasyncSync(fd)
        closeSync(fd)
        renameSync(tmp, path)
      }
    }
    let fd: number
    try {
      fd = openSync(path, 'a')
    } catch (cause) {
      throw new WalError(
        `FileWal: cannot open ${path} for appending (${(cause as Error).message}); check the data directory`,
      )
    }
    return new FileWal(path, records, fd)
  }

  /** Appends and syncs. Call before sending the messages produced in the same drain. */
  append(records: readonly WalRecord[]): void {
    if (records.length === 0) return
    const frames: Buffer[] = []
    for (const rec of records) {
      const body = Buffer.from(encodeWalRecord(rec))
      const head = Buffer.alloc(8)
      head.writeUInt32BE(body.length, 0)
      Buffer.from(keccak256(body).subarray(0, 4)).copy(head, 4)
      frames.push(head, body)
      this.records.push(rec)
    }
    writeSync(this.#fd, Buffer.concat(frames))
    fdatasyncSync(this.#fd)
  }

  /**
   * Rewrites the log keeping only records for which `keep` holds (e.g. slots above the committed
   * one). The highest vote-batch sequence is always kept, so batch numbers never repeat.
   */
  compact(keep: (record: WalRecord) => boolean): void {
    let lastBatch: WalRecord | undefined
    for (const r of this.records)
      if (r.kind === 'batch' && (!lastBatch || r.seq > (lastBatch as { seq: number }).seq)) lastBatch = r
    const kept = this.records.filter((r) => r !== lastBatch && keep(r))
    if (lastBatch) kept.push(lastBatch)
    closeSync(this.#fd)
    const tmp = `${this.path}.compact`
    const fd = openSync(tmp, 'w')
    closeSync(fd)
    this.records.length = 0
    this.#fd = openSync(tmp, 'a')
    this.append(kept)
    closeSync(this.#fd)
    renameSync(tmp, this.path)
    this.#fd = openSync(this.path, 'a')
  }

  close(): void {
    closeSync(this.#fd)
  }
}
