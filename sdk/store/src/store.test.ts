import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { equalBytes, keccak256, toHex } from '@spnkit/crypto'
import { InvalidInputError, type Op, openStore, UnknownVersionError, VersionPrunedError, verifyProof } from './index.ts'
import { Sfc32 } from './testing/prng.ts'
import { ReferenceModel } from './testing/reference.ts'
import { tempDirs } from './testing/temp-dirs.ts'

const tmp = tempDirs('spnkit-store-test-')

const keyOf = (i: number) => keccak256(new Uint8Array([i & 255, (i >> 8) & 255, (i >> 16) & 255, 0x5a]))

/** Random blocks over a small key space so that inserts, overwrites, deletes and collapses all happen. */
function randomBlock(rng: Sfc32, keySpace: number, size: number): Op[] {
  const ops: Op[] = []
  for (let i = 0; i < size; i++) {
    const key = keyOf(rng.below(keySpace))
    if (rng.below(4) === 0) ops.push({ key, value: null })
    else ops.push({ key, value: rng.fill(new Uint8Array(1 + rng.below(100))) })
  }
  return ops
}

function assertSameValue(actual: Uint8Array | undefined, expected: Uint8Array | undefined, what: string): void {
  if (expected === undefined) assert.equal(actual, undefined, `${what}: expected absent`)
  else {
    assert.ok(actual, `${what}: expected present`)
    assert.ok(equalBytes(actual, expected), `${what}: value differs`)
  }
}

