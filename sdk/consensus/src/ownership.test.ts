import assert from 'node:assert/strict'
import { test } from 'node:test'
import { defaultOwnerCount, ownersOf } from './ownership.ts'
import { Workload } from './sim/workload.ts'
import type { Hex } from './types.ts'
import { ValidatorSet } from './validator-set.ts'

const addrs = Array.from({ length: 7 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}` as Hex)

test('quorum math follows interfaces.md: floor(2T/3)+1, weak = T − quorum + 1', () => {
  const set = ValidatorSet.equal(0, addrs.slice(0, 4))
  assert.equal(set.quorum, 3n)
  assert.equal(set.weak, 2n)
  const weighted = new ValidatorSet(1, [
    { address: addrs[0]!, power: 10n },
    { address: addrs[1]!, power: 20n },
    { address: addrs[2]!, power: 30n },
  ])
  assert.equal(weighted.total, 60n)
  assert.equal(weighted.quorum, 41n)
  assert.equal(weighted.weak, 20n)
  assert.throws(() => ValidatorSet.equal(0, [addrs[0]!, addrs[0]!]), /duplicate validator/)
  assert.throws(() => new ValidatorSet(0, [{ address: addrs[0]!, power: 0n }]), /positive bigint/)
})

test('ownership is deterministic, unique per position, rotates per epoch and follows stake', () => {
  const w = new Workload('own', 3000)
  const equal = ValidatorSet.equal(0, addrs)
  for (const sender of w.senders.slice(0, 50)) {
    const a = ownersOf(1, equal, sender, defaultOwnerCount(equal))
    assert.deepEqual(a, ownersOf(1, equal, sender, defaultOwnerCount(equal)))
    assert.equal(a.length, 3)
    assert.equal(new Set(a).size, 3)
  }
  const e1 = ValidatorSet.equal(1, addrs)
  const moved = w.senders.filter((s) => ownersOf(1, equal, s, 1)[0] !== ownersOf(1, e1, s, 1)[0]).length
  assert.ok(moved > 3000 * 0.7, `only ${moved} of 3000 senders moved owner between epochs`)
  const weighted = new ValidatorSet(
    0,
    addrs.map((address, i) => ({ address, power: i === 0 ? 6n : 1n })),
  )
  const counts = new Map<Hex, number>()
  for (const s of w.senders) {
    const o = ownersOf(1, weighted, s, 1)[0]!
    counts.set(o, (counts.get(o) ?? 0) + 1)
  }
  // addrs[0] holds half of the stake, so it owns about half of the senders.
  const heavy = counts.get(addrs[0]!) ?? 0
  assert.ok(heavy > 1300 && heavy < 1700, `heavy validator owns ${heavy} of 3000`)
})
