// Small child pages folded into their parent's records (page-record.ts FOLD_MAX_BYTES): a cold
// read of a key in a deep page costs at most 3 reads, and the copies never return stale data.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { equalBytes, toHex } from '@spnkit/crypto'
import { type Op, openStore, type Store, verifyProof } from './index.ts'
import { Sfc32 } from './testing/prng.ts'
import { ReferenceModel } from './testing/reference.ts'
import { tempDirs } from './testing/temp-dirs.ts'

const tmp = tempDirs('spnkit-store-fold-')

/** A random key whose first `nibbles` nibbles are those of `prefix`. */
function keyWithPrefix(rng: Sfc32, prefix: Uint8Array, nibbles: number): Uint8Array {
  const k = rng.fill(new Uint8Array(32))
  for (let d = 0; d < nibbles; d++) {
    const n = d & 1 ? (prefix[d >> 1] as number) & 15 : (prefix[d >> 1] as number) >> 4
    k[d >> 1] = d & 1 ? ((k[d >> 1] as number) & 0xf0) | n : ((k[d >> 1] as number) & 0x0f) | (n << 4)
  }
  return k
}

type Keys = { all: Uint8Array[]; deep: Uint8Array[]; warm: Map<string, Uint8Array> }

/**
 * Groups under a few depth-2 prefixes: each group is a depth-4 page with 8 keys of its own, a
 * depth-6 page of 5 keys and, in every other group, a depth-8 page of 2 keys inside it. `warm`
 * gives, per deep key, a key under the same depth-2 page but another depth-4 page (reading it
 * caches the pages above depth 4 without touching the deep key's depth-4 page).
 */
function craftKeys(rng: Sfc32, groups: number): Keys {
  const all: Uint8Array[] = []
  const deep: Uint8Array[] = []
  const warm = new Map<string, Uint8Array>()
  const tops = [rng.fill(new Uint8Array(32)), rng.fill(new Uint8Array(32))]
  const firstOf = new Map<string, Uint8Array>()
  for (let g = 0; g < groups; g++) {
    const top = tops[g % tops.length] as Uint8Array
    const p4 = keyWithPrefix(rng, top, 2)
    p4[1] = g // distinct depth-4 prefixes per group (nibbles 2-3)
    const own = Array.from({ length: 8 }, () => keyWithPrefix(rng, p4, 4))
    const p6 = keyWithPrefix(rng, p4, 4)
    const six = Array.from({ length: 5 }, () => keyWithPrefix(rng, p6, 6))
    const eight = g % 2 === 0 ? Array.from({ length: 2 }, () => keyWithPrefix(rng, six[0] as Uint8Array, 8)) : []
    all.push(...own, ...six, ...eight)
    const other = firstOf.get(toHex(top.subarray(0, 1)))
    for (const k of [...six, ...eight]) {
      deep.push(k)
      if (other) warm.set(toHex(k), other)
    }
    if (!other) firstOf.set(toHex(top.subarray(0, 1)), own[0] as Uint8Array)
  }
  return { all, deep, warm }
}

function value(rng: Sfc32): Uint8Array {
  return rng.fill(new Uint8Array(8 + rng.below(60)))
}

async function build(
  dir: string,
  rng: Sfc32,
  keys: Keys,
  blocks: number,
  cacheBytes?: number,
): Promise<ReferenceModel> {
  const model = new ReferenceModel()
  const store = openStore(dir, { cacheBytes })
  const load: Op[] = keys.all.map((key) => ({ key, value: value(rng) }))
  model.apply(1, load)
  await store.apply(1, load)
  for (let v = 2; v <= blocks; v++) {
    const ops: Op[] = []
    for (let n = 0; n < 12; n++) {
      const key = keys.all[rng.below(keys.all.length)] as Uint8Array
      ops.push({ key, value: rng.below(6) === 0 ? null : value(rng) })
    }
    model.apply(v, ops)
    const root = await store.apply(v, ops)
    assert.equal(toHex(root), toHex(model.root(v)), `root of version ${v}`)
  }
  await store.close()
  return model
}

/** Every key at every given version; proofs at every third version (they cost most of the time). */
function checkAll(store: Store, model: ReferenceModel, keys: Keys, versions: number[]): void {
  versions.forEach((v, n) => {
    for (const key of keys.all) {
      const got = store.get(key, v)
      const want = model.get(key, v)
      if (want === undefined) assert.equal(got, undefined, `${toHex(key)}@${v}: expected absent`)
      else assert.ok(got && equalBytes(got, want), `${toHex(key)}@${v}: value differs`)
      if (n % 3 === 0)
        assert.ok(verifyProof(model.root(v), key, want ?? null, store.proof(key, v)), `${toHex(key)}@${v}: proof`)
    }
  })
}

