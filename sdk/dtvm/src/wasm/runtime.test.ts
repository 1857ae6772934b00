// Runs the example contracts (AssemblyScript and C, built by scripts/build-wasm.ts) through the WASM
// runtime over a small journal-free host, checking results against viem's ABI codec.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { keccak256, toHex } from '@spnkit/crypto'
import { decodeErrorResult, decodeFunctionResult, encodeAbiParameters, encodeFunctionData, parseAbi } from 'viem'
import { type WasmExample, wasmExample } from '../../scripts/build-wasm.ts'
import { type Address, type WasmFrameInput, type WasmHost, WasmHostFatalError, WasmRuntime } from './runtime.ts'

const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function transfer(address,uint256) returns (bool)',
  'function approve(address,uint256) returns (bool)',
  'function transferFrom(address,address,uint256) returns (bool)',
  'function allowance(address,address) view returns (uint256)',
  'function totalSupply() view returns (uint256)',
  'function decimals() view returns (uint8)',
  'error Error(string)',
])
const pricer = parseAbi(['function quote(uint256,uint256,uint256,uint256) view returns (uint256,uint256)'])

const alice: Address = '0x00000000000000000000000000000000000a11ce'
const bob: Address = '0x0000000000000000000000000000000000000b0b'

/** A minimal host: one contract's storage in a Map, flat gas prices, logs collected. */
class TestHost implements WasmHost {
  storage = new Map<bigint, bigint>()
  logs: Array<{ topics: Uint8Array[]; data: Uint8Array }> = []
  caller: Address = alice
  sload(key: bigint) {
    return { value: this.storage.get(key) ?? 0n, gas: 2_100n }
  }
  sstore(key: bigint, value: bigint) {
    this.storage.set(key, value)
    return { gas: 20_000n }
  }
  tload() {
    return 0n
  }
  tstore() {}
  call(): never {
    throw new Error('no nested calls in these tests')
  }
  create(): never {
    throw new Error('no create in these tests')
  }
  log(topics: Uint8Array[], data: Uint8Array) {
    this.logs.push({ topics, data })
  }
  balance() {
    return { value: 0n, gas: 100n }
  }
  context() {
    return {
      caller: this.caller,
      callValue: 0n,
      address: '0x000000000000000000000000000000000000c0de' as Address,
      origin: this.caller,
      blockNumber: 1n,
      timestamp: 1_700_000_000n,
      chainId: 1n,
      coinbase: '0x0000000000000000000000000000000000000000' as Address,
      baseFee: 7n,
      gasPrice: 7n,
    }
  }
}

const runtime = new WasmRuntime()
function run(name: WasmExample, host: TestHost, calldata: `0x${string}`, options: Partial<WasmFrameInput> = {}) {
  const module = wasmExample(name)
  return runtime.run(
    {
      module,
      codeHash: toHex(keccak256(module)),
      calldata: Uint8Array.from(Buffer.from(calldata.slice(2), 'hex')),
      gas: 1_000_000n,
      isStatic: false,
      entry: 'call',
      wasmStackLeft: 16_384,
      ...options,
    },
    host,
  )
}

