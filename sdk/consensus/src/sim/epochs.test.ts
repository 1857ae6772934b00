import assert from 'node:assert/strict'
import { test } from 'node:test'
import { macSchemeForSimulation } from '../signature.ts'
import { Simulator } from './simulator.ts'
import { Workload } from './workload.ts'

test('epoch hand-over: a validator leaves and another joins at the boundary; logs agree, all txs commit', () => {
  // Epoch 0: identities 0–3; epoch 1 onwards: 1–4, with different stakes. Epochs are 3 slots long.
  const sim = new Simulator({
    seed: 11,
    n: 5,
    scheme: macSchemeForSimulation(),
    delay: { base: 10, jitter: 5, linkSkew: 3 },
    tickMs: 5,
    members: (epoch) => (epoch === 0 ? [0, 1, 2, 3] : [1, 2, 3, 4]),
    power: (epoch, i) => BigInt(1 + ((epoch + i) % 2)),
    validator: {
      epochLength: 3,
      window: 2,
      maxBatch: 4,
      proposalTimeoutMs: 100,
      inactiveTimeoutMs: 40,
      retransmitMs: 150,
    },
  })
  const work = new Workload('epochs', 16)
  const txs = Array.from({ length: 60 }, () => work.next())
  const everyone = sim.copies.map((c) => c.id)
  for (const [k, tx] of txs.entries()) sim.at(k * 10, () => sim.submit(tx, everyone))
  const committed = (i: number) => sim.copies[i]!.log.reduce((a, b) => a + b.txs.length, 0)
  sim.run(30_000, () => [0, 1, 2, 3, 4].every((i) => committed(i) === txs.length))
  for (let i = 0; i < 5; i++) assert.equal(committed(i), txs.length, `validator ${i} committed ${committed(i)}`)
  const ref = sim.copies[1]!.log
  assert.ok(ref.length > 6, 'the run crossed at least two epoch boundaries')
  for (const c of sim.copies)
    for (const [k, b] of c.log.entries()) assert.equal(b.hash, ref[k]!.hash, `slot ${b.slot} differs`)
  for (const b of ref) {
    const proposers = new Set(b.proposals.map((p) => p.proposer))
    if (b.epoch === 0) assert.ok(!proposers.has(sim.addresses[4]!), `joiner proposed in epoch 0 (slot ${b.slot})`)
    else assert.ok(!proposers.has(sim.addresses[0]!), `leaver proposed in epoch ${b.epoch} (slot ${b.slot})`)
  }
  assert.ok(
    ref.some((b) => b.epoch > 0 && b.proposals.some((p) => p.proposer === sim.addresses[4])),
    'the joiner proposes after the hand-over',
  )
})
