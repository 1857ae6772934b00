// Child process for crash tests: opens the store and applies deterministic blocks forever, printing
// "<version> <root>" after each durable commit, until the parent SIGKILLs it.
//   crash-child.ts <dir> <seed> <keySpace>
import { toHex } from '@spnkit/crypto'
import { openStore } from '../index.ts'
import { blockFor } from './crash-harness.ts'

const [dir, seedArg, spaceArg] = process.argv.slice(2)
const store = openStore(dir as string, { segmentBytes: 256 << 10 })
const seed = Number(seedArg)
const keySpace = Number(spaceArg)
process.stdout.write(`ready ${store.latestVersion}\n`)
for (let v = store.latestVersion + 1; ; v++) {
  const root = await store.apply(v, blockFor(seed, v, keySpace))
  process.stdout.write(`${v} ${toHex(root)}\n`)
}
