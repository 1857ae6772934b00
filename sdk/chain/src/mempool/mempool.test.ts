import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fromHex } from '@spnkit/crypto'
import { privateKeyToAccount } from 'viem/accounts'
import { recoverInline } from '../tx/sender-recovery.ts'
import { type Address, decodeTransaction } from '../tx/transaction.ts'
import { defaultMempoolConfig, Mempool, type PooledTransaction } from './mempool.ts'
import { TransactionRejected } from './rejection.ts'

const alice = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const bob = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const to = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'
const gwei = 10n ** 9n

async function tx(
  account: typeof alice,
  nonce: number,
  opts: { tip?: bigint; fee?: bigint; gas?: bigint; chainId?: number; value?: bigint } = {},
): Promise<PooledTransaction> {
  const raw = await account.signTransaction({
    type: 'eip1559',
    chainId: opts.chainId ?? 1337,
    nonce,
    maxFeePerGas: opts.fee ?? 2n * gwei,
    maxPriorityFeePerGas: opts.tip ?? gwei,
    gas: opts.gas ?? 21000n,
    to,
    value: opts.value ?? 1n,
  })
  const decoded = decodeTransaction(fromHex(raw))
  return { ...decoded, from: recoverInline(decoded)! }
}

function pool(nonces: Record<string, bigint> = {}, overrides = {}) {
  const reader = (a: Address) => ({ nonce: nonces[a] ?? 0n, balance: 10n ** 20n })
  return new Mempool({ ...defaultMempoolConfig(1337n), ...overrides }, reader, gwei)
}

const rejects = (fn: () => unknown, reason: string) =>
  assert.throws(fn, (e: unknown) => e instanceof TransactionRejected && e.reason === reason)

describe('Mempool', () => {
  it('selects consecutive nonces per sender and holds gapped ones', async () => {
    const p = pool()
    p.add(await tx(alice, 0))
    p.add(await tx(alice, 1))
    p.add(await tx(alice, 3)) // gap at 2
    p.add(await tx(bob, 0, { tip: 2n * gwei, fee: 3n * gwei }))
    const picked = p.select(100, 10n ** 9n)
    assert.deepEqual(
      picked.map((t) => [t.from, t.nonce]),
      [
        [bob.address.toLowerCase(), 0n],
        [alice.address.toLowerCase(), 0n],
        [alice.address.toLowerCase(), 1n],
      ],
    )
    assert.equal(p.pendingNonce(alice.address.toLowerCase() as Address), 2n)
  })

  it('replaces only with a 10% bump on both fees', async () => {
    const p = pool()
    const first = await tx(alice, 0)
    p.add(first)
    rejects(() => p.add(tx2), 'ReplacementUnderpriced')
    const evicted = p.add(await tx(alice, 0, { tip: (11n * gwei) / 10n, fee: (22n * gwei) / 10n }))
    assert.deepEqual(evicted, [first.hash])
    assert.equal(p.size, 1)
  })

  it('refuses with clear reasons', async () => {
    const p = pool({ [alice.address.toLowerCase()]: 5n }, { maxNonceGap: 10, maxTransactions: 2 })
    rejects(() => p.add(lowNonce), 'NonceTooLow')
    rejects(() => p.add(farNonce), 'NonceTooHigh')
    rejects(() => p.add(wrongChain), 'WrongChainId')
    rejects(() => p.add(cheap), 'FeeTooLow')
    rejects(() => p.add(lowGas), 'IntrinsicGasTooLow')
    rejects(() => p.add(rich), 'InsufficientFunds')
    const ok = await tx(alice, 5)
    p.add(ok)
    rejects(() => p.add(ok), 'AlreadyKnown')
    p.add(await tx(alice, 6, { tip: 2n * gwei, fee: 3n * gwei }))
    // Full: a cheaper newcomer is refused, a pricier one evicts the cheapest tail (alice 6 is the tail)
    rejects(() => p.add(bobCheap), 'PoolFull')
  })

  it('drops stale transactions once the account nonce moves', async () => {
    const nonces: Record<string, bigint> = {}
    const p = pool(nonces)
    p.add(await tx(alice, 0))
    p.add(await tx(alice, 1))
    nonces[alice.address.toLowerCase()] = 1n
    p.removeStale([alice.address.toLowerCase() as Address])
    assert.equal(p.size, 1)
    assert.equal(p.select(10, 10n ** 9n)[0]!.nonce, 1n)
  })
})

const tx2 = await tx(alice, 0, { tip: gwei + 1n, fee: 2n * gwei + 1n })
const lowNonce = await tx(alice, 4)
const farNonce = await tx(alice, 16)
const wrongChain = await tx(alice, 5, { chainId: 1 })
const cheap = await tx(alice, 5, { fee: gwei - 1n, tip: 1n })
const lowGas = await tx(alice, 5, { gas: 20000n })
const rich = await tx(alice, 5, { value: 10n ** 21n })
const bobCheap = await tx(bob, 0, { tip: 1n })
