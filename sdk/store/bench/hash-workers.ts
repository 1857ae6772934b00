// Does worker-thread hashing pay on this machine? Measures one block's worth of tree hashing
// (independent 64-byte keccak inputs, as in one level of the per-page rehash) on the main thread
// against the same work split over W worker threads through a SharedArrayBuffer (inputs copied in,
// digests copied out: the store's node buffers are ordinary memory, so that copy is part of the
// cost). Usage: npx node bench/hash-workers.ts [--hashes 90000] [--workers 2] [--rounds 15]
import { Worker } from 'node:worker_threads'
import { keccak256 } from '@spnkit/crypto'
import { median, Sfc32 } from './workload.ts'

const args = process.argv.slice(2)
const flag = (name: string, def: number) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : def
}
const hashes = flag('--hashes', 90_000)
const workers = flag('--workers', 2)
const rounds = flag('--rounds', 15)

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads')
const { createKeccak } = require(workerData.hashWasm)
;(async () => {
  const h = await createKeccak(256)
  const input = new Uint8Array(workerData.input)
  const output = new Uint8Array(workerData.output)
  parentPort.on('message', ({ from, to }) => {
    for (let i = from; i < to; i++) {
      h.init()
      h.update(input.subarray(i * 64, i * 64 + 64))
      output.set(h.digest('binary'), i * 32)
    }
    parentPort.postMessage('done')
  })
  parentPort.postMessage('ready')
})()
`

const rng = new Sfc32(1)
const src = rng.fill(new Uint8Array(hashes * 64))
const inputSab = new SharedArrayBuffer(hashes * 64)
const outputSab = new SharedArrayBuffer(hashes * 32)
const { createRequire } = await import('node:module')
const hashWasm = createRequire(import.meta.url).resolve('hash-wasm')
const pool = await Promise.all(
  Array.from({ length: workers }, async () => {
    const w = new Worker(workerSource, { eval: true, workerData: { input: inputSab, output: outputSab, hashWasm } })
    await new Promise((r) => w.once('message', r))
    return w
  }),
)

function single(): number {
  const t = performance.now()
  const out = new Uint8Array(hashes * 32)
  for (let i = 0; i < hashes; i++) out.set(keccak256(src.subarray(i * 64, i * 64 + 64)), i * 32)
  return performance.now() - t
}

async function parallel(): Promise<number> {
  const t = performance.now()
  new Uint8Array(inputSab).set(src)
  const per = Math.ceil(hashes / workers)
  await Promise.all(
    pool.map(
      (w, k) =>
        new Promise((resolve) => {
          w.once('message', resolve)
          w.postMessage({ from: k * per, to: Math.min(hashes, (k + 1) * per) })
        }),
    ),
  )
  const out = new Uint8Array(hashes * 32)
  out.set(new Uint8Array(outputSab))
  return performance.now() - t
}

const a: number[] = []
const b: number[] = []
for (let r = 0; r < rounds; r++) {
  a.push(single())
  b.push(await parallel())
}
// Same digests both ways.
const check = keccak256(src.subarray(64 * 7, 64 * 8))
if (!new Uint8Array(outputSab).subarray(32 * 7, 32 * 8).every((x, i) => x === check[i]))
  throw new Error('worker digests differ')
for (const w of pool) await w.terminate()
const ms1 = median(a)
const msW = median(b)
console.log(
  `hashes per block: ${hashes}, rounds: ${rounds}, load average: ${(await import('node:os')).loadavg()[0]?.toFixed(1)}`,
)
console.log(`main thread:        ${ms1.toFixed(1)} ms (median)`)
console.log(`${workers} worker threads:   ${msW.toFixed(1)} ms (median, incl. copies and messaging)`)
console.log(
  JSON.stringify({
    bench: 'hash-workers',
    hashes,
    workers,
    main_ms: Math.round(ms1 * 10) / 10,
    workers_ms: Math.round(msW * 10) / 10,
    speedup: Math.round((ms1 / msW) * 100) / 100,
  }),
)
