import { describe, it } from 'node:test'
import { runDifferential } from './differential-harness.ts'

describe('precompiles 0x01-0x09 agree with @ethereumjs/evm', () => {
  it('on ~900 seeded random and mutated inputs with gas limits near the price', async () => {
    await runDifferential(0x5eed, 1)
  })
})