for (const name of ['as-erc20', 'c-erc20'] as const) {
  test(`${name}: constructor mints, transfer moves balance and emits Transfer`, () => {
    const host = new TestHost()
    const deployed = run(name, host, encodeAbiParameters([{ type: 'uint256' }], [1_000n]), { entry: 'deploy' })
    assert.equal(deployed.status, 'success', deployed.haltReason)
    const balance = (who: Address) => {
      const result = run(name, host, encodeFunctionData({ abi: erc20, functionName: 'balanceOf', args: [who] }), {
        isStatic: true,
      })
      assert.equal(result.status, 'success', result.haltReason)
      return decodeFunctionResult({ abi: erc20, functionName: 'balanceOf', data: toHex(result.output) })
    }
    assert.equal(balance(alice), 1_000n)
    const transfer = run(name, host, encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [bob, 250n] }))
    assert.equal(transfer.status, 'success', transfer.haltReason)
    assert.equal(decodeFunctionResult({ abi: erc20, functionName: 'transfer', data: toHex(transfer.output) }), true)
    assert.equal(balance(alice), 750n)
    assert.equal(balance(bob), 250n)
    const last = host.logs.at(-1)!
    assert.equal(toHex(last.topics[0]!), '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef')
    assert.equal(toHex(last.topics[2]!), `0x${'0'.repeat(24)}${bob.slice(2)}`)
    assert.equal(BigInt(toHex(last.data)), 250n)
    const total = run(name, host, encodeFunctionData({ abi: erc20, functionName: 'totalSupply' }))
    assert.equal(BigInt(toHex(total.output)), 1_000n)
  })

  test(`${name}: approve/transferFrom and a revert with a Solidity Error(string)`, () => {
    const host = new TestHost()
    run(name, host, encodeAbiParameters([{ type: 'uint256' }], [100n]), { entry: 'deploy' })
    assert.equal(
      run(name, host, encodeFunctionData({ abi: erc20, functionName: 'approve', args: [bob, 60n] })).status,
      'success',
    )
    host.caller = bob
    const moved = run(
      name,
      host,
      encodeFunctionData({ abi: erc20, functionName: 'transferFrom', args: [alice, bob, 40n] }),
    )
    assert.equal(moved.status, 'success', moved.haltReason)
    const allowance = run(name, host, encodeFunctionData({ abi: erc20, functionName: 'allowance', args: [alice, bob] }))
    assert.equal(BigInt(toHex(allowance.output)), 20n)
    const tooMuch = run(
      name,
      host,
      encodeFunctionData({ abi: erc20, functionName: 'transferFrom', args: [alice, bob, 21n] }),
    )
    assert.equal(tooMuch.status, 'revert')
    const decoded = decodeErrorResult({ abi: erc20, data: toHex(tooMuch.output) })
    assert.deepEqual(decoded.args, ['ERC20: insufficient allowance'])
    assert.ok(tooMuch.gasLeft > 0n, 'a revert returns the unused gas')
  })

  test(`${name}: out of gas halts deterministically and a static call cannot write`, () => {
    const results = Array.from({ length: 3 }, () => {
      const host = new TestHost()
      run(name, host, encodeAbiParameters([{ type: 'uint256' }], [5n]), { entry: 'deploy' })
      return run(name, host, encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [bob, 1n] }), {
        gas: 30_000n,
      })
    })
    for (const result of results)
      assert.deepEqual(result, { status: 'halt', output: new Uint8Array(), gasLeft: 0n, haltReason: 'OutOfGas' })
    const host = new TestHost()
    run(name, host, encodeAbiParameters([{ type: 'uint256' }], [5n]), { entry: 'deploy' })
    const staticWrite = run(name, host, encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [bob, 1n] }), {
      isStatic: true,
    })
    assert.equal(staticWrite.status, 'halt')
    assert.match(staticWrite.haltReason!, /StaticStateChange/)
  })
}

/** The pricing model in TypeScript, as the reference both WASM builds must match. */
function referenceQuote(spot: bigint, strike: bigint, vol: bigint, seconds: bigint): [bigint, bigint] {
  const year = 31_536_000n
  const x = (seconds * 100_000_000n) / year
  let r = x
  if (x > 0n) {
    let y = (r + 1n) >> 1n
    while (y < r) {
      r = y
      y = (r + x / r) >> 1n
    }
  }
  const time = (((spot * vol) / 10_000n) * r * 4n) / 100_000n
  return [(spot > strike ? spot - strike : 0n) + time, (strike > spot ? strike - spot : 0n) + time]
}

test('pricers in AssemblyScript and C agree with the reference model and reject out-of-range input', () => {
  const cases: Array<[bigint, bigint, bigint, bigint]> = [
    [2_000_000_000n, 2_000_000_000n, 8_000n, 2_592_000n],
    [2_100_000_000n, 2_000_000_000n, 5_000n, 31_536_000n],
    [1n, 1_000_000n, 100_000n, 315_360_000n],
    [0n, 0n, 0n, 0n],
  ]
  for (const args of cases) {
    const expected = referenceQuote(...args)
    for (const name of ['as-pricer', 'c-pricer'] as const) {
      const result = run(name, new TestHost(), encodeFunctionData({ abi: pricer, functionName: 'quote', args }), {
        isStatic: true,
      })
      assert.equal(result.status, 'success', `${name}: ${result.haltReason}`)
      assert.deepEqual(
        decodeFunctionResult({ abi: pricer, functionName: 'quote', data: toHex(result.output) }),
        expected,
        `${name} ${args}`,
      )
    }
  }
  for (const name of ['as-pricer', 'c-pricer'] as const) {
    const bad = run(
      name,
      new TestHost(),
      encodeFunctionData({ abi: pricer, functionName: 'quote', args: [1n << 40n, 1n, 1n, 1n] }),
    )
    assert.equal(bad.status, 'revert')
    assert.deepEqual(decodeErrorResult({ abi: erc20, data: toHex(bad.output) }).args, ['Pricer: price out of range'])
  }
})

test('a failure of the host itself (RangeError, out of memory) is fatal, never a contract result', () => {
  class ExhaustedHost extends TestHost {
    override sload(): never {
      throw new RangeError('Maximum call stack size exceeded')
    }
  }
  const host = new ExhaustedHost()
  assert.throws(
    () => run('as-erc20', host, encodeFunctionData({ abi: erc20, functionName: 'balanceOf', args: [alice] })),
    (error: Error) => error instanceof WasmHostFatalError && /Maximum call stack/.test(error.message),
  )
})
