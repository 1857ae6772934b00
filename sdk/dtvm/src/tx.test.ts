import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fromHex, keccak256 } from '@spnkit/crypto'
import { BlockExecutor, createAddress, InMemoryState } from './index.ts'
import type { Address, BlockContext, TxInput } from './types.ts'

const ALICE: Address = '0x00000000000000000000000000000000000a11ce'
const CONTRACT: Address = '0x00000000000000000000000000000000000c0de0'
const COINBASE: Address = '0x0000000000000000000000000000000000c0ba5e'
const ETHER = 10n ** 18n

const block: BlockContext = {
  chainId: 1n,
  number: 10n,
  timestamp: 1000n,
  coinbase: COINBASE,
  gasLimit: 30_000_000n,
  baseFee: 7n,
  prevRandao: 0n,
  excessBlobGas: 0n,
  blockHash: (n) => keccak256(new TextEncoder().encode(String(n))),
}

function tx(over: Partial<TxInput> = {}): TxInput {
  return {
    type: 2,
    from: ALICE,
    to: CONTRACT,
    nonce: 0n,
    gasLimit: 1_000_000n,
    maxFeePerGas: 10n,
    maxPriorityFeePerGas: 2n,
    value: 0n,
    data: new Uint8Array(0),
    ...over,
  }
}

function setup(code?: string): InMemoryState {
  const state = new InMemoryState()
  state.setAccount(ALICE, { balance: ETHER })
  if (code !== undefined) state.setAccount(CONTRACT, { code: fromHex(code), nonce: 1n })
  return state
}

test('a value transfer pays 21000 gas, the tip to the coinbase and bumps the nonce', () => {
  const state = setup()
  const bob: Address = '0x0000000000000000000000000000000000000b0b'
  const exec = new BlockExecutor(state, block)
  const r = exec.execute(tx({ to: bob, value: 1000n }))
  assert.ok(r.included)
  assert.equal(r.status, 'success')
  assert.equal(r.gasUsed, 21000n)
  assert.equal(r.effectiveGasPrice, 9n)
  state.applyDiff(exec.diff())
  assert.equal(state.getAccount(bob)?.balance, 1000n)
  assert.equal(state.getAccount(ALICE)?.balance, ETHER - 1000n - 21000n * 9n)
  assert.equal(state.getAccount(ALICE)?.nonce, 1n)
  assert.equal(state.getAccount(COINBASE)?.balance, 21000n * 2n)
})

test('invalid transactions are rejected with a reason and change nothing', () => {
  const state = setup('0x00')
  const exec = new BlockExecutor(state, block)
  const cases: [Partial<TxInput>, string][] = [
    [{ nonce: 1n }, 'NONCE_TOO_HIGH'],
    [{ gasLimit: 20000n }, 'INTRINSIC_GAS_TOO_LOW'],
    [{ value: 2n * ETHER }, 'INSUFFICIENT_ACCOUNT_FUNDS'],
    [{ maxFeePerGas: 5n, maxPriorityFeePerGas: 1n }, 'INSUFFICIENT_MAX_FEE_PER_GAS'],
    [{ maxPriorityFeePerGas: 11n }, 'PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS'],
    [{ from: CONTRACT }, 'SENDER_NOT_EOA'],
    [{ gasLimit: 40_000_000n }, 'GAS_ALLOWANCE_EXCEEDED'],
    [
      { type: 3, to: null, maxFeePerBlobGas: 1n, blobVersionedHashes: [new Uint8Array(32).fill(1)] },
      'TYPE_3_TX_CONTRACT_CREATION',
    ],
    [{ type: 3, maxFeePerBlobGas: 1n, blobVersionedHashes: [] }, 'TYPE_3_TX_ZERO_BLOBS'],
    [
      { type: 3, maxFeePerBlobGas: 1n, blobVersionedHashes: [new Uint8Array(32)] },
      'TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH',
    ],
    [{ to: null, data: new Uint8Array(49153) }, 'INITCODE_SIZE_EXCEEDED'],
  ]
  for (const [over, code] of cases) {
    const r = exec.execute(tx(over))
    assert.equal(r.included, false, code)
    if (!r.included) {
      assert.equal(r.rejection.code, code)
      assert.ok(r.rejection.message.length > 10)
    }
  }
  assert.equal(exec.diff().accounts.size, 0)
})

