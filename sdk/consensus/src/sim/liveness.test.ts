import assert from 'node:assert/strict'
import { test } from 'node:test'
import { macSchemeForSimulation, secp256k1Scheme } from '../signature.ts'
import { percentile, runLoad } from './harness.ts'
import { runScenario } from './scenario.ts'

for (const n of [4, 7])
  test(`fault-free, real signatures, n=${n}: every proposal commits after exactly 3 message delays`, () => {
    const slots = 6
    const r = runLoad({ n, scheme: secp256k1Scheme, slots, batch: 20, window: 2 })
    assert.ok(r.agreement)
    assert.equal(r.committedTxs, n * slots * 20)
    assert.equal(r.committedSlots, slots)
    assert.equal(r.latencies.length, n * slots)
    assert.deepEqual(new Set(r.latencies), new Set([3]))
    // At most one proposal and two vote batches per node per slot, each to n − 1 peers (batches of
    // pipelined slots share a tick, so fewer), and as many verifications.
    assert.ok(r.messagesPerNodePerSlot <= 3 * (n - 1), `messages/node/slot ${r.messagesPerNodePerSlot}`)
    assert.ok(r.verificationsPerNodePerSlot <= 3 * (n - 1), `verifications/node/slot ${r.verificationsPerNodePerSlot}`)
  })

test('one silent proposer: after the first slot it is skipped within the short timeout + 4δ', () => {
  const r = runLoad({ n: 4, scheme: macSchemeForSimulation(), slots: 10, batch: 10, window: 2, silent: 1 })
  assert.ok(r.agreement)
  assert.equal(r.committedTxs, 3 * 10 * 10)
  // Inactive timeout 3δ + ECHO_NONE, READY(0), BVAL₁(0), AUX₁(0) = 7δ. The first window of slots
  // (2 slots × 3 live proposers) opened before the silence was known and waits the full 10δ.
  const afterFirstWindow = r.latencies.slice(2 * 3)
  assert.ok(percentile(afterFirstWindow, 100) <= 7, `max after the first window ${percentile(afterFirstWindow, 100)}`)
})

test('random delays: progress, agreement and bounded latency with jitter up to δ', () => {
  const r = runLoad({ n: 7, scheme: macSchemeForSimulation(), slots: 8, batch: 10, window: 3, jitter: 10 })
  assert.ok(r.agreement)
  assert.equal(r.committedTxs, 7 * 8 * 10)
  assert.ok(percentile(r.latencies, 99) <= 6, `p99 ${percentile(r.latencies, 99)}`)
})

for (const fault of ['twins', 'equivocator', 'crash-restart', 'withholder', 'partition-minority'] as const)
  test(`real secp256k1 signatures end to end in the simulator: ${fault}`, () => {
    const r = runScenario({ seed: 3, n: 4, fault, realSignatures: true })
    assert.deepEqual(r.failures, [])
    assert.ok(r.committedSlots > 0)
  })
