// SIGKILL crash testing: a child applies deterministic blocks, the parent kills it at a random
// moment, reopens the store and checks it recovered exactly a committed version with the right root
// and contents. Shared by the quick test (dozens of kills) and the soak script (thousands).
import { spawn } from 'node:child_process'
import path from 'node:path'
import { equalBytes, keccak256, toHex } from '@spnkit/crypto'
import type { Op } from '../store.ts'
import { openStore } from '../store.ts'
import { Sfc32 } from './prng.ts'
import { referenceRoot } from './reference.ts'

export const keyOf = (i: number) => keccak256(new Uint8Array([i & 255, (i >> 8) & 255, 0xc7]))

/** The block for version v: a function of (seed, v) only, so the parent can replay it. */
export function blockFor(seed: number, v: number, keySpace: number): Op[] {
  const rng = new Sfc32((seed * 7919 + v) >>> 0)
  const n = 50 + rng.below(400)
  const ops: Op[] = []
  for (let i = 0; i < n; i++) {
    const key = keyOf(rng.below(keySpace))
    ops.push(rng.below(5) === 0 ? { key, value: null } : { key, value: rng.fill(new Uint8Array(1 + rng.below(120))) })
  }
  return ops
}

type Model = Map<string, { key: Uint8Array; value: Uint8Array }>

// The last model built, so a long soak (thousands of rounds on one directory, versions only growing)
// extends it by the new blocks instead of replaying every block from version 1 each round.
let lastModel: { seed: number; keySpace: number; version: number; map: Model } | undefined

/** Replays versions 1..v into a plain map (a fresh map the caller may keep). */
export function modelAt(seed: number, v: number, keySpace: number): Model {
  const reuse = lastModel && lastModel.seed === seed && lastModel.keySpace === keySpace && lastModel.version <= v
  const map: Model = reuse ? new Map(lastModel!.map) : new Map()
  for (let u = reuse ? lastModel!.version + 1 : 1; u <= v; u++)
    for (const op of blockFor(seed, u, keySpace)) {
      if (op.value) map.set(toHex(op.key), { key: op.key, value: op.value })
      else map.delete(toHex(op.key))
    }
  lastModel = { seed, keySpace, version: v, map: new Map(map) }
  return map
}

export type CrashRound = { killedAfterMs: number; reported: number; recovered: number; truncatedBytes: number }

/** One round: start the child on `dir`, kill it `delayMs` after it opened the store and committed
 *  `afterBlocks` blocks (or, with duringOpen, `delayMs` after spawning, which can land inside
 *  recovery), reopen, check. Throws on any mismatch. */
export async function crashRound(
  dir: string,
  seed: number,
  keySpace: number,
  delayMs: number,
  roots: Map<number, string>,
  duringOpen = false,
  afterBlocks = 0,
): Promise<CrashRound> {
  const child = spawn(
    process.execPath,
    [path.join(import.meta.dirname, 'crash-child.ts'), dir, String(seed), String(keySpace)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  let err = ''
  // "Ready" = the store is open and `afterBlocks` blocks were committed since (so kills land at
  // varied points of block application however fast or slow this machine is right now).
  let onReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    onReady = resolve
  })
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString()
    const at = out.indexOf('ready')
    if (at >= 0 && out.slice(at).split('\n').length - 2 >= afterBlocks) onReady()
  })
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  if (!duringOpen) await Promise.race([ready, exited])
  await new Promise((r) => setTimeout(r, delayMs))
  child.kill('SIGKILL')
  const code = await exited
  if (code !== null && code !== 0) throw new Error(`crash child failed on its own (exit ${code}): ${err}`)
  let reported = 0
  for (const line of out.split('\n')) {
    const m = /^(\d+) (0x[0-9a-f]{64})$/.exec(line)
    if (!m) continue
    reported = Number(m[1])
    const prev = roots.get(reported)
    if (prev && prev !== m[2]) throw new Error(`version ${reported} committed twice with different roots`)
    roots.set(reported, m[2] as string)
  }
  const store = openStore(dir, { segmentBytes: 256 << 10 })
  try {
    const recovered = store.latestVersion
    const lastKnown = Math.max(0, ...[...roots.keys()].filter((v) => v <= recovered))
    // A block is durable once apply() resolves, so recovery is at least the last reported version;
    // at most one more block can have been made durable without being reported.
    if (recovered < reported || recovered > Math.max(reported, lastKnown) + 1)
      throw new Error(`recovered version ${recovered}, but the child reported ${reported}`)
    const model = modelAt(seed, recovered, keySpace)
    const root = toHex(store.root())
    const expectedRoot = toHex(referenceRoot(model))
    if (root !== expectedRoot)
      throw new Error(`recovered root ${root} at version ${recovered} != reference ${expectedRoot}`)
    const known = roots.get(recovered)
    if (known && known !== root)
      throw new Error(`recovered root differs from the root the child reported for ${recovered}`)
    roots.set(recovered, root)
    for (let i = 0; i < keySpace; i += 3) {
      const got = store.get(keyOf(i))
      const want = model.get(toHex(keyOf(i)))?.value
      if ((got === undefined) !== (want === undefined) || (got && want && !equalBytes(got, want)))
        throw new Error(`key ${i} wrong after recovery at version ${recovered}`)
    }
    return { killedAfterMs: delayMs, reported, recovered, truncatedBytes: store.stats().truncatedBytes }
  } finally {
    await store.close()
  }
}
