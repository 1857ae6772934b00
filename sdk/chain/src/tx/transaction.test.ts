import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { fromHex } from '@spnkit/crypto'
import { keccak256 as viemKeccak } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { recoverInline, SenderRecovery } from './sender-recovery.ts'
import { decodeTransaction, TransactionDecodeError } from './transaction.ts'

const key = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const account = privateKeyToAccount(key)
const to = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'

const samples = async () => [
  await account.signTransaction({
    type: 'legacy',
    chainId: 1337,
    nonce: 7,
    gasPrice: 10n ** 9n,
    gas: 21000n,
    to,
    value: 5n,
  }),
  await account.signTransaction({ type: 'legacy', nonce: 0, gasPrice: 1n, gas: 53000n, data: '0x6001600055' }),
  await account.signTransaction({
    type: 'eip2930',
    chainId: 1337,
    nonce: 1,
    gasPrice: 3n,
    gas: 30000n,
    to,
    accessList: [{ address: to, storageKeys: [`0x${'11'.repeat(32)}`] }],
  }),
  await account.signTransaction({
    type: 'eip1559',
    chainId: 1337,
    nonce: 300,
    maxFeePerGas: 2n * 10n ** 9n,
    maxPriorityFeePerGas: 10n ** 9n,
    gas: 100000n,
    to,
    value: 10n ** 18n,
    data: `0x${'ab'.repeat(200)}`,
  }),
]

describe('decodeTransaction', () => {
  it('decodes types 0-2 like viem signs them and recovers the signer', async () => {
    for (const raw of await samples()) {
      const tx = decodeTransaction(fromHex(raw))
      assert.equal(tx.hash, viemKeccak(raw))
      assert.equal(recoverInline(tx), account.address.toLowerCase())
    }
  })

  it('reads fields', async () => {
    const [legacy, , , dyn] = await samples()
    const a = decodeTransaction(fromHex(legacy!))
    assert.equal(a.type, 0)
    assert.equal(a.chainId, 1337n)
    assert.equal(a.nonce, 7n)
    assert.equal(a.value, 5n)
    assert.equal(a.to, to)
    const b = decodeTransaction(fromHex(dyn!))
    assert.equal(b.type, 2)
    assert.equal(b.nonce, 300n)
    assert.equal(b.maxFeePerGas, 2n * 10n ** 9n)
    assert.equal(b.data.length, 200)
  })

  it('rejects malformed input with a reason', async () => {
    const raw = fromHex((await samples())[3]!)
    assert.throws(() => decodeTransaction(new Uint8Array()), /empty input/)
    assert.throws(() => decodeTransaction(raw.subarray(0, raw.length - 3)), TransactionDecodeError)
    assert.throws(() => decodeTransaction(Uint8Array.of(...raw, 0)), /trailing/)
    assert.throws(() => decodeTransaction(Uint8Array.of(5, ...raw.subarray(1))), /unsupported transaction type 5/)
    assert.throws(() => decodeTransaction(Uint8Array.of(0x81, 0x00)), /unknown envelope/)
  })

  it('returns null for a tampered signature, in and off the thread', async () => {
    const raws = await samples()
    const good = raws.map((r) => decodeTransaction(fromHex(r)))
    const bad = { ...good[0]!, signature: Uint8Array.from(good[0]!.signature) }
    bad.signature[32] = 0xff // s above n/2
    const pool = new SenderRecovery({ workers: 1, inlineBelow: 0 })
    after(() => pool.close())
    const out = await pool.recover([...good, bad])
    assert.deepEqual(out, [...good.map(() => account.address.toLowerCase()), null])
  })
})
