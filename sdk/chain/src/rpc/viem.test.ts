import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { TallyAbi, TallyBytecode } from '@spnkit/contracts/abi/fixtures'
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type PublicClient,
  parseEther,
  webSocket,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { DEV_KEYS, type DevNode, startDevNode } from '../testing/dev-node.ts'

let dev: DevNode
const alice = privateKeyToAccount(DEV_KEYS[0])
const bob = privateKeyToAccount(DEV_KEYS[1])
const chain = defineChain({
  id: 31337,
  name: 'spnkit dev',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: ['http://127.0.0.1'] } },
})
let client: PublicClient

before(async () => {
  dev = await startDevNode()
  client = createPublicClient({ chain, transport: http(dev.url), pollingInterval: 50 })
})
after(() => dev.stop())

const wallet = (account = alice) => createWalletClient({ account, chain, transport: http(dev.url) })

describe('viem against a dev node (DTVM + store)', () => {
  it('reads chain basics', async () => {
    assert.equal(await client.getChainId(), 31337)
    assert.equal(await client.getBlockNumber(), 0n)
    assert.equal(await client.getBalance({ address: alice.address }), parseEther('10000'))
    const block = await client.getBlock({ blockTag: 'latest' })
    assert.equal(block.number, 0n)
  })

  it('transfers value and reports the receipt with every finality tier', async () => {
    const hash = await wallet().sendTransaction({ to: bob.address, value: parseEther('1.5') })
    const receipt = await client.waitForTransactionReceipt({ hash })
    assert.equal(receipt.status, 'success')
    assert.equal(receipt.gasUsed, 21000n)
    assert.equal(await client.getBalance({ address: bob.address }), parseEther('10001.5'))
    const tx = await client.getTransaction({ hash })
    assert.equal(tx.from.toLowerCase(), alice.address.toLowerCase())
    const finality = await client.request({ method: 'spn_getFinality' as 'eth_chainId', params: [hash] as never })
    assert.equal((finality as unknown as { status: string }).status, 'finalized')
    const block = await client.getBlock({ blockNumber: receipt.blockNumber, includeTransactions: true })
    assert.equal(block.transactions[0]!.hash, hash)
    assert.equal(block.hash, receipt.blockHash)
    const finalized = await client.getBlock({ blockTag: 'finalized' })
    assert.ok(finalized.number >= receipt.blockNumber)
  })

  it('deploys a contract, calls it, reads events, logs and storage', async () => {
    const deploy = await wallet().deployContract({ abi: TallyAbi, bytecode: TallyBytecode })
    const { contractAddress } = await client.waitForTransactionReceipt({ hash: deploy })
    assert.ok(contractAddress)
    assert.notEqual(await client.getCode({ address: contractAddress }), undefined)
    const estimate = await client.estimateContractGas({
      address: contractAddress,
      abi: TallyAbi,
      functionName: 'add',
      args: [5n],
      account: alice,
    })
    assert.ok(estimate > 21000n && estimate < 200000n)
    const hash = await wallet().writeContract({
      address: contractAddress,
      abi: TallyAbi,
      functionName: 'add',
      args: [5n],
    })
    const receipt = await client.waitForTransactionReceipt({ hash })
    assert.equal(receipt.logs.length, 1)
    assert.ok(receipt.gasUsed <= estimate)
    assert.equal(await client.readContract({ address: contractAddress, abi: TallyAbi, functionName: 'total' }), 5n)
    const events = await client.getContractEvents({
      address: contractAddress,
      abi: TallyAbi,
      eventName: 'Added',
      fromBlock: 0n,
    })
    assert.equal(events.length, 1)
    assert.equal(events[0]!.args.amount, 5n)
    assert.equal(events[0]!.args.from?.toLowerCase(), alice.address.toLowerCase())
    const slot0 = await client.getStorageAt({ address: contractAddress, slot: '0x0' })
    assert.equal(BigInt(slot0!), 5n)
  })

  it('surfaces reverts with their data (custom errors decode)', async () => {
    const deploy = await wallet().deployContract({ abi: TallyAbi, bytecode: TallyBytecode })
    const { contractAddress } = await client.waitForTransactionReceipt({ hash: deploy })
    await assert.rejects(
      client.simulateContract({
        address: contractAddress!,
        abi: TallyAbi,
        functionName: 'add',
        args: [0n],
        account: alice,
      }),
      (e: unknown) => {
        const revert = e instanceof BaseError ? e.walk((x) => x instanceof ContractFunctionRevertedError) : undefined
        return revert instanceof ContractFunctionRevertedError && revert.data?.errorName === 'ZeroAmount'
      },
    )
  })

  it('streams new heads and logs over WebSocket', async () => {
    const ws = createPublicClient({ chain, transport: webSocket(dev.wsUrl) })
    const deploy = await wallet().deployContract({ abi: TallyAbi, bytecode: TallyBytecode })
    const { contractAddress } = await client.waitForTransactionReceipt({ hash: deploy })
    const got = new Promise<bigint>((resolve) => {
      const unwatch = ws.watchContractEvent({
        address: contractAddress!,
        abi: TallyAbi,
        eventName: 'Added',
        onLogs: (logs) => {
          unwatch()
          resolve(logs[0]!.args.amount!)
        },
      })
    })
    const head = new Promise<bigint>((resolve) => {
      const unwatch = ws.watchBlockNumber({
        onBlockNumber: (n) => {
          unwatch()
          resolve(n)
        },
      })
    })
    await new Promise((r) => setTimeout(r, 100)) // let the subscriptions register
    await wallet(bob).writeContract({ address: contractAddress!, abi: TallyAbi, functionName: 'add', args: [7n] })
    assert.equal(await got, 7n)
    assert.ok((await head) > 0n)
    await ws.transport.getRpcClient().then((c) => c.close())
  })
})