describe('folded small child pages', () => {
  it('a cold read of a key in a depth-6 or depth-8 page costs at most 3 reads', async () => {
    const dir = tmp()
    const rng = new Sfc32(61)
    const keys = craftKeys(rng, 24)
    // Version 1 writes every page as a base; the later blocks touch the depth-4 pages' own keys,
    // so most depth-4 pages are a base plus a delta (2 reads) when the deep keys are read.
    const model = new ReferenceModel()
    let store = openStore(dir)
    const load: Op[] = keys.all.map((key) => ({ key, value: value(rng) }))
    model.apply(1, load)
    await store.apply(1, load)
    const deepSet = new Set(keys.deep.map(toHex))
    const shallow = keys.all.filter((k) => !deepSet.has(toHex(k)))
    // Version 2 also changes one key of each depth-6 page (a 1-of-5 change would fit a delta, but
    // a small page is always written whole so that it can be folded).
    for (let v = 2; v <= 4; v++) {
      const ops: Op[] = shallow.filter(() => rng.below(4) === 0).map((key) => ({ key, value: value(rng) }))
      if (v === 2)
        for (let d = 0; d < keys.deep.length; d += 7) ops.push({ key: keys.deep[d] as Uint8Array, value: value(rng) })
      model.apply(v, ops)
      await store.apply(v, ops)
    }
    await store.close()
    let measured = 0
    for (const key of keys.deep) {
      const warm = keys.warm.get(toHex(key))
      if (!warm) continue
      store = openStore(dir)
      try {
        store.get(warm)
        const before = store.preadCount
        const got = store.get(key)
        const reads = store.preadCount - before
        assert.ok(got && equalBytes(got, model.get(key) as Uint8Array), `${toHex(key)}: value`)
        assert.ok(reads <= 3, `cold read of ${toHex(key)} took ${reads} reads`)
        measured++
      } finally {
        await store.close()
      }
    }
    assert.ok(measured >= 30, `only ${measured} deep keys measured`)
  })

  it('cold reads at every version agree with the model through updates, deletes, eviction and pruning', async () => {
    const dir = tmp()
    const rng = new Sfc32(62)
    const keys = craftKeys(rng, 10)
    const model = await build(dir, rng, keys, 30)
    const every = Array.from({ length: 30 }, (_, i) => i + 1)
    // A cache far smaller than the tree: pages (and their adopted children) come and go.
    let store = openStore(dir, { cacheBytes: 64 * 1024 })
    checkAll(store, model, keys, every)
    await store.prune(20)
    await store.close()
    store = openStore(dir, { cacheBytes: 64 * 1024 })
    try {
      checkAll(store, model, keys, every.slice(19))
    } finally {
      await store.close()
    }
  })

  it('big pages loaded from disk for every block keep exact roots (stored child node hashes)', async () => {
    const dir = tmp()
    const rng = new Sfc32(64)
    const prefix = rng.fill(new Uint8Array(32))
    // 500 keys under one depth-2 page (a big page: its records carry its child node hashes) and
    // 300 elsewhere; a 64 KiB cache, so most blocks load their pages from disk before editing.
    const all = [
      ...Array.from({ length: 500 }, () => keyWithPrefix(rng, prefix, 2)),
      ...Array.from({ length: 300 }, () => rng.fill(new Uint8Array(32))),
    ]
    const keys: Keys = { all, deep: [], warm: new Map() }
    const model = await build(dir, rng, keys, 40, 64 * 1024)
    const store = openStore(dir, { cacheBytes: 64 * 1024 })
    try {
      checkAll(store, model, keys, [1, 20, 40])
    } finally {
      await store.close()
    }
  })

  it("a base's node hash is not used for a node its delta changed (a delta of a page grown small carries none)", async () => {
    const dir = tmp()
    const rng = new Sfc32(65)
    // One depth-2 page: 5 child nodes (nibble 2 = 0..4) of 6 leaves each (nibble 3 = 0..5), just
    // over NODE_HASHES_MIN_BYTES, so its base carries node hashes.
    const key = (n2: number, n3: number) => {
      const k = rng.fill(new Uint8Array(32))
      k[0] = 0x4b
      k[1] = (n2 << 4) | n3
      return k
    }
    const all = Array.from({ length: 30 }, (_, n) => key(Math.floor(n / 6), n % 6))
    const model = new ReferenceModel()
    let store = openStore(dir)
    const run = async (v: number, ops: Op[]) => {
      model.apply(v, ops)
      assert.equal(toHex(await store.apply(v, ops)), toHex(model.root(v)), `root of version ${v}`)
    }
    await run(
      1,
      all.map((k) => ({ key: k, value: value(rng) })),
    )
    // Three deletes in node 0: now below the threshold, the delta has no node hashes.
    await run(
      2,
      [0, 1, 2].map((n) => ({ key: all[n] as Uint8Array, value: null })),
    )
    await store.close()
    // Reopened, the page is loaded from its base (hashes) and delta (none); node 0 must be rehashed.
    store = openStore(dir)
    try {
      await run(3, [{ key: all[7] as Uint8Array, value: value(rng) }])
    } finally {
      await store.close()
    }
  })

  it('a deep page too big to fold is read from its own records', async () => {
    const dir = tmp()
    const rng = new Sfc32(63)
    const p6 = rng.fill(new Uint8Array(32))
    // 40 keys sharing 6 nibbles: their depth-6 page is far above FOLD_MAX_BYTES.
    const big = Array.from({ length: 40 }, () => keyWithPrefix(rng, p6, 6))
    const keys: Keys = { all: big, deep: big, warm: new Map() }
    const model = await build(dir, rng, keys, 10)
    const store = openStore(dir, { cacheBytes: 64 * 1024 })
    try {
      checkAll(store, model, keys, [1, 5, 10])
    } finally {
      await store.close()
    }
  })
})
