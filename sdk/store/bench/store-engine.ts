// Our engine's child process for bench.ts (same arguments and output as mpt-engine.ts):
//   store-engine.ts <write|read> <dir> ours <keys> <block> <blocks> <reads> <cacheMB>
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { equalBytes, toHex } from '@spnkit/crypto'
import { openStore, verifyProof } from '../src/index.ts'
import { finalValues, keyOf, loadBlocks, median, percentile, procIo, readIndices, updateBlocks } from './workload.ts'

const [phase, dir, , keysArg, blockArg, blocksArg, readsArg, cacheArg] = process.argv.slice(2)
if (!dir || (phase !== 'write' && phase !== 'read'))
  throw new Error('usage: store-engine.ts <write|read> <dir> ours <keys> <block> <blocks> <reads> <cacheMB>')
const keys = Number(keysArg)
const block = Number(blockArg)
const blocks = Number(blocksArg)
const reads = Number(readsArg)
const cacheBytes = Number(cacheArg) * 1024 * 1024
const dataDir = path.join(dir, 'store')

if (phase === 'write') {
  const io0 = procIo()
  const t0 = performance.now()
  const store = openStore(dataDir, { cacheBytes })
  let version = 0
  for (const ops of loadBlocks(keys, block)) await store.apply(++version, ops)
  const loadMs = performance.now() - t0
  const io1 = procIo()
  const loadStats = store.stats()
  const blockMs: number[] = []
  const hashMs: number[] = []
  const writeMs: number[] = []
  const t1 = performance.now()
  for (const ops of updateBlocks(keys, block, blocks)) {
    const s = performance.now()
    await store.apply(++version, ops)
    blockMs.push(performance.now() - s)
    hashMs.push(store.lastApplyTimings.hashMs)
    writeMs.push(store.lastApplyTimings.writeMs)
  }
  const updateMs = performance.now() - t1
  const root = toHex(store.root())
  const stats = store.stats()
  await store.close()
  const io2 = procIo()
  const updates = block * blocks
  console.log(
    JSON.stringify({
      engine: 'ours',
      phase,
      root,
      loadKeys: keys,
      loadMs,
      loadWriteBytes: io1.writeBytes - io0.writeBytes,
      updateMs,
      updatesPerS: updates / (updateMs / 1000),
      medianBlockMs: median(blockMs),
      rootMsPerBlock: median(hashMs),
      fsyncMsPerBlock: median(writeMs),
      writeBytesPerUpdate: (io2.writeBytes - io1.writeBytes) / updates,
      pageRecords: stats.pageRecords,
      cachedPagesAfterLoad: loadStats.cachedPages,
      cacheBytesAfterLoad: loadStats.cacheBytes,
      updatePreads: stats.preads - loadStats.preads,
    }),
  )
} else {
  const idx = readIndices(keys, reads)
  const expected = finalValues(keys, block, blocks, idx)
  const t0 = performance.now()
  const store = openStore(dataDir, { cacheBytes })
  const openMs = performance.now() - t0
  const root = store.root()
  const io0 = procIo()
  const perGet: number[] = []
  const proofBytes: number[] = []
  let mismatches = 0
  const samples: { key: string; value: string; proof: string }[] = []
  const t1 = performance.now()
  for (let i = 0; i < idx.length; i++) {
    const k = keyOf(idx[i] as number)
    const r0 = store.preadCount
    const v = store.get(k)
    perGet.push(store.preadCount - r0)
    const proof = store.proof(k)
    proofBytes.push(proof.length)
    if (!v || !equalBytes(v, expected.get(idx[i] as number) as Uint8Array)) mismatches++
    if (i < 16 && v) samples.push({ key: toHex(k), value: toHex(v), proof: toHex(proof) })
  }
  const readMs = performance.now() - t1
  const io1 = procIo()
  let verified = 0
  for (let i = 0; i < Math.min(1000, idx.length); i++) {
    const k = keyOf(idx[i] as number)
    if (verifyProof(root, k, expected.get(idx[i] as number) as Uint8Array, store.proof(k))) verified++
  }
  await store.close()
  // Proof samples for the Solidity gas measurement (bench.ts hands them to forge).
  writeFileSync(path.join(dir, 'proof-samples.json'), JSON.stringify({ root: toHex(root), samples }))
  console.log(
    JSON.stringify({
      engine: 'ours',
      phase,
      root: toHex(root),
      openMs,
      reads: idx.length,
      readMs,
      msPerRead: readMs / idx.length,
      dbGetsPerGet: perGet.reduce((a, b) => a + b, 0) / perGet.length,
      dbGetsPerGetP99: percentile(perGet, 99),
      deviceReadBytes: io1.readBytes - io0.readBytes,
      proofBytes: median(proofBytes),
      proofBytesMax: Math.max(...proofBytes),
      mismatches,
      verified,
    }),
  )
}
