import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { openStore, StoreLockedError } from './index.ts'
import { tempDirs } from './testing/temp-dirs.ts'

const tmp = tempDirs('spnkit-store-lock-')

const KEY = new Uint8Array(32).fill(7)

/** Starts a child holding the store in `dir` open; resolves once it has opened it. */
function holder(dir: string): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'testing/lock-child.ts'), dir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()))
  let out = ''
  let err = ''
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString()
  })
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('open ')) resolve({ child, exited })
    })
    exited.then(() => reject(new Error(`lock child exited before opening the store: ${err}`)))
  })
}

function assertLockedBy(fn: () => unknown, dir: string, pid: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StoreLockedError, `expected StoreLockedError, got ${e}`)
    assert.equal(e.pid, pid)
    assert.ok(e.message.includes(dir), `message names the directory: ${e.message}`)
    assert.ok(e.message.includes(`process ${pid}`), `message names the holder's pid: ${e.message}`)
    return true
  })
}

describe('directory lock', () => {
  it('a second open in the same process fails, naming the directory and this pid; close frees it', async () => {
    const dir = tmp()
    const first = openStore(dir)
    await first.apply(1, [{ key: KEY, value: new Uint8Array([9]) }])
    assertLockedBy(() => openStore(dir), dir, process.pid)
    // Another spelling of the same directory is the same lock.
    assertLockedBy(() => openStore(path.join(dir, '.', '')), path.join(dir, '.', ''), process.pid)
    await first.close()
    const again = openStore(dir)
    assert.deepEqual(again.get(KEY), new Uint8Array([9]))
    await again.close()
    assert.equal(existsSync(path.join(dir, 'LOCK')), false, 'close removes the lock file')
  })

  it('an open in another process fails while it holds the store, and is taken over once it is killed', async () => {
    const dir = tmp()
    const { child, exited } = await holder(dir)
    const pid = child.pid as number
    assertLockedBy(() => openStore(dir), dir, pid)
    child.kill('SIGKILL')
    await exited
    const store = openStore(dir)
    assert.equal(store.latestVersion, 1)
    assert.deepEqual(store.get(KEY), new Uint8Array([1, 2, 3]))
    await store.close()
  })

  it('a holder that closes the store lets the next process in', async () => {
    const dir = tmp()
    const { child, exited } = await holder(dir)
    child.stdin?.write('close\n')
    await exited
    const store = openStore(dir)
    assert.equal(store.latestVersion, 1)
    await store.close()
  })

  it('a stale lock (exited process, or unreadable content) is taken over and leftovers are cleaned', async () => {
    const dir = tmp()
    const gone = spawn(process.execPath, ['-e', ''])
    await new Promise((r) => gone.on('close', r))
    writeFileSync(path.join(dir, 'LOCK'), `${gone.pid} 12345\n`)
    writeFileSync(path.join(dir, `LOCK.${gone.pid}.0.tmp`), 'half-done attempt')
    const a = openStore(dir)
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.startsWith('LOCK')),
      ['LOCK'],
    )
    await a.close()
    writeFileSync(path.join(dir, 'LOCK'), '')
    const b = openStore(dir)
    await b.close()
  })
})
