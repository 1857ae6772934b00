import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LoopbackCluster } from './cluster.ts'

test('TCP cluster survives kill -9 and restart of one validator (WAL + sync), logs agree', async () => {
  const cluster = await LoopbackCluster.create(4)
  try {
    for (let i = 0; i < 4; i++) cluster.start(i)
    await cluster.waitFor('10 blocks everywhere', () => [0, 1, 2, 3].every((i) => cluster.log(i).length >= 10), 30_000)
    cluster.kill9(3)
    const atKill = Math.max(...[0, 1, 2].map((i) => cluster.log(i).length))
    await cluster.waitFor(
      '3 survivors make progress',
      () => [0, 1, 2].every((i) => cluster.log(i).length >= atKill + 10),
      30_000,
    )
    cluster.start(3)
    const target = Math.max(...[0, 1, 2].map((i) => cluster.log(i).length)) + 5
    await cluster.waitFor(
      'restarted validator catches up and commits new blocks',
      () => cluster.log(3).length >= target,
      60_000,
    )
    cluster.checkAgreement()
    assert.ok(cluster.log(3).length >= target)
  } finally {
    await cluster.stop()
  }
})
