import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, it } from 'node:test'
import { crashRound } from './testing/crash-harness.ts'
import { Sfc32 } from './testing/prng.ts'

const dir = mkdtempSync(path.join(os.tmpdir(), 'spnkit-store-crash-'))
after(() => rmSync(dir, { recursive: true, force: true }))

it('recovers exactly a committed version after SIGKILL at 24 random points', { timeout: 120_000 }, async () => {
  const rng = new Sfc32(42)
  const roots = new Map<number, string>()
  let progressed = 0
  for (let round = 0; round < 24; round++) {
    // Most kills land while blocks are being applied and written; every fifth lands during start-up
    // (module loading or the recovery scan of the previous crash's leftovers).
    const duringOpen = round % 5 === 4
    const before = Math.max(0, ...roots.keys())
    const r = await crashRound(
      dir,
      42,
      600,
      duringOpen ? rng.below(800) : rng.below(80),
      roots,
      duringOpen,
      1 + rng.below(2),
    )
    if (r.recovered > before) progressed++
  }
  assert.ok(
    progressed >= 20,
    `blocks were committed between kills in every round that waited for one (${progressed} of 24)`,
  )
  assert.ok(Math.max(...roots.keys()) >= 30, 'the store advanced through many blocks across the crashes')
})
