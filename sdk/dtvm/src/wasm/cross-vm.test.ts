// EVM ⇄ WASM through the real engine: Solidity calling WASM contracts through ordinary interfaces,
// call chains alternating between the VMs with reverts at every depth, static-call protection both
// ways, revert data bubbling both ways, and the depth limits — all over one journal.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { concatBytes, fromHex, keccak256, toHex } from '@spnkit/crypto'
import { type Abi, decodeEventLog, decodeFunctionResult, encodeAbiParameters, encodeFunctionData, parseAbi } from 'viem'
import { solidityExamples, wasmExample } from '../../scripts/build-wasm.ts'
import { BlockExecutor, InMemoryState } from '../index.ts'
import type { Address, BlockContext, TxInput } from '../types.ts'
import { wasmInitCode } from './evm-bridge.ts'

const ALICE: Address = '0x00000000000000000000000000000000000a11ce'
const block: BlockContext = {
  chainId: 1n,
  number: 1n,
  timestamp: 1_700_000_000n,
  coinbase: '0x0000000000000000000000000000000000c0ba5e',
  gasLimit: 10n ** 18n,
  baseFee: 1n,
  prevRandao: 0n,
  excessBlobGas: 0n,
  blockHash: (n) => keccak256(new TextEncoder().encode(String(n))),
}
const sol = solidityExamples()
const pricerAbi = parseAbi(['function quote(uint256,uint256,uint256,uint256) view returns (uint256,uint256)'])

class Chain {
  readonly state = new InMemoryState()
  readonly exec: BlockExecutor
  private nonce = 0n
  constructor() {
    this.state.setAccount(ALICE, { balance: 10n ** 30n })
    this.exec = new BlockExecutor(this.state, block)
  }
  send(to: Address | null, data: Uint8Array, gasLimit = 30_000_000n) {
    const tx: TxInput = {
      type: 2,
      from: ALICE,
      to,
      nonce: this.nonce++,
      gasLimit,
      maxFeePerGas: 1n,
      maxPriorityFeePerGas: 0n,
      value: 0n,
      data,
    }
    const result = this.exec.execute(tx)
    assert.ok(result.included, result.included ? '' : result.rejection.message)
    return result
  }
  deploy(initCode: Uint8Array): Address {
    const result = this.send(null, initCode)
    assert.ok(result.included && result.status === 'success', `deploy failed: ${result.included && result.haltReason}`)
    return result.createdAddress!
  }
  deploySolidity(name: string): Address {
    return this.deploy(fromHex(sol[name]!.bytecode))
  }
  storage(address: Address, slot: bigint): bigint {
    this.state.applyDiff(this.exec.diff())
    return this.state.getStorage(address, slot)
  }
}

test('a Solidity vault prices through AssemblyScript and C pricers exactly as through the Solidity one', () => {
  const chain = new Chain()
  const vault = chain.deploySolidity('OptionVault')
  const pricers = {
    assemblyscript: chain.deploy(wasmInitCode(wasmExample('as-pricer'))),
    c: chain.deploy(wasmInitCode(wasmExample('c-pricer'))),
    solidity: chain.deploySolidity('SolidityPricer'),
  }
  const vaultAbi = sol.OptionVault!.abi as Abi
  const args = [2_000_000_000n, 1_900_000_000n, 6_500n, 7_776_000n] as const
  const quotes: Record<string, unknown> = {}
  for (const [name, pricer] of Object.entries(pricers)) {
    const result = chain.send(
      vault,
      fromHex(encodeFunctionData({ abi: vaultAbi, functionName: 'price', args: [pricer, ...args] })),
    )
    assert.ok(result.included && result.status === 'success', `${name}: ${result.included && result.haltReason}`)
    quotes[name] = decodeFunctionResult({ abi: vaultAbi, functionName: 'price', data: toHex(result.returnData) })
    const event = decodeEventLog({
      abi: vaultAbi,
      data: toHex(result.logs[0]!.data),
      topics: result.logs[0]!.topics.map(toHex) as [`0x${string}`],
    })
    assert.equal(event.eventName, 'Quoted')
  }
  assert.deepEqual(quotes.assemblyscript, quotes.solidity)
  assert.deepEqual(quotes.c, quotes.solidity)
  // A direct call with out-of-range input reverts with the same Error(string) in every VM.
  for (const pricer of Object.values(pricers)) {
    const bad = chain.send(
      pricer,
      fromHex(encodeFunctionData({ abi: pricerAbi, functionName: 'quote', args: [1n << 40n, 1n, 1n, 1n] })),
    )
    assert.ok(bad.included && bad.status === 'revert')
    assert.equal(toHex(bad.returnData).slice(0, 10), '0x08c379a0')
  }
})

