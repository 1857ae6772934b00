// `npm run bench:first-call`: deploy → first call → second call latency, median over many fresh
// contracts (each with its own code hash, so every first call meets a cold contract), for the
// AssemblyScript ERC20, the C pricer and a Solidity ERC20, through the whole engine
// (executeTransaction). "first" is a call right after deployment, before the background compile
// could finish (it compiles on demand); "first_bg" waits for the background compile first.
// Usage: node scripts/bench-first-call.ts [--contracts N]
import { fromHex } from '@spnkit/crypto'
import { encodeAbiParameters, encodeFunctionData, parseAbi } from 'viem'
import type { Address } from '../src/types.ts'
import { wasmInitCode, wasmRuntime } from '../src/wasm/evm-bridge.ts'
import { solidityExamples, wasmExample } from './build-wasm.ts'
import { devChain } from './dev-chain.ts'

const count = Number(process.argv[process.argv.indexOf('--contracts') + 1] || 200) || 200
const BOB: Address = '0x0000000000000000000000000000000000000b0b'
const erc20 = parseAbi(['function transfer(address,uint256) returns (bool)'])
const pricer = parseAbi(['function quote(uint256,uint256,uint256,uint256) view returns (uint256,uint256)'])
const transfer = fromHex(encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [BOB, 1n] }))
const quote = fromHex(
  encodeFunctionData({
    abi: pricer,
    functionName: 'quote',
    args: [2_000_000_000n, 1_900_000_000n, 6_500n, 7_776_000n],
  }),
)
const supply = fromHex(encodeAbiParameters([{ type: 'uint256' }], [10n ** 24n]))

/** Appends a custom section carrying `salt`: same behaviour, a fresh code hash. */
function salted(module: Uint8Array, salt: number): Uint8Array {
  const body = [4, ...new TextEncoder().encode('salt'), ...new Uint8Array(new BigUint64Array([BigInt(salt)]).buffer)]
  return Uint8Array.from([...module, 0, body.length, ...body])
}

type Kind = { name: string; vm: 'wasm' | 'evm'; initCode: (salt: number) => Uint8Array; call: Uint8Array }
const asErc20 = wasmExample('as-erc20')
const cPricer = wasmExample('c-pricer')
const token = solidityExamples().SaltedToken!
const kinds: Kind[] = [
  {
    name: 'AssemblyScript ERC20',
    vm: 'wasm',
    initCode: (s) => wasmInitCode(salted(asErc20, s), supply),
    call: transfer,
  },
  { name: 'C pricer', vm: 'wasm', initCode: (s) => wasmInitCode(salted(cPricer, s)), call: quote },
  {
    name: 'Solidity ERC20',
    vm: 'evm',
    initCode: (s) =>
      Uint8Array.from([
        ...fromHex(token.bytecode),
        ...fromHex(encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [10n ** 24n, BigInt(s)])),
      ]),
    call: transfer,
  },
]

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function measure(kind: Kind, saltBase: number, waitForBackground: boolean) {
  const chain = devChain()
  const send = (to: Address | null, data: Uint8Array) => {
    const started = performance.now()
    const result = chain.send(to, data)
    return { ms: performance.now() - started, result }
  }
  const deploy: number[] = []
  const first: number[] = []
  const second: number[] = []
  for (let i = 0; i < count; i++) {
    const deployed = send(null, kind.initCode(saltBase + i))
    deploy.push(deployed.ms)
    if (waitForBackground) await wasmRuntime.cache.settled()
    first.push(send(deployed.result.createdAddress!, kind.call).ms)
    second.push(send(deployed.result.createdAddress!, kind.call).ms)
  }
  return { deploy: median(deploy), first: median(first), second: median(second) }
}

// Warm up our own code paths (V8 tiers up the engine's JS), with salts never reused below.
for (const kind of kinds) await measure(kind, 10_000_000, false)

const rows: Array<{ name: string; vm: string; deploy: number; first: number; firstBg: number; second: number }> = []
for (const [i, kind] of kinds.entries()) {
  const cold = await measure(kind, (i + 1) * 1_000_000, false)
  const background = await measure(kind, (i + 1) * 1_000_000 + 500_000, true)
  rows.push({
    name: kind.name,
    vm: kind.vm,
    deploy: cold.deploy,
    first: cold.first,
    firstBg: background.first,
    second: cold.second,
  })
}

const f = (ms: number) => ms.toFixed(3).padStart(9)
console.log(`first-call latency, median over ${count} fresh contracts each (ms, whole transaction)`)
console.log(
  `${'contract'.padEnd(22)}${'deploy'.padStart(9)}${'first'.padStart(9)}${'first_bg'.padStart(9)}${'second'.padStart(9)}`,
)
for (const r of rows) console.log(`${r.name.padEnd(22)}${f(r.deploy)}${f(r.first)}${f(r.firstBg)}${f(r.second)}`)
const wasmRows = rows.filter((r) => r.vm === 'wasm')
const evmRow = rows.find((r) => r.vm === 'evm')!
const round = (ms: number) => Math.round(ms * 1000) / 1000
console.log(
  JSON.stringify({
    bench: 'first-call',
    wasm_first_ms: round(Math.max(...wasmRows.map((r) => r.first))),
    wasm_first_after_background_ms: round(Math.max(...wasmRows.map((r) => r.firstBg))),
    wasm_second_ms: round(Math.max(...wasmRows.map((r) => r.second))),
    evm_first_ms: round(evmRow.first),
    evm_second_ms: round(evmRow.second),
    as_erc20_first_ms: round(rows[0]!.first),
    c_pricer_first_ms: round(rows[1]!.first),
  }),
)
