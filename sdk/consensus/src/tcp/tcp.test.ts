import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LoopbackCluster } from './cluster.ts'

test('4 validator processes over TCP on loopback commit identical non-empty blocks', async () => {
  const cluster = await LoopbackCluster.create(4)
  try {
    for (let i = 0; i < 4; i++) cluster.start(i)
    await cluster.waitFor(
      '6 blocks at every validator',
      () => [0, 1, 2, 3].every((i) => cluster.log(i).length >= 6),
      30_000,
    )
    cluster.checkAgreement()
    assert.ok(cluster.log(0).length >= 6)
  } finally {
    await cluster.stop()
  }
})
