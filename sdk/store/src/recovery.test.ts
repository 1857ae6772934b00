import assert from 'node:assert/strict'
import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { keccak256, toHex } from '@spnkit/crypto'
import { CorruptFileError, openStore } from './index.ts'
import { tempDirs } from './testing/temp-dirs.ts'

const tmp = tempDirs('spnkit-store-recovery-')

const keyOf = (i: number) => keccak256(new Uint8Array([i, 0x33]))

/** A store with 3 blocks; returns its dir, the segment path and each block's end offset. */
async function threeBlocks(): Promise<{ dir: string; seg: string; ends: number[]; roots: string[] }> {
  const dir = tmp()
  const store = openStore(dir)
  const ends: number[] = []
  const roots: string[] = []
  const seg = path.join(dir, 'seg-000001.log')
  for (let v = 1; v <= 3; v++) {
    const ops = Array.from({ length: 30 }, (_, i) => ({ key: keyOf(i + v * 7), value: new Uint8Array([v, i]) }))
    roots.push(toHex(await store.apply(v, ops)))
    ends.push(statSync(seg).size)
  }
  await store.close()
  return { dir, seg, ends, roots }
}

describe('recovery from torn tails', () => {
  it('truncates a block cut off at any point back to the previous version', async () => {
    const { dir, seg, ends, roots } = await threeBlocks()
    const full = readFileSync(seg)
    const start = ends[1] as number
    for (const cut of [
      start + 1,
      start + 5,
      start + 30,
      Math.floor((start + (ends[2] as number)) / 2),
      (ends[2] as number) - 1,
    ]) {
      writeFileSync(seg, full.subarray(0, cut))
      const s = openStore(dir)
      assert.equal(s.latestVersion, 2, `cut at ${cut}`)
      assert.equal(toHex(s.root()), roots[1])
      assert.equal(s.stats().truncatedBytes, cut - start)
      assert.equal(statSync(seg).size, start, 'file truncated to the last commit')
      await s.close()
    }
  })

  it('drops a zero-filled tail (size extended, data never written)', async () => {
    const { dir, seg, ends, roots } = await threeBlocks()
    appendFileSync(seg, new Uint8Array(5000))
    const s = openStore(dir)
    assert.equal(s.latestVersion, 3)
    assert.equal(toHex(s.root()), roots[2])
    assert.equal(statSync(seg).size, ends[2])
    await s.close()
  })

  it('treats a last block with a bad checksum as torn, and keeps working afterwards', async () => {
    const { dir, seg, ends, roots } = await threeBlocks()
    const buf = readFileSync(seg)
    const at = (ends[1] as number) + 40
    buf[at] = (buf[at] as number) ^ 0xff
    writeFileSync(seg, buf)
    const s = openStore(dir)
    assert.equal(s.latestVersion, 2)
    assert.equal(toHex(s.root()), roots[1])
    await s.apply(3, [{ key: keyOf(1), value: new Uint8Array([9]) }])
    await s.close()
    assert.equal(openStore(dir).latestVersion, 3)
  })
})

describe('corrupt and foreign files', () => {
  it('a damaged committed block (not the last) names the file and offset', async () => {
    const { dir, seg, ends } = await threeBlocks()
    const buf = readFileSync(seg)
    const at = (ends[0] as number) + 60
    buf[at] = (buf[at] as number) ^ 0x01
    writeFileSync(seg, buf)
    // Blocks covered by the open-time checkpoint are not re-read at open (only the last one is
    // checked): verifyOnOpen scans and checksums every block.
    assert.throws(
      () => openStore(dir, { verifyOnOpen: true }),
      (e: unknown) =>
        e instanceof CorruptFileError &&
        e.file === seg &&
        e.offset === ends[0] &&
        /failed its checksum/.test(e.message) &&
        /restore/.test(e.message),
    )
  })

  it('a foreign file named like a segment is refused at offset 0', () => {
    const dir = tmp()
    writeFileSync(path.join(dir, 'seg-000001.log'), 'PK\u0003\u0004 definitely a zip file, not a store segment')
    assert.throws(
      () => openStore(dir),
      (e: unknown) => e instanceof CorruptFileError && e.offset === 0 && /not a spnkit store segment/.test(e.message),
    )
  })

  it('garbage after the last block that is not a torn write is an error, not a silent truncation', async () => {
    const { dir, seg, ends } = await threeBlocks()
    appendFileSync(seg, new TextEncoder().encode('some other program appended this'))
    assert.throws(
      () => openStore(dir),
      (e: unknown) => e instanceof CorruptFileError && e.offset === ends[2],
    )
  })

  it('a damaged segment header is refused', async () => {
    const { dir, seg } = await threeBlocks()
    const buf = readFileSync(seg)
    buf[13] = (buf[13] as number) ^ 0x01
    writeFileSync(seg, buf)
    assert.throws(
      () => openStore(dir),
      (e: unknown) => e instanceof CorruptFileError && e.file === seg && /header/.test(e.message),
    )
  })

  it('a truncated segment that is not the last is refused at open', async () => {
    const dir = tmp()
    const s = openStore(dir, { segmentBytes: 2048 })
    for (let v = 1; v <= 12; v++) await s.apply(v, [{ key: keyOf(v), value: new Uint8Array(600).fill(v) }])
    await s.close()
    const segs = readdirSync(dir).sort()
    assert.ok(segs.length > 3)
    truncateSync(path.join(dir, segs[1] as string), 100)
    assert.throws(
      () => openStore(dir, { segmentBytes: 2048 }),
      (e: unknown) =>
        e instanceof CorruptFileError &&
        e.file === path.join(dir, segs[1] as string) &&
        /not the last one/.test(e.message),
    )
  })
})