test('a WASM ERC20 deploys with constructor arguments through a create transaction', () => {
  const chain = new Chain()
  const erc20 = parseAbi([
    'function balanceOf(address) view returns (uint256)',
    'function transfer(address,uint256) returns (bool)',
  ])
  for (const example of ['as-erc20', 'c-erc20'] as const) {
    const token = chain.deploy(
      wasmInitCode(wasmExample(example), fromHex(encodeAbiParameters([{ type: 'uint256' }], [10n ** 21n]))),
    )
    const bob: Address = '0x0000000000000000000000000000000000000b0b'
    const sent = chain.send(
      token,
      fromHex(encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [bob, 5n] })),
    )
    assert.ok(sent.included && sent.status === 'success', `${example}: ${sent.included && sent.haltReason}`)
    assert.equal(sent.logs.length, 1)
    const balance = chain.send(
      token,
      fromHex(encodeFunctionData({ abi: erc20, functionName: 'balanceOf', args: [ALICE] })),
    )
    assert.ok(balance.included)
    assert.equal(BigInt(toHex(balance.returnData)), 10n ** 21n - 5n)
  }
  const invalid = chain.send(null, wasmInitCode(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])))
  assert.ok(invalid.included && invalid.status === 'halt')
  assert.match(invalid.haltReason!, /InvalidWasm: a contract defines exactly one memory/)
})

type Hop = { address: Address; vm: 'evm' | 'wasm' }
/** Calldata of a chain: flags ‖ next ‖ (the next hop's calldata), ending with a zero target. */
function chainCalldata(hops: Hop[], flagsAt: (i: number) => number): Uint8Array {
  let data: Uint8Array = new Uint8Array()
  for (let i = hops.length - 1; i >= 0; i--) {
    const next = i + 1 < hops.length ? fromHex(hops[i + 1]!.address) : new Uint8Array(20)
    data = concatBytes(Uint8Array.of(flagsAt(i)), next, data)
  }
  return data
}

function deployChain(chain: Chain, length: number, firstVm: 'evm' | 'wasm'): Hop[] {
  return Array.from({ length }, (_, i) => {
    const vm = (i % 2 === 0) === (firstVm === 'evm') ? 'evm' : 'wasm'
    return {
      vm,
      address: vm === 'evm' ? chain.deploySolidity('Relay') : chain.deploy(wasmInitCode(wasmExample('as-forwarder'))),
    }
  })
}

const COUNT = 1
const REVERT_AFTER = 2
const SWALLOW = 4
const STATIC = 8

test('EVM→WASM→EVM chains: a revert at any depth undoes exactly that depth and below', () => {
  for (const firstVm of ['evm', 'wasm'] as const) {
    const length = 6
    for (let k = 1; k < length; k++) {
      const chain = new Chain()
      const hops = deployChain(chain, length, firstVm)
      const data = chainCalldata(hops, (i) => COUNT | (i === k ? REVERT_AFTER : 0) | (i === k - 1 ? SWALLOW : 0))
      const result = chain.send(hops[0]!.address, data)
      assert.ok(
        result.included && result.status === 'success',
        `${firstVm} chain, revert at ${k}: ${result.included && result.haltReason}`,
      )
      const visits = hops.map((h) => chain.storage(h.address, 0n))
      assert.deepEqual(
        visits,
        hops.map((_, i) => (i < k ? 1n : 0n)),
        `${firstVm} chain, revert at ${k}`,
      )
    }
  }
})

