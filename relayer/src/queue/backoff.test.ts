import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { retryDelayMs, steppedDelayMs } from './backoff.ts'

describe('stepped backoff', () => {
  it('follows the Hyperlane steps', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 24].map(steppedDelayMs), [5_000, 10_000, 30_000, 60_000, 180_000, 180_000])
    assert.equal(steppedDelayMs(25), 300_000)
    assert.equal(steppedDelayMs(30), 300_000 + 5 * 90_000)
    assert.equal(steppedDelayMs(40), 1_800_000)
    assert.equal(steppedDelayMs(45), 3_600_000)
    assert.equal(steppedDelayMs(60), 2 * 3_600_000 * 11)
  })
  it('adds bounded, deterministic jitter that differs between messages', () => {
    const a = retryDelayMs('0xaa', 3)
    assert.equal(retryDelayMs('0xaa', 3), a)
    assert.ok(a >= 30_000 && a <= 37_500)
    const spread = new Set(Array.from({ length: 50 }, (_, i) => retryDelayMs(`0x${i}`, 1)))
    assert.ok(spread.size > 40, 'jitter spreads retries of different messages')
    assert.ok(retryDelayMs('0xaa', 3, 0.001) <= 38)
  })
})