test('deploys a contract, then calls it: storage, logs and return data', () => {
  // runtime: SSTORE(0, CALLDATALOAD(0)); LOG1(0, 0, topic=0x42); RETURN the stored word via MSTORE
  const runtime = '5f35805f55604260205fa15f5260205ff3'
  const len = runtime.length / 2
  // initcode: CODECOPY(0, 12, len); RETURN(0, len)
  const init = `60${len.toString(16).padStart(2, '0')}600a5f3960${len.toString(16).padStart(2, '0')}5ff3${runtime}`
  assert.equal(init.indexOf(runtime), 20)
  const state = setup()
  const exec = new BlockExecutor(state, block)
  const created = exec.execute(tx({ to: null, data: fromHex(init) }))
  assert.ok(created.included && created.status === 'success')
  const address = createAddress(ALICE, 0n)
  assert.equal(created.createdAddress, address)
  const word = fromHex(`0x${'ab'.repeat(32)}`)
  const called = exec.execute(tx({ to: address, nonce: 1n, data: word }))
  assert.ok(called.included && called.status === 'success')
  assert.deepEqual(called.returnData, word)
  assert.equal(called.logs.length, 1)
  assert.equal(called.logs[0]!.address, address)
  assert.equal(called.logs[0]!.topics[0]![31], 0x42)
  state.applyDiff(exec.diff())
  assert.deepEqual(state.getCode(address), fromHex(runtime))
  assert.equal(state.getStorage(address, 0n), BigInt(`0x${'ab'.repeat(32)}`))
})

test('revert returns its data and unused gas; the state change is undone', () => {
  // SSTORE(0, 1); MSTORE(0, 0x99); REVERT(31, 1)
  const state = setup('0x60015f5560995f526001601ffd')
  const exec = new BlockExecutor(state, block)
  const r = exec.execute(tx())
  assert.ok(r.included)
  assert.equal(r.status, 'revert')
  assert.deepEqual(r.returnData, Uint8Array.of(0x99))
  assert.ok(r.gasUsed < 100_000n)
  state.applyDiff(exec.diff())
  assert.equal(state.getStorage(CONTRACT, 0n), 0n)
})

test('bad bytecode ends the frame exceptionally and consumes all gas, never throwing', () => {
  const programs = {
    invalidOpcode: '0x6001fe',
    undefinedOpcode: '0x0c',
    stackUnderflow: '0x01',
    invalidJump: '0x600356',
    jumpIntoPushData: '0x6004566000005b',
    outOfGas: '0x5b600056',
    hugeMemory: `0x5f7f${'ff'.repeat(32)}52`,
    stackOverflow: `0x${'5f'.repeat(1025)}`,
  }
  for (const [name, code] of Object.entries(programs)) {
    const state = setup(code)
    const r = new BlockExecutor(state, block).execute(tx({ gasLimit: 100_000n }))
    assert.ok(r.included, name)
    assert.equal(r.status, 'halt', name)
    assert.equal(r.gasUsed, 100_000n, name)
    assert.ok(r.haltReason, name)
  }
})

test('recursion stops at call depth 1024 without overflowing the host stack', () => {
  // Each frame: SSTORE(depth marker) is skipped; it CALLs itself with all gas, then stores the result.
  // CALL(gas, self, 0, 0, 0, 0, 0); SSTORE(0, result) ... only the outermost frames can afford the store.
  const code = '0x5f5f5f5f5f305af15f5500'
  const state = setup(code)
  const r = new BlockExecutor(state, block).execute(tx({ gasLimit: 29_000_000n }))
  assert.ok(r.included)
  assert.equal(r.status, 'success')
  // Frames nest until gas or depth runs out: either way the top frame completes normally.
  assert.ok(r.gasUsed > 21000n)
})