describe('store against an in-memory model and the reference root', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: roots, reads, proofs and history match across reopen`, async () => {
      const dir = tmp()
      const rng = new Sfc32(seed)
      const model = new ReferenceModel()
      let store = openStore(dir, { segmentBytes: 64 << 10 })
      const keySpace = 300 + seed * 200
      for (let v = 1; v <= 40; v++) {
        const ops = randomBlock(rng, keySpace, 1 + rng.below(120))
        const root = await store.apply(v, ops)
        model.apply(v, ops)
        assert.equal(toHex(root), toHex(model.root()), `root at version ${v}`)
        if (v % 13 === 0) {
          await store.close()
          store = openStore(dir, { segmentBytes: 64 << 10 })
          assert.equal(toHex(store.root()), toHex(root), 'root after reopen')
        }
      }
      for (let i = 0; i < keySpace; i++) {
        const key = keyOf(i)
        assertSameValue(store.get(key), model.get(key), `key ${i}`)
        const proof = store.proof(key)
        assert.ok(verifyProof(store.root(), key, model.get(key) ?? null, proof), `proof for key ${i}`)
      }
      for (let v = 0; v <= 40; v += 3) {
        assert.equal(toHex(store.root(v)), toHex(model.root(v)), `historical root ${v}`)
        for (let i = 0; i < keySpace; i += 11) {
          assertSameValue(store.get(keyOf(i), v), model.get(keyOf(i), v), `key ${i} at version ${v}`)
          assert.ok(verifyProof(store.root(v), keyOf(i), model.get(keyOf(i), v) ?? null, store.proof(keyOf(i), v)))
        }
      }
      await store.close()
    })
  }

  it('small page budget (constant eviction) gives the same results', async () => {
    const dir = tmp()
    const rng = new Sfc32(9)
    const model = new ReferenceModel()
    const store = openStore(dir, { cacheBytes: 64 << 10 })
    for (let v = 1; v <= 15; v++) {
      const ops = randomBlock(rng, 3000, 400)
      model.apply(v, ops)
      assert.equal(toHex(await store.apply(v, ops)), toHex(model.root()))
    }
    for (let i = 0; i < 3000; i += 7) assertSameValue(store.get(keyOf(i)), model.get(keyOf(i)), `key ${i}`)
    for (let i = 0; i < 3000; i += 29) assertSameValue(store.get(keyOf(i), 5), model.get(keyOf(i), 5), `key ${i} at 5`)
    await store.close()
  })
})

describe('proofs', () => {
  it('verify for present and absent keys and fail under every single-byte tampering', async () => {
    const store = openStore(tmp())
    const rng = new Sfc32(5)
    const ops: Op[] = []
    for (let i = 0; i < 2000; i++) ops.push({ key: keyOf(i), value: rng.fill(new Uint8Array(40)) })
    const root = await store.apply(1, ops)
    const kinds = new Set<number>()
    for (const i of [0, 17, 1999, 5000, 5001, 5002, 5003, 5004, 5005, 5006]) {
      const key = keyOf(i)
      const value = store.get(key) ?? null
      const proof = store.proof(key)
      kinds.add(proof[0] as number)
      assert.ok(verifyProof(root, key, value, proof))
      assert.ok(proof.length <= 1024)
      // The opposite claim, a wrong value, another root: all rejected.
      assert.equal(verifyProof(root, key, value ? null : new Uint8Array([1]), proof), false)
      if (value) assert.equal(verifyProof(root, key, new Uint8Array([...value, 0]), proof), false)
      const otherRoot = root.slice()
      otherRoot[0] = (otherRoot[0] as number) ^ 1
      assert.equal(verifyProof(otherRoot, key, value, proof), false)
      for (let b = 0; b < proof.length; b++)
        for (const flip of [0x01, 0x80, 0xff]) {
          const t = proof.slice()
          t[b] = (t[b] as number) ^ flip
          assert.equal(verifyProof(root, key, value, t), false, `byte ${b} ^ ${flip} accepted`)
        }
      assert.equal(verifyProof(root, key, value, proof.subarray(0, proof.length - 1)), false)
      assert.equal(verifyProof(root, key, value, new Uint8Array([...proof, 0])), false)
    }
    assert.deepEqual([...kinds].sort(), [0, 1, 2], 'inclusion and both kinds of non-inclusion were exercised')
    await store.close()
  })

  it('empty store: every key is provably absent under the zero root', () => {
    const store = openStore(tmp())
    const root = store.root()
    assert.ok(root.every((b) => b === 0))
    assert.ok(verifyProof(root, keyOf(1), null, store.proof(keyOf(1))))
    assert.equal(verifyProof(root, keyOf(1), new Uint8Array([1]), store.proof(keyOf(1))), false)
    return store.close()
  })
})

describe('history and pruning', () => {
  it('reads old versions after updates, and after pruning says which versions are gone', async () => {
    const dir = tmp()
    const store = openStore(dir, { segmentBytes: 32 << 10 })
    const model = new ReferenceModel()
    const rng = new Sfc32(11)
    for (let v = 1; v <= 60; v++) {
      const ops = randomBlock(rng, 400, 60)
      await store.apply(v, ops)
      model.apply(v, ops)
    }
    const rootsBefore = Array.from({ length: 61 }, (_, v) => (v >= 40 ? toHex(store.root(v)) : ''))
    const diskBefore = store.stats().diskBytes
    const result = await store.prune(40)
    assert.equal(result.boundary, 40)
    assert.ok(
      result.rewrittenSegments > 0 && result.movedValues > 0,
      'GC rewrote mostly-garbage segments and moved live values',
    )
    assert.ok(store.stats().diskBytes < diskBefore, 'disk use went down')
    assert.throws(() => store.get(keyOf(1), 39), VersionPrunedError)
    assert.throws(() => store.proof(keyOf(1), 10), /version 10 was pruned: the oldest retained version is 40/)
    assert.throws(() => store.get(keyOf(1), 61), UnknownVersionError)
    const check = (s: typeof store) => {
      for (let v = 40; v <= 60; v++) {
        assert.equal(toHex(s.root(v)), rootsBefore[v], `root ${v} unchanged by pruning/GC`)
        for (let i = 0; i < 400; i += 9) assertSameValue(s.get(keyOf(i), v), model.get(keyOf(i), v), `key ${i} at ${v}`)
      }
    }
    check(store)
    // Keep writing after GC, then reopen: moves and the boundary are durable.
    for (let v = 61; v <= 70; v++) {
      const ops = randomBlock(rng, 400, 60)
      model.apply(v, ops)
      assert.equal(toHex(await store.apply(v, ops)), toHex(model.root()))
    }
    await store.close()
    const again = openStore(dir, { segmentBytes: 32 << 10 })
    check(again)
    assert.equal(again.oldestVersion, 40)
    assert.throws(() => again.get(keyOf(1), 12), VersionPrunedError)
    const second = await again.prune(65)
    assert.equal(second.boundary, 65)
    for (let i = 0; i < 400; i += 5) assertSameValue(again.get(keyOf(i), 65), model.get(keyOf(i), 65), `key ${i} at 65`)
    await again.close()
  })

  it('a pinned snapshot holds back pruning and keeps reading its version', async () => {
    const store = openStore(tmp())
    await store.apply(1, [{ key: keyOf(1), value: new Uint8Array([1]) }])
    const snap = store.snapshot(1)
    await store.apply(2, [{ key: keyOf(1), value: new Uint8Array([2]) }])
    const r = await store.prune(2)
    assert.equal(r.boundary, 1, 'clamped to the pinned version')
    assert.deepEqual(snap.get(keyOf(1)), new Uint8Array([1]))
    snap.release()
    assert.equal((await store.prune(2)).boundary, 2)
    assert.throws(() => store.get(keyOf(1), 1), VersionPrunedError)
    await store.close()
  })

  it('readers keep seeing the committed version while a block is being written', async () => {
    const store = openStore(tmp())
    await store.apply(1, [{ key: keyOf(1), value: new Uint8Array([1]) }])
    const pending = store.apply(2, [{ key: keyOf(1), value: new Uint8Array([2]) }])
    assert.deepEqual(store.get(keyOf(1)), new Uint8Array([1]))
    assert.equal(store.latestVersion, 1)
    await pending
    assert.deepEqual(store.get(keyOf(1)), new Uint8Array([2]))
    await store.close()
  })
})

describe('input validation', () => {
  it('rejects bad keys, empty values and non-increasing versions with clear errors', async () => {
    const store = openStore(tmp())
    assert.throws(() => store.get(new Uint8Array(31)), /key must be a 32-byte Uint8Array/)
    assert.throws(() => store.apply(1, [{ key: keyOf(1), value: new Uint8Array(0) }]), InvalidInputError)
    assert.throws(() => store.apply(0, []), /version must be a positive integer/)
    await store.apply(5, [{ key: keyOf(1), value: new Uint8Array([1]) }])
    await assert.rejects(store.apply(5, []), /must be greater than the latest committed version 5/)
    assert.throws(() => store.get(keyOf(1), 3), /version 3 was never committed/)
    await store.close()
    assert.throws(() => store.get(keyOf(1)), /closed/)
  })
})
