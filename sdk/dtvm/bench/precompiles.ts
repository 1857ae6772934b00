// `npm run bench:precompiles -w @spnkit/dtvm`: each Cancun precompile on a representative valid
// input, ours vs @ethereumjs/evm's, in one process. Prints a table, then one JSON line.
// Both sides must agree on gas and output for every input, or the script exits non-zero.
import { readFileSync } from 'node:fs'
import { Common, Hardfork, Mainnet } from '@ethereumjs/common'
import { createEVM } from '@ethereumjs/evm'
import { createAddressFromString } from '@ethereumjs/util'
import { cancunPrecompiles, warmKzg } from '../src/precompiles/index.ts'

type Vector = { name: string; input: string; expected: string | null; gas?: number }
const vectors = JSON.parse(
  readFileSync(new URL('../src/precompiles/testdata/official-vectors.json', import.meta.url), 'utf8'),
) as Record<string, Vector[]>
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'))
const vector = (set: string, name: string) => hex(vectors[set]!.find((v) => v.name === name)!.input)

const G1 = `${'0'.repeat(63)}1${'0'.repeat(63)}2`
const NEG_G1 = `${'0'.repeat(63)}130644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd45`
const G2 =
  '198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c21800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed' +
  '090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa'
const kilobyte = Uint8Array.from({ length: 1024 }, (_, i) => (i * 31) & 0xff)

const inputs: { address: number; label: string; input: Uint8Array }[] = [
  { address: 1, label: 'ecrecover', input: vector('ecrecover', 'ValidKey') },
  { address: 2, label: 'sha256 (1 KiB)', input: kilobyte },
  { address: 3, label: 'ripemd160 (1 KiB)', input: kilobyte },
  { address: 4, label: 'identity (1 KiB)', input: kilobyte },
  { address: 5, label: 'modexp (512-bit, e=0x10001)', input: vector('modexp', 'nagydani-1-pow0x10001') },
  { address: 6, label: 'bn254 add', input: hex(G1 + G1) },
  { address: 7, label: 'bn254 mul', input: hex(`${G1}${'f'.repeat(64)}`) },
  { address: 8, label: 'bn254 pairing (2 pairs)', input: hex(G1 + G2 + NEG_G1 + G2) },
  { address: 9, label: 'blake2f (12 rounds)', input: vector('blake2f', 'vector 5') },
  { address: 10, label: 'point evaluation', input: vector('pointEvaluation', 'pointEvaluation1') },
]

const GAS = 10_000_000n
const BUDGET_MS = 400 // per side and input, after a warm-up

/** Calls per second of `fn` over ~BUDGET_MS, after a few untimed calls. */
async function rate(fn: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await fn()
  let calls = 0
  const start = performance.now()
  while (performance.now() - start < BUDGET_MS) {
    await fn()
    calls++
  }
  return (calls * 1000) / (performance.now() - start)
}

// ethereumjs needs a KZG backend for 0x0a; handing it ours would compare a library with itself.
const evm = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Cancun }) })
type EjsResult = { executionGasUsed: bigint; returnValue: Uint8Array; exceptionError?: { error: string } }
const runPrecompile = (evm as unknown as { runPrecompile: (c: unknown, d: Uint8Array, g: bigint) => unknown })
  .runPrecompile
const ejs = (address: number, input: Uint8Array) =>
  runPrecompile.call(
    evm,
    evm.getPrecompile(createAddressFromString(`0x${address.toString(16).padStart(40, '0')}`)),
    input,
    GAS,
  ) as Promise<EjsResult> | EjsResult
warmKzg()

const rows: Record<string, { ours_per_s: number; ethereumjs_per_s: number | null; ratio: number | null; gas: string }> =
  {}
let mismatch = false
console.log(
  `${'precompile'.padEnd(30)} ${'gas'.padStart(7)} ${'ours/s'.padStart(10)} ${'ejs/s'.padStart(10)} ${'ratio'.padStart(7)}`,
)
for (const { address, label, input } of inputs) {
  const ours = cancunPrecompiles.get(address)!
  const result = ours(input, GAS)
  if (!result.ok) throw new Error(`bench/precompiles: ${label} halted on its own benchmark input`)
  const oursRate = await rate(() => ours(input, GAS))
  let ejsRate: number | null = null
  if (address !== 10) {
    const theirs = await ejs(address, input)
    const same =
      theirs.exceptionError === undefined &&
      theirs.executionGasUsed === result.gasUsed &&
      Buffer.from(theirs.returnValue).equals(Buffer.from(result.output))
    if (!same) {
      mismatch = true
      console.error(`${label}: MISMATCH with ethereumjs (gas ${theirs.executionGasUsed} vs ${result.gasUsed})`)
    }
    ejsRate = await rate(() => ejs(address, input))
  }
  const ratio = ejsRate === null ? null : oursRate / ejsRate
  rows[label] = {
    ours_per_s: Math.round(oursRate),
    ethereumjs_per_s: ejsRate === null ? null : Math.round(ejsRate),
    ratio: ratio === null ? null : Math.round(ratio * 100) / 100,
    gas: result.gasUsed.toString(),
  }
  console.log(
    `${label.padEnd(30)} ${result.gasUsed.toString().padStart(7)} ${oursRate.toFixed(0).padStart(10)} ${(ejsRate?.toFixed(0) ?? 'n/a').padStart(10)} ${(ratio === null ? 'n/a' : ratio.toFixed(2)).padStart(7)}`,
  )
}
console.log(JSON.stringify({ bench: 'precompiles', cases: rows, gas_match: !mismatch }))
process.exitCode = mismatch ? 1 : 0
