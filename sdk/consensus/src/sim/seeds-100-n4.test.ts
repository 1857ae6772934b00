// Seeds 100..199 at n=4: part of the ≥200 seeds × n ∈ {4, 7} suite (four files so two processes share
// the work). Each seed picks a fault (crash, restart, partitions, Twins, equivocation, withholding,
// garbage, replay, drops) and the oracle checks every safety property and liveness.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runSeedRange } from './scenario.ts'

test('seeds 100..199 at n=4: agreement, integrity, evidence, WAL safety, determinism and liveness', () => {
  assert.deepEqual(runSeedRange(100, 200, 4), [])
})
