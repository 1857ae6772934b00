import { describe, it } from 'node:test'
import { runDifferential } from './differential-harness.ts'

describe('precompiles 0x01-0x09 agree with @ethereumjs/evm (slow)', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: ~3,600 random and mutated inputs`, async () => {
      await runDifferential(seed, 4)
    })
  }
})
