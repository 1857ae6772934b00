// One open store per directory. The lock is a file LOCK holding "pid starttime": it is published
// with link() (atomic, and only ever with its full content), so a second open (in another process
// or this one) sees a live holder and fails. A lock whose holder has exited is taken over: it is
// first renamed aside and checked, so two processes taking over the same stale lock cannot both win.
// The start time (Linux /proc) tells a live holder from an unrelated process that reused its pid.
import fs from 'node:fs'
import path from 'node:path'
import { StoreLockedError } from './errors.ts'

const LOCK = 'LOCK'
const LEFTOVER = /^LOCK\.(\d+)\.\d+\.(tmp|stale)$/

let counter = 0

type ProcInfo = { start: string; zombie: boolean }

/** Start time (field 22 of /proc/<pid>/stat) and zombie state of a process; null where /proc is
 *  not available (then a live pid is taken as the holder). */
function procInfo(pid: number): ProcInfo | null {
  let stat: string
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // Fields after the command name (which may contain spaces) start with field 3, the state.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { start: fields[19] ?? '-', zombie: fields[0] === 'Z' }
}

function identity(): string {
  return `${process.pid} ${procInfo(process.pid)?.start ?? '-'}\n`
}

function parse(content: string): { pid: number; start: string } | null {
  const m = /^(\d+) (\S+)\n$/.exec(content)
  return m ? { pid: Number(m[1]), start: m[2] as string } : null
}

function alive(pid: number, start: string): boolean {
  try {
    process.kill(pid, 0)
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false
  }
  const info = procInfo(pid)
  if (!info) return true
  if (info.zombie) return false
  return start === '-' || info.start === start
}

function codeOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code
}

export class DirLock {
  readonly file: string
  private readonly content: string
  private released = false

  private constructor(file: string, content: string) {
    this.file = file
    this.content = content
  }

  /** Takes the lock of `dir` or throws StoreLockedError naming the holder's pid. */
  static acquire(dir: string): DirLock {
    fs.mkdirSync(dir, { recursive: true })
    const file = path.join(dir, LOCK)
    const me = identity()
    for (let attempt = 0; attempt < 8; attempt++) {
      const tmp = path.join(dir, `${LOCK}.${process.pid}.${counter++}.tmp`)
      fs.writeFileSync(tmp, me)
      try {
        fs.linkSync(tmp, file)
        fs.unlinkSync(tmp)
        removeLeftovers(dir)
        return new DirLock(file, me)
      } catch (e) {
        fs.rmSync(tmp, { force: true })
        if (codeOf(e) !== 'EEXIST') throw e
      }
      let content: string
      try {
        content = fs.readFileSync(file, 'utf8')
      } catch (e) {
        if (codeOf(e) === 'ENOENT') continue
        throw e
      }
      const holder = parse(content)
      if (holder && alive(holder.pid, holder.start)) throw new StoreLockedError(dir, holder.pid, file)
      // Stale (holder gone, or content unreadable, e.g. an empty file after a power loss): move it
      // aside, and put it back if what was moved is not what was judged stale (a racer's new lock).
      const aside = path.join(dir, `${LOCK}.${process.pid}.${counter++}.stale`)
      try {
        fs.renameSync(file, aside)
      } catch (e) {
        if (codeOf(e) === 'ENOENT') continue
        throw e
      }
      if (fs.readFileSync(aside, 'utf8') !== content) {
        try {
          fs.linkSync(aside, file)
        } catch (e) {
          if (codeOf(e) !== 'EEXIST') throw e
        }
      }
      fs.rmSync(aside, { force: true })
    }
    throw new Error(`could not take the lock ${file}: it kept changing hands; try again`)
  }

  /** Gives the lock up (only if it is still ours). */
  release(): void {
    if (this.released) return
    this.released = true
    try {
      if (fs.readFileSync(this.file, 'utf8') === this.content) fs.unlinkSync(this.file)
    } catch (e) {
      if (codeOf(e) !== 'ENOENT') throw e
    }
  }
}

/** Temporary files of lock attempts by processes that died half-way. */
function removeLeftovers(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const m = LEFTOVER.exec(name)
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]), '-')) fs.rmSync(path.join(dir, name), { force: true })
  }
}
