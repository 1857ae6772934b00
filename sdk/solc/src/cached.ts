import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type CompileOptions, type CompileResult, compileSolidity, solcVersion } from './compile.ts'

// Tests compile the same few sources on every run; solc-js takes seconds per compile. The result is
// kept in the OS temp dir under a hash of everything that decides it (sources, options, compiler),
// written to a temporary name and renamed, so parallel test processes never read a half-written file.

export const CACHE_DIR = path.join(tmpdir(), 'spnkit-solc-cache')

/** compileSolidity, memoized on disk. Imports are not part of the key: the lockfile pins them. */
export function compileCached(sources: Record<string, string>, options: CompileOptions = {}): CompileResult {
  const key = createHash('sha256')
    .update(JSON.stringify([solcVersion(), options.optimizerRuns ?? 200, Object.entries(sources).sort()]))
    .digest('hex')
    .slice(0, 24)
  const file = path.join(CACHE_DIR, `${key}.json`)
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CompileResult
  } catch {
    // Not cached yet (or unreadable): compile.
  }
  const result = compileSolidity(sources, options)
  mkdirSync(CACHE_DIR, { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, JSON.stringify(result))
  renameSync(temporary, file)
  return result
}
