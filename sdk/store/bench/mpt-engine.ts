// Baseline child process: @ethereumjs/mpt (key hashing on) over classic-level (LevelDB), in the
// stock form (hex-string values) or tuned form (binary keys and values), committing once per block
// with a synced LevelDB batch. Usage (spawned by bench.ts):
//   mpt-engine.ts <write|read> <dir> <stock|tuned> <keys> <block> <blocks> <reads> <cacheMB>
// Prints one JSON line with the phase's measurements.
import { createMerkleProof, createMPT, type MerklePatriciaTrie, verifyMerkleProof } from '@ethereumjs/mpt'
import { type BatchDBOp, type DB, type EncodingOpts, ValueEncoding } from '@ethereumjs/util'
import { equalBytes, fromHex, toHex } from '@spnkit/crypto'
import { ClassicLevel } from 'classic-level'
import { finalValues, keyOf, loadBlocks, median, percentile, procIo, readIndices, updateBlocks } from './workload.ts'

/** The LevelDB adapter of @ethereumjs/client (examples/customLevelDB.ts), counting calls, with
 *  synced batches and an optional binary-key mode (hex node keys turned back into 32 raw bytes). */
class CountingLevelDB implements DB<string, string | Uint8Array> {
  gets = 0
  batchBytes = 0
  readonly db: ClassicLevel<string | Uint8Array, string | Uint8Array>
  private readonly binaryKeys: boolean
  constructor(db: ClassicLevel<string | Uint8Array, string | Uint8Array>, binaryKeys: boolean) {
    this.db = db
    this.binaryKeys = binaryKeys
  }
  private key(k: string): string | Uint8Array {
    if (!this.binaryKeys || k.length !== 64) return k
    return fromHex(`0x${k}`)
  }
  private enc(opts?: EncodingOpts): { keyEncoding: 'utf8' | 'view'; valueEncoding: 'utf8' | 'view' } {
    return {
      keyEncoding: this.binaryKeys ? 'view' : 'utf8',
      valueEncoding: opts?.valueEncoding === ValueEncoding.Bytes ? 'view' : 'utf8',
    }
  }
  async get(key: string, opts?: EncodingOpts): Promise<string | Uint8Array | undefined> {
    this.gets++
    const e = this.enc(opts)
    const k = this.key(key)
    const v = await this.db.get(k, {
      keyEncoding: typeof k === 'string' ? 'utf8' : 'view',
      valueEncoding: e.valueEncoding,
    })
    return v ?? undefined
  }
  async put(key: string, val: string | Uint8Array, opts?: EncodingOpts): Promise<void> {
    const k = this.key(key)
    await this.db.put(k, val, {
      keyEncoding: typeof k === 'string' ? 'utf8' : 'view',
      valueEncoding: this.enc(opts).valueEncoding,
    })
  }
  async del(key: string): Promise<void> {
    const k = this.key(key)
    await this.db.del(k, { keyEncoding: typeof k === 'string' ? 'utf8' : 'view' })
  }
  async batch(ops: BatchDBOp<string, string | Uint8Array>[]): Promise<void> {
    const chain = this.db.batch()
    for (const op of ops) {
      const k = this.key(op.key)
      const keyEncoding = typeof k === 'string' ? 'utf8' : 'view'
      if (op.type === 'put') {
        const valueEncoding = op.opts?.valueEncoding === ValueEncoding.Bytes ? 'view' : 'utf8'
        this.batchBytes += k.length + op.value.length
        chain.put(k, op.value, { keyEncoding, valueEncoding })
      } else chain.del(k, { keyEncoding })
    }
    await chain.write({ sync: true })
  }
  shallowCopy(): DB<string, string | Uint8Array> {
    return new CountingLevelDB(this.db, this.binaryKeys)
  }
  async open(): Promise<void> {
    await this.db.open()
  }
}

const [phase, dir, mode, keysArg, blockArg, blocksArg, readsArg, cacheArg] = process.argv.slice(2)
const keys = Number(keysArg)
const block = Number(blockArg)
const blocks = Number(blocksArg)
const reads = Number(readsArg)
const cacheBytes = Number(cacheArg) * 1024 * 1024
const tuned = mode === 'tuned'
if (!dir || (phase !== 'write' && phase !== 'read') || (mode !== 'stock' && mode !== 'tuned'))
  throw new Error(`usage: mpt-engine.ts <write|read> <dir> <stock|tuned> <keys> <block> <blocks> <reads> <cacheMB>`)

