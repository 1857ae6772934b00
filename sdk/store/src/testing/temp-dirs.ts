// Temporary store directories for a test file, removed when the file's tests are done.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after } from 'node:test'

/** Returns a function that makes a fresh directory under the OS temp dir (named `prefix…`). */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = []
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })
  return () => {
    const d = mkdtempSync(path.join(os.tmpdir(), prefix))
    dirs.push(d)
    return d
  }
}
