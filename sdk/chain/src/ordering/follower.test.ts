import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { TallyAbi, TallyBytecode } from '@spnkit/contracts/abi/fixtures'
import { createPublicClient, createWalletClient, defineChain, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { DEV_KEYS, type DevNode, startDevNode } from '../testing/dev-node.ts'

const chain = defineChain({
  id: 31337,
  name: 'dev',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [] } },
})
let validator: DevNode
let follower: DevNode
before(async () => {
  validator = await startDevNode()
  follower = await startDevNode({ follow: validator.url, validatorKey: undefined, validatorAddress: undefined })
})
after(async () => {
  await follower.stop()
  await validator.stop()
})

it('a follower re-executes the validator blocks, reaches the same hashes, and forwards transactions', async () => {
  const account = privateKeyToAccount(DEV_KEYS[3])
  const wallet = createWalletClient({ account, chain, transport: http(follower.url) })
  const viaFollower = createPublicClient({ chain, transport: http(follower.url), pollingInterval: 50 })
  const viaValidator = createPublicClient({ chain, transport: http(validator.url), pollingInterval: 50 })
  const hash = await wallet.deployContract({ abi: TallyAbi, bytecode: TallyBytecode })
  const receipt = await viaFollower.waitForTransactionReceipt({ hash })
  const add = await wallet.writeContract({
    address: receipt.contractAddress!,
    abi: TallyAbi,
    functionName: 'add',
    args: [9n],
  })
  const r2 = await viaFollower.waitForTransactionReceipt({ hash: add })
  const a = await viaValidator.getBlock({ blockNumber: r2.blockNumber })
  const b = await viaFollower.getBlock({ blockNumber: r2.blockNumber })
  assert.equal(b.hash, a.hash)
  assert.equal(b.stateRoot, a.stateRoot)
  assert.equal(
    await viaFollower.readContract({ address: receipt.contractAddress!, abi: TallyAbi, functionName: 'total' }),
    9n,
  )
  // the validator's seal verified on the follower: the block counts as finalized there
  const finality = (await viaFollower.request({
    method: 'spn_getFinality' as 'eth_chainId',
    params: [add] as never,
  })) as unknown as {
    status: string
  }
  assert.equal(finality.status, 'finalized')
})
