// `npm run soak:store -- [--rounds N] [--seed S]`: SIGKILL soak test. A child applies deterministic
// blocks and is killed at a random moment, N times (default 1,000) on one store directory; after
// every kill the store is reopened and must hold exactly a committed version with the reference
// root and the right contents. Prints progress, then one JSON line.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { crashRound } from '../src/testing/crash-harness.ts'
import { Sfc32 } from '../src/testing/prng.ts'

const args = process.argv.slice(2)
const flag = (name: string, def: number) => {
  const i = args.indexOf(name)
  const v = i >= 0 ? Number(args[i + 1]) : def
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`soak: ${name} needs a positive integer`)
  return v
}
const rounds = flag('--rounds', 1000)
const seed = flag('--seed', 7)
const keySpace = 2000
const dir = mkdtempSync(path.join(os.tmpdir(), 'spnkit-store-soak-'))
const rng = new Sfc32(seed)
const roots = new Map<number, string>()
let truncated = 0
let duringOpen = 0
let advanced = 0
const t0 = performance.now()
try {
  for (let r = 1; r <= rounds; r++) {
    const open = r % 5 === 0
    if (open) duringOpen++
    const before = Math.max(0, ...roots.keys())
    const res = await crashRound(
      dir,
      seed,
      keySpace,
      open ? rng.below(1000) : rng.below(150),
      roots,
      open,
      rng.below(3),
    )
    if (res.truncatedBytes > 0) truncated++
    if (res.recovered > before) advanced++
    if (r % 50 === 0 || r === rounds)
      console.log(
        `round ${r}/${rounds}: version ${res.recovered}, ${truncated} torn tails truncated so far, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      )
  }
  const latest = Math.max(0, ...roots.keys())
  console.log(
    JSON.stringify({
      soak: 'store',
      rounds,
      failures: 0,
      latest_version: latest,
      rounds_advanced: advanced,
      kills_during_open: duringOpen,
      torn_tails_truncated: truncated,
      seconds: Math.round((performance.now() - t0) / 1000),
    }),
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
