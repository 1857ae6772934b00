import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { type DevNode, devFunding, startDevNode } from '@spnkit/chain/testing'
import { MailboxAbi } from '@spnkit/contracts/abi'
import { fromHex } from '@spnkit/crypto'
import { createPublicClient, createWalletClient, defineChain, http, pad } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { devAccounts, MAILBOX_ADDRESS, MAILBOX_ROOT_CALLDATA, MAINNET_DOMAIN, systemDeployments } from './genesis.ts'

const chain = defineChain({
  id: 31337,
  name: 'dev',
  nativeCurrency: { name: 'E', symbol: 'E', decimals: 18 },
  rpcUrls: { default: { http: [] } },
})
let dev: DevNode
before(async () => {
  dev = await startDevNode({
    genesis: {
      timestamp: 1_700_000_000n,
      baseFeePerGas: 1_000_000_000n,
      diff: devFunding,
      deployments: systemDeployments().map((d) => ({ from: d.from, initcode: fromHex(d.initcode) })),
    },
    outbox: { address: MAILBOX_ADDRESS, rootCalldata: fromHex(MAILBOX_ROOT_CALLDATA) },
  })
})
after(() => dev.stop())

it('genesis creates the Mailbox with DTVM, and every header carries its outbox root in extraData', async () => {
  const client = createPublicClient({ chain, transport: http(dev.url), pollingInterval: 20 })
  assert.equal(
    await client.readContract({ address: MAILBOX_ADDRESS, abi: MailboxAbi, functionName: 'localDomain' }),
    MAINNET_DOMAIN,
  )
  const owner = (await client.readContract({
    address: MAILBOX_ADDRESS,
    abi: MailboxAbi,
    functionName: 'owner',
  })) as string
  assert.equal(owner.toLowerCase(), devAccounts(1)[0]!.address)
  const genesis = await client.getBlock({ blockNumber: 0n })
  assert.equal(
    genesis.extraData,
    await client.readContract({ address: MAILBOX_ADDRESS, abi: MailboxAbi, functionName: 'root', blockNumber: 0n }),
  )

  // startDevNode funds the standard dev keys; dispatch a message and watch the root move into the header.
  const account = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
  const wallet = createWalletClient({ account, chain, transport: http(dev.url) })
  const hash = await wallet.writeContract({
    address: MAILBOX_ADDRESS,
    abi: MailboxAbi,
    functionName: 'dispatch',
    args: [2, pad(account.address), '0x1234'],
  })
  const receipt = await client.waitForTransactionReceipt({ hash })
  assert.equal(receipt.status, 'success')
  const block = await client.getBlock({ blockNumber: receipt.blockNumber })
  const root = await client.readContract({
    address: MAILBOX_ADDRESS,
    abi: MailboxAbi,
    functionName: 'root',
    blockNumber: receipt.blockNumber,
  })
  assert.equal(block.extraData, root)
  assert.notEqual(block.extraData, genesis.extraData)
})
