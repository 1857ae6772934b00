import assert from 'node:assert/strict'
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { keccak256, toHex } from '@spnkit/crypto'
import { CHECKPOINT_FILE } from './checkpoint.ts'
import { type Op, openStore, type Store, verifyProof } from './index.ts'
import { Sfc32 } from './testing/prng.ts'
import { tempDirs } from './testing/temp-dirs.ts'

const tmp = tempDirs('spnkit-store-ckpt-')

const keyOf = (i: number) => keccak256(new Uint8Array([i & 255, i >> 8, 0x6b]))
const OPTS = { segmentBytes: 32 << 10 }

function block(rng: Sfc32, size: number): Op[] {
  return Array.from({ length: size }, () => {
    const key = keyOf(rng.below(400))
    return rng.below(5) === 0 ? { key, value: null } : { key, value: rng.fill(new Uint8Array(1 + rng.below(90))) }
  })
}

/** Everything observable about a store: roots of all retained versions, values and proofs. */
function snapshotOf(store: Store): string[] {
  const out: string[] = [`latest ${store.latestVersion} oldest ${store.oldestVersion}`]
  for (let v = store.oldestVersion; v <= store.latestVersion; v++) {
    let root: Uint8Array
    try {
      root = store.root(v)
    } catch {
      continue
    }
    out.push(`root ${v} ${toHex(root)}`)
    if (v % 4 !== 0 && v !== store.latestVersion) continue
    for (let i = 0; i < 400; i += 9) {
      const value = store.get(keyOf(i), v)
      assert.ok(verifyProof(root, keyOf(i), value ?? null, store.proof(keyOf(i), v)))
      out.push(`${v} ${i} ${value ? toHex(value) : '-'}`)
    }
  }
  return out
}

/** A store across many segments with a prune (and log GC) in its history; closed. */
async function history(dir: string, blocks = 40): Promise<void> {
  const rng = new Sfc32(77)
  const store = openStore(dir, OPTS)
  for (let v = 1; v <= blocks; v++) {
    await store.apply(v, block(rng, 40 + rng.below(60)))
    if (v === 25) await store.prune(18)
  }
  await store.close()
}

describe('open-time checkpoint', () => {
  it('open after close starts from the checkpoint and sees exactly what a full scan sees', async () => {
    const dir = tmp()
    await history(dir)
    const fast = openStore(dir, OPTS)
    assert.equal(fast.stats().openedFromCheckpoint, true)
    const a = snapshotOf(fast)
    await fast.close()
    const full = openStore(dir, { ...OPTS, verifyOnOpen: true })
    assert.equal(full.stats().openedFromCheckpoint, false)
    assert.deepEqual(snapshotOf(full), a)
    await full.close()
  })

  it('blocks written after the checkpoint are scanned (state as after a crash)', async () => {
    const dir = tmp()
    await history(dir, 20)
    const store = openStore(dir, OPTS)
    const rng = new Sfc32(5)
    for (let v = 21; v <= 30; v++) await store.apply(v, block(rng, 80))
    // A copy of the files as they are now: the checkpoint still covers version 20 only.
    const copy = tmp()
    cpSync(dir, copy, { recursive: true })
    rmSync(path.join(copy, 'LOCK'))
    const expected = snapshotOf(store)
    await store.close()
    const reopened = openStore(copy, OPTS)
    assert.equal(reopened.stats().openedFromCheckpoint, true)
    assert.equal(reopened.latestVersion, 30)
    assert.deepEqual(snapshotOf(reopened), expected)
    await reopened.close()
  })

  it('a damaged, truncated or stale checkpoint is ignored and the log is scanned instead', async () => {
    const dir = tmp()
    await history(dir, 12)
    const file = path.join(dir, CHECKPOINT_FILE)
    const good = readFileSync(file)
    const first = openStore(dir, OPTS)
    const expected = snapshotOf(first)
    await first.close()
    for (const bad of [flip(good, 40), flip(good, good.length - 1), good.subarray(0, good.length >> 1)]) {
      writeFileSync(file, bad)
      const s = openStore(dir, OPTS)
      assert.equal(s.stats().openedFromCheckpoint, false)
      assert.deepEqual(snapshotOf(s), expected)
      await s.close()
    }
    // A checkpoint from before later blocks and a prune that deleted segments no longer matches.
    writeFileSync(file, good)
    const s = openStore(dir, OPTS)
    const rng = new Sfc32(9)
    for (let v = 13; v <= 40; v++) await s.apply(v, block(rng, 90))
    await s.prune(35)
    await s.close()
    const later = openStore(dir, { ...OPTS, verifyOnOpen: true })
    const expectedLater = snapshotOf(later)
    await later.close()
    writeFileSync(file, good)
    const stale = openStore(dir, OPTS)
    assert.equal(stale.stats().openedFromCheckpoint, false)
    assert.deepEqual(snapshotOf(stale), expectedLater)
    await stale.close()
  })
})

function flip(b: Uint8Array, at: number): Uint8Array {
  const c = b.slice()
  c[at] = (c[at] as number) ^ 0x20
  return c
}
