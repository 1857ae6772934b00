import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { freeLoopbackPorts } from './free-ports.ts'

test('freeLoopbackPorts returns distinct free ports below the ephemeral range and skips taken ones', async () => {
  const [first] = await freeLoopbackPorts(1, 30000)
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(first, '127.0.0.1', () => resolve()))
  try {
    const ports = await freeLoopbackPorts(3, first)
    assert.equal(new Set(ports).size, 3)
    assert.ok(!ports.includes(first!), `port ${first} is listening and must be skipped`)
    for (const p of ports) assert.ok(p >= 20000 && p < 32768, `port ${p} outside 20000-32767`)
  } finally {
    await new Promise((resolve) => taken.close(resolve))
  }
})

test('freeLoopbackPorts wraps from the top of the range back to 20000', async () => {
  const ports = await freeLoopbackPorts(3, 32766)
  assert.ok(
    ports.some((p) => p < 32766),
    `expected a wrap, got ${ports}`,
  )
})
