// Differential test: the same signed transaction sequence on our node (DTVM + store) and on anvil
// gives the same statuses, gas used, logs, return/revert data, storage and gas estimates.
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { TallyAbi, TallyBytecode } from '@spnkit/contracts/abi/fixtures'
import { type Anvil, startAnvil } from '@spnkit/contracts/anvil'
import {
  type Abi,
  createPublicClient,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  http,
  type PublicClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { DEV_KEYS, type DevNode, startDevNode } from './testing/dev-node.ts'
import { devTokenArtifact } from './testing/erc20.ts'

let ours: DevNode
let anvil: Anvil
let a: PublicClient
let b: PublicClient

before(async () => {
  ours = await startDevNode({ gasLimit: 30_000_000n })
  anvil = await startAnvil({ chainId: 31337, args: ['--hardfork', 'cancun'] }) // our chain runs Cancun rules
  a = createPublicClient({ transport: http(ours.url), pollingInterval: 20 })
  b = createPublicClient({ transport: http(anvil.rpcUrl), pollingInterval: 20 })
})
after(async () => {
  await ours.stop()
  await anvil.stop()
})

const alice = privateKeyToAccount(DEV_KEYS[0])
const bob = privateKeyToAccount(DEV_KEYS[1])
const nonces = new Map<string, number>()

async function send(account: typeof alice, to: Hex | null, data: Hex, value = 0n) {
  const nonce = nonces.get(account.address) ?? 0
  nonces.set(account.address, nonce + 1)
  const raw = await account.signTransaction({
    type: 'eip1559',
    chainId: 31337,
    nonce,
    gas: 3_000_000n,
    maxFeePerGas: 20_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    to: to ?? undefined,
    value,
    data,
  })
  const results = await Promise.all(
    [a, b].map(async (client) => {
      const hash = await client.sendRawTransaction({ serializedTransaction: raw })
      const r = await client.waitForTransactionReceipt({ hash })
      return {
        status: r.status,
        gasUsed: r.gasUsed,
        contractAddress: r.contractAddress ?? null,
        logs: r.logs.map((l) => ({ address: l.address, topics: l.topics, data: l.data })),
        logsBloom: r.logsBloom,
      }
    }),
  )
  assert.deepEqual(results[0], results[1], `receipt differs for ${data.slice(0, 10)}`)
  return results[0]!
}

async function same<T>(what: string, fn: (c: PublicClient) => Promise<T>): Promise<T> {
  const settle = (p: Promise<T>) =>
    p.then(
      (v) => ({ ok: v }),
      (e: { details?: string; data?: unknown; walk?: unknown }) => ({ err: describeError(e) }),
    )
  const [x, y] = await Promise.all([settle(fn(a)), settle(fn(b))])
  assert.deepEqual(x, y, `${what} differs`)
  return (x as { ok: T }).ok
}

function describeError(e: unknown): unknown {
  // Compare what a client can rely on: the revert data (raw bytes), not each node's wording.
  let data: unknown
  for (let c = e as { cause?: unknown; data?: unknown } | undefined; c; c = c.cause as typeof c)
    if (typeof c.data === 'string') data = c.data
  return { reverted: true, data }
}

const call = (to: Hex, abi: Abi, functionName: string, args: unknown[] = [], from = alice.address) =>
  same(`call ${functionName}`, (c) =>
    c
      .call({ account: from, to, data: encodeFunctionData({ abi, functionName, args } as never) })
      .then((r) => r.data ?? '0x'),
  )

const estimate = (to: Hex | null, data: Hex, from = alice.address) =>
  same(`estimateGas ${data.slice(0, 10)}`, (c) => c.estimateGas({ account: from, to: to ?? undefined, data } as never))

it('matches anvil on Tally, an OpenZeppelin ERC20, reverts and native transfers', async () => {
  // Tally: deploy, add, revert with a custom error, read
  const deployTally = await send(alice, null, TallyBytecode)
  const tally = deployTally.contractAddress!
  assert.equal(tally, getContractAddress({ from: alice.address, nonce: 0n }).toLowerCase())
  await estimate(tally, encodeFunctionData({ abi: TallyAbi, functionName: 'add', args: [5n] }))
  await send(alice, tally, encodeFunctionData({ abi: TallyAbi, functionName: 'add', args: [5n] }))
  await send(bob, tally, encodeFunctionData({ abi: TallyAbi, functionName: 'add', args: [7n] }))
  const zero = await send(bob, tally, encodeFunctionData({ abi: TallyAbi, functionName: 'add', args: [0n] }))
  assert.equal(zero.status, 'reverted')
  assert.equal(BigInt(await call(tally, TallyAbi, 'total')), 12n)
  await call(tally, TallyAbi, 'add', [0n]) // revert data of ZeroAmount()
  await estimate(tally, encodeFunctionData({ abi: TallyAbi, functionName: 'add', args: [0n] }))

  // ERC20 flows
  const token = devTokenArtifact()
  const deployToken = await send(
    alice,
    null,
    encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: [10n ** 24n] }),
  )
  const erc20 = deployToken.contractAddress!
  const fn = (functionName: string, args: unknown[]) =>
    encodeFunctionData({ abi: token.abi, functionName, args } as never)
  await estimate(erc20, fn('transfer', [bob.address, 1000n]))
  await send(alice, erc20, fn('transfer', [bob.address, 1000n]))
  await send(alice, erc20, fn('approve', [bob.address, 500n]))
  await send(bob, erc20, fn('transferFrom', [alice.address, bob.address, 200n]))
  const over = await send(bob, erc20, fn('transfer', [alice.address, 10n ** 30n]))
  assert.equal(over.status, 'reverted')
  assert.equal(BigInt(await call(erc20, token.abi, 'balanceOf', [bob.address])), 1200n)
  await call(erc20, token.abi, 'allowance', [alice.address, bob.address])
  await call(erc20, token.abi, 'name')
  await call(erc20, token.abi, 'fail', [42n])
  await call(erc20, token.abi, 'failString')
  await call(erc20, token.abi, 'transfer', [alice.address, 10n ** 30n], bob.address)

  // native value: to a fresh account, and to a contract that cannot receive it
  await send(alice, '0x000000000000000000000000000000000000dEaD', '0x', 12345n)
  const refused = await send(alice, tally, '0x', 1n)
  assert.equal(refused.status, 'reverted')

  // storage and balances
  for (const slot of [0n, 1n, 2n])
    await same(`tally slot ${slot}`, (c) => c.getStorageAt({ address: tally, slot: `0x${slot.toString(16)}` }))
  await same('dead balance', (c) => c.getBalance({ address: '0x000000000000000000000000000000000000dEaD' }))
  await same('tally code', (c) => c.getCode({ address: tally }))
  await same('token code', (c) => c.getCode({ address: erc20 }))
  await same('bob nonce', (c) => c.getTransactionCount({ address: bob.address }))
})
