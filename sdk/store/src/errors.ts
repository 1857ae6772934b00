// Typed errors: each says what went wrong, where, and what to do about it.

/** Base class so callers can catch every store error with one `instanceof`. */
export class StoreError extends Error {
  override name = 'StoreError'
}

/** A file in the store directory is damaged or is not a store file at all. The store refuses to
 *  open rather than return a root it cannot vouch for. */
export class CorruptFileError extends StoreError {
  override name = 'CorruptFileError'
  readonly file: string
  readonly offset: number
  constructor(file: string, offset: number, what: string) {
    super(
      `${file} at offset ${offset}: ${what}. The store will not open on damaged data; restore this file from a ` +
        'replica or backup (or move the directory aside to start a fresh store).',
    )
    this.file = file
    this.offset = offset
  }
}

/** A read asked for a version older than the pruning boundary. */
export class VersionPrunedError extends StoreError {
  override name = 'VersionPrunedError'
  readonly version: number
  readonly oldestRetained: number
  constructor(version: number, oldestRetained: number) {
    super(
      `version ${version} was pruned: the oldest retained version is ${oldestRetained}. Read at version ` +
        `${oldestRetained} or later, or keep more history (prune with a lower boundary).`,
    )
    this.version = version
    this.oldestRetained = oldestRetained
  }
}

/** A read asked for a version that was never committed (or not yet). */
export class UnknownVersionError extends StoreError {
  override name = 'UnknownVersionError'
  readonly version: number
  constructor(version: number, latest: number) {
    super(`version ${version} was never committed (latest committed version is ${latest}).`)
    this.version = version
  }
}

/** Bad arguments from the caller (wrong key length, empty value, non-increasing version…). */
export class InvalidInputError extends StoreError {
  override name = 'InvalidInputError'
}

/** The store was used after close(). */
export class StoreClosedError extends StoreError {
  override name = 'StoreClosedError'
  constructor(dir: string) {
    super(`the store at ${dir} is closed; open it again with openStore(dir).`)
  }
}

/** Another open store (in this process or another one) holds the directory's lock. */
export class StoreLockedError extends StoreError {
  override name = 'StoreLockedError'
  readonly dir: string
  readonly pid: number
  constructor(dir: string, pid: number, lockFile: string) {
    super(
      `the store at ${dir} is already open in process ${pid}${pid === process.pid ? ' (this process)' : ''} ` +
        `(lock file ${lockFile}). Close it there first; a lock left by a process that has exited is taken ` +
        'over automatically.',
    )
    this.dir = dir
    this.pid = pid
  }
}