const level = new ClassicLevel<string | Uint8Array, string | Uint8Array>(dir, { cacheSize: cacheBytes })
await level.open()
const adapter = new CountingLevelDB(level, tuned)
const opts = {
  db: adapter,
  useKeyHashing: true,
  useRootPersistence: true,
  useNodePruning: false,
  cacheSize: 0,
  ...(tuned ? { valueEncoding: ValueEncoding.Bytes } : {}),
}
const trie: MerklePatriciaTrie = await createMPT(opts)

async function commitBlock(ops: { key: Uint8Array; value: Uint8Array }[]): Promise<void> {
  trie.checkpoint()
  for (const op of ops) await trie.put(op.key, op.value)
  trie.root()
  await trie.commit()
}

if (phase === 'write') {
  const io0 = procIo()
  const t0 = performance.now()
  for (const ops of loadBlocks(keys, block)) await commitBlock(ops)
  const loadMs = performance.now() - t0
  const io1 = procIo()
  const gets0 = adapter.gets
  const batch0 = adapter.batchBytes
  const blockMs: number[] = []
  const t1 = performance.now()
  for (const ops of updateBlocks(keys, block, blocks)) {
    const s = performance.now()
    await commitBlock(ops)
    blockMs.push(performance.now() - s)
  }
  const updateMs = performance.now() - t1
  const root = toHex(trie.root())
  await level.close()
  const io2 = procIo()
  const updates = block * blocks
  console.log(
    JSON.stringify({
      engine: `mpt-${mode}`,
      phase,
      root,
      loadKeys: keys,
      loadMs,
      loadWriteBytes: io1.writeBytes - io0.writeBytes,
      updateMs,
      updatesPerS: updates / (updateMs / 1000),
      medianBlockMs: median(blockMs),
      writeBytesPerUpdate: (io2.writeBytes - io1.writeBytes) / updates,
      passedBytesPerUpdate: (adapter.batchBytes - batch0) / updates,
      dbGetsPerUpdate: (adapter.gets - gets0) / updates,
    }),
  )
} else {
  const idx = readIndices(keys, reads)
  const expected = finalValues(keys, block, blocks, idx)
  const root = trie.root()
  const io0 = procIo()
  const gets0 = adapter.gets
  const perGet: number[] = []
  const proofBytes: number[] = []
  let mismatches = 0
  const t0 = performance.now()
  for (let i = 0; i < idx.length; i++) {
    const g0 = adapter.gets
    const k = keyOf(idx[i] as number)
    const v = await trie.get(k)
    perGet.push(adapter.gets - g0)
    const proof = await createMerkleProof(trie, k)
    let size = 0
    for (const node of proof) size += node.length
    proofBytes.push(size)
    if (!v || !equalBytes(v, expected.get(idx[i] as number) as Uint8Array)) mismatches++
  }
  const readMs = performance.now() - t0
  // Verify a sample of proofs (verification is CPU only; not part of the timed loop).
  let verified = 0
  for (let i = 0; i < Math.min(100, idx.length); i++) {
    const k = keyOf(idx[i] as number)
    const proof = await createMerkleProof(trie, k)
    const v = await verifyMerkleProof(k, proof, { useKeyHashing: true })
    if (v && equalBytes(v, expected.get(idx[i] as number) as Uint8Array)) verified++
  }
  const io1 = procIo()
  await level.close()
  console.log(
    JSON.stringify({
      engine: `mpt-${mode}`,
      phase,
      root: toHex(root),
      reads: idx.length,
      readMs,
      msPerRead: readMs / idx.length,
      readsPerGet: (adapter.gets - gets0) / idx.length,
      dbGetsPerGet: perGet.reduce((a, b) => a + b, 0) / perGet.length,
      dbGetsPerGetP99: percentile(perGet, 99),
      deviceReadBytes: io1.readBytes - io0.readBytes,
      proofBytes: median(proofBytes),
      mismatches,
      verified,
    }),
  )
}