test('revert data bubbles unchanged through both VMs', () => {
  for (const firstVm of ['evm', 'wasm'] as const) {
    const chain = new Chain()
    const hops = deployChain(chain, 5, firstVm)
    const data = chainCalldata(hops, (i) => COUNT | (i === 4 ? REVERT_AFTER : 0))
    const result = chain.send(hops[0]!.address, data)
    assert.ok(
      result.included && result.status === 'revert',
      `${firstVm}: ${result.included && result.status} ${result.included && result.haltReason}`,
    )
    assert.equal(toHex(result.returnData), '0xdeadbeef')
    for (const hop of hops) assert.equal(chain.storage(hop.address, 0n), 0n, 'nothing survives a bubbled revert')
  }
})

test('static calls protect state across VMs in both directions', () => {
  for (const firstVm of ['evm', 'wasm'] as const) {
    const chain = new Chain()
    const hops = deployChain(chain, 3, firstVm)
    // Hop 0 static-calls hop 1, which tries to count (a write): it must fail; hop 0 swallows that.
    const data = chainCalldata(hops, (i) => (i === 0 ? STATIC | SWALLOW | COUNT : COUNT))
    const result = chain.send(hops[0]!.address, data)
    assert.ok(result.included && result.status === 'success', `${firstVm}: ${result.included && result.haltReason}`)
    assert.equal(chain.storage(hops[0]!.address, 0n), 1n)
    assert.equal(chain.storage(hops[1]!.address, 0n), 0n, `${firstVm}: the static callee could not write`)
    assert.equal(chain.storage(hops[2]!.address, 0n), 0n)
  }
})

test('call depth: 1,024 across both VMs, WASM nesting bounded by the deterministic stack budget, never a host overflow', () => {
  const visitsFor = (pattern: 'evm' | 'wasm' | 'alternate') => {
    const chain = new Chain()
    const relay = chain.deploySolidity('Relay')
    const forwarder = chain.deploy(wasmInitCode(wasmExample('as-forwarder')))
    const hops: Hop[] = Array.from({ length: 1100 }, (_, i) => {
      const vm = pattern === 'alternate' ? (i % 2 === 0 ? 'evm' : 'wasm') : pattern
      return { vm, address: vm === 'evm' ? relay : forwarder }
    })
    // Every hop counts its visit and swallows a failed deeper call, so the transaction succeeds
    // and the counters tell how deep the chain got.
    const result = chain.send(
      hops[0]!.address,
      chainCalldata(hops, () => COUNT | SWALLOW),
      10n ** 17n,
    )
    assert.ok(result.included && result.status === 'success', `${pattern}: ${result.included && result.haltReason}`)
    return [chain.storage(relay, 0n), chain.storage(forwarder, 0n)]
  }
  assert.deepEqual(visitsFor('evm'), [1025n, 0n], 'frames at depths 0..1024 run; the call at depth 1,024 fails')
  const wasm = visitsFor('wasm')
  const alternate = visitsFor('alternate')
  assert.equal(wasm[0], 0n)
  assert.ok(wasm[1]! > 100n && wasm[1]! < 1025n, `WASM frames stop at the stack budget (${wasm[1]})`)
  assert.deepEqual(visitsFor('wasm'), wasm, 'the limit falls at the same frame every time')
  assert.ok(alternate[0]! === alternate[1]! || alternate[0]! === alternate[1]! + 1n)
  assert.deepEqual(visitsFor('alternate'), alternate)
})
