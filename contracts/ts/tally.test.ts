// Proves the toolchain end to end: the fixture contract compiled by forge (wrapped npm solc),
// turned into a typed ABI module by scripts/gen-abi.ts, deployed to a real anvil through viem.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createPublicClient, createWalletClient, decodeEventLog, http, type PublicClient } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { TallyAbi, TallyBytecode } from '../abi/fixtures/index.ts'
import { type Anvil, startAnvil } from './anvil.ts'

// anvil's first dev account (standard "test test ... junk" mnemonic).
const account = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')

let anvil: Anvil
let publicClient: PublicClient
before(async () => {
  anvil = await startAnvil()
  publicClient = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) })
})
after(() => anvil.stop())

test('deploys Tally to anvil and calls it through the generated typed ABI', async () => {
  const wallet = createWalletClient({ account, chain: foundry, transport: http(anvil.rpcUrl) })
  const deployHash = await wallet.deployContract({ abi: TallyAbi, bytecode: TallyBytecode })
  const { contractAddress } = await publicClient.waitForTransactionReceipt({ hash: deployHash })
  assert.ok(contractAddress, 'deployment receipt carries the contract address')

  const { result, request } = await publicClient.simulateContract({
    account,
    address: contractAddress,
    abi: TallyAbi,
    functionName: 'add',
    args: [41n],
  })
  assert.equal(result, 41n)
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract(request) })
  assert.equal(receipt.status, 'success')

  const event = decodeEventLog({ abi: TallyAbi, ...receipt.logs[0]! })
  assert.equal(event.eventName, 'Added')
  assert.deepEqual(event.args, { from: account.address, amount: 41n, total: 41n })

  const total = await publicClient.readContract({ address: contractAddress, abi: TallyAbi, functionName: 'total' })
  assert.equal(total, 41n)
})

test('surfaces the contract custom error on a reverting call', async () => {
  const wallet = createWalletClient({ account, chain: foundry, transport: http(anvil.rpcUrl) })
  const { contractAddress } = await publicClient.waitForTransactionReceipt({
    hash: await wallet.deployContract({ abi: TallyAbi, bytecode: TallyBytecode }),
  })
  await assert.rejects(
    publicClient.simulateContract({
      account,
      address: contractAddress!,
      abi: TallyAbi,
      functionName: 'add',
      args: [0n],
    }),
    (error: Error) => error.message.includes('ZeroAmount'),
  )
})
