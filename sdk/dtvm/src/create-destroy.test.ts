import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fromHex } from '@spnkit/crypto'
import { BlockExecutor, create2Address, createAddress, InMemoryState } from './index.ts'
import type { Address, BlockContext, TxInput } from './types.ts'

const ALICE: Address = '0x00000000000000000000000000000000000a11ce'
const FACTORY: Address = '0x000000000000000000000000000000000000fac7'
const block: BlockContext = {
  chainId: 1n,
  number: 1n,
  timestamp: 1n,
  coinbase: '0x0000000000000000000000000000000000c0ba5e',
  gasLimit: 30_000_000n,
  baseFee: 0n,
  prevRandao: 0n,
  excessBlobGas: 0n,
  blockHash: () => new Uint8Array(32),
}
const call = (to: Address): TxInput => ({
  type: 0,
  from: ALICE,
  to,
  nonce: 0n,
  gasLimit: 1_000_000n,
  gasPrice: 1n,
  value: 0n,
  data: new Uint8Array(0),
})

function run(code: string, balance = 0n) {
  const state = new InMemoryState()
  state.setAccount(ALICE, { balance: 10n ** 18n })
  state.setAccount(FACTORY, { code: fromHex(code), nonce: 1n, balance })
  const exec = new BlockExecutor(state, block)
  const result = exec.execute(call(FACTORY))
  const diff = exec.diff()
  state.applyDiff(diff)
  return { state, result, diff }
}

test('EIP-6780: SELFDESTRUCT of a pre-existing contract only moves its balance', () => {
  const { state, result } = run('0x33ff', 100n) // SELFDESTRUCT(CALLER)
  assert.ok(result.included && result.status === 'success')
  assert.equal(state.getAccount(FACTORY)?.balance, 0n)
  assert.deepEqual(state.getCode(FACTORY), fromHex('0x33ff'))
  assert.equal(state.getAccount(ALICE)?.balance, 10n ** 18n - (result.included ? result.gasUsed : 0n) + 100n)
})

test('EIP-6780: a contract created and destroyed in one transaction is deleted', () => {
  const initcode = '6133ff5f526002601ef3' // returns runtime 0x33ff
  const factory = `0x69${initcode}5f525f5f5f5f5f600a60165ff05af100`
  const { state, result, diff } = run(factory)
  assert.ok(result.included && result.status === 'success')
  const child = createAddress(FACTORY, 1n)
  assert.equal(state.getAccount(child), undefined)
  assert.equal(diff.accounts.has(child), false)
  assert.equal(state.getAccount(FACTORY)?.nonce, 2n)
})

test('CREATE2 to an occupied address fails and pushes 0 (collision)', () => {
  const { state, result } = run('0x5f5f5f5ff55f555f5f5f5ff560015500')
  assert.ok(result.included && result.status === 'success')
  const target = create2Address(FACTORY, new Uint8Array(32), new Uint8Array(0))
  assert.equal(state.getStorage(FACTORY, 0n), BigInt(target))
  assert.equal(state.getStorage(FACTORY, 1n), 0n)
  assert.equal(state.getAccount(target)?.nonce, 1n)
  // Both CREATE2s bump the factory's nonce, the failed one too.
  assert.equal(state.getAccount(FACTORY)?.nonce, 3n)
})
