// `npm run bench:cross-vm`: a Solidity vault pricing an option through the WASM pricer
// (AssemblyScript and C) versus the same model in Solidity — gas of the whole transaction and
// median wall time over repeated calls, through the whole engine.
// Usage: node scripts/bench-cross-vm.ts [--calls N]
import { fromHex } from '@spnkit/crypto'
import { type Abi, encodeFunctionData } from 'viem'
import type { Address } from '../src/types.ts'
import { wasmInitCode } from '../src/wasm/evm-bridge.ts'
import { solidityExamples, wasmExample } from './build-wasm.ts'
import { devChain } from './dev-chain.ts'

const calls = Number(process.argv[process.argv.indexOf('--calls') + 1] || 2000) || 2000
const sol = solidityExamples()
const { send } = devChain()
const vault = send(null, fromHex(sol.OptionVault!.bytecode)).createdAddress!
const pricers: Record<string, Address> = {
  'WASM (AssemblyScript)': send(null, wasmInitCode(wasmExample('as-pricer'))).createdAddress!,
  'WASM (C)': send(null, wasmInitCode(wasmExample('c-pricer'))).createdAddress!,
  Solidity: send(null, fromHex(sol.SolidityPricer!.bytecode)).createdAddress!,
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const rows: Array<{ name: string; gas: bigint; us: number }> = []
for (const [name, pricer] of Object.entries(pricers)) {
  const times: number[] = []
  let gas = 0n
  for (let i = 0; i < calls; i++) {
    const data = fromHex(
      encodeFunctionData({
        abi: sol.OptionVault!.abi as Abi,
        functionName: 'price',
        args: [pricer, 2_000_000_000n + BigInt(i), 1_900_000_000n, 6_500n, 7_776_000n + BigInt(i)],
      }),
    )
    const started = performance.now()
    const result = send(vault, data)
    times.push(performance.now() - started)
    gas = result.gasUsed
  }
  rows.push({ name, gas, us: median(times.slice(Math.floor(calls / 4))) * 1000 })
}
console.log(`OptionVault.price(...) through each pricer: transaction gas and median time over ${calls} calls`)
console.log(`${'pricer'.padEnd(24)}${'gas'.padStart(10)}${'µs'.padStart(10)}`)
for (const r of rows) console.log(`${r.name.padEnd(24)}${String(r.gas).padStart(10)}${r.us.toFixed(1).padStart(10)}`)
const solidity = rows.find((r) => r.name === 'Solidity')!
const wasmC = rows.find((r) => r.name === 'WASM (C)')!
const wasmAs = rows.find((r) => r.name === 'WASM (AssemblyScript)')!
console.log(
  JSON.stringify({
    bench: 'cross-vm',
    gas: { as_wasm: Number(wasmAs.gas), c_wasm: Number(wasmC.gas), solidity: Number(solidity.gas) },
    us: { as_wasm: Math.round(wasmAs.us), c_wasm: Math.round(wasmC.us), solidity: Math.round(solidity.us) },
  }),
)
