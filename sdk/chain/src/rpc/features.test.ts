import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { TallyAbi, TallyBytecode } from '@spnkit/contracts/abi/fixtures'
import { fromHex, keccak256, toHex } from '@spnkit/crypto'
import { verifyProof } from '@spnkit/store'
import { createPublicClient, createWalletClient, defineChain, http, parseAbiItem } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { encodeAccount } from '../state/account-codec.ts'
import { DEV_KEYS, type DevNode, startDevNode } from '../testing/dev-node.ts'

const chain = defineChain({
  id: 31337,
  name: 'dev',
  nativeCurrency: { name: 'E', symbol: 'E', decimals: 18 },
  rpcUrls: { default: { http: [] } },
})
let dev: DevNode
before(async () => {
  dev = await startDevNode()
})
after(() => dev.stop())
const account = privateKeyToAccount(DEV_KEYS[1])
const client = () => createPublicClient({ chain, transport: http(dev.url), pollingInterval: 20 })
const wallet = () => createWalletClient({ account, chain, transport: http(dev.url) })

describe('filters, proofs, finality events, start-up failures', () => {
  it('eth_newFilter / eth_getFilterChanges / block filters', async () => {
    const c = client()
    const hash = await wallet().deployContract({ abi: TallyAbi, bytecode: TallyBytecode })
    const { contractAddress } = await c.waitForTransactionReceipt({ hash })
    const logFilter = await c.createEventFilter({
      address: contractAddress!,
      event: parseAbiItem('event Added(address indexed from, uint256 amount, uint256 total)'),
    })
    const blockFilter = await c.createBlockFilter()
    const r = await c.waitForTransactionReceipt({
      hash: await wallet().writeContract({ address: contractAddress!, abi: TallyAbi, functionName: 'add', args: [4n] }),
    })
    const changes = await c.getFilterChanges({ filter: logFilter })
    assert.equal(changes.length, 1)
    assert.equal((changes[0] as { args: { total: bigint } }).args.total, 4n)
    assert.deepEqual(await c.getFilterChanges({ filter: logFilter }), [])
    const blocks = await c.getFilterChanges({ filter: blockFilter })
    assert.ok(blocks.includes(r.blockHash))
    assert.equal(await c.uninstallFilter({ filter: logFilter }), true)
  })

  it('eth_getProof returns store proofs that verify against the block state root', async () => {
    const c = client()
    const block = await c.getBlock()
    const proof = await c.getProof({ address: account.address, storageKeys: [], blockNumber: block.number })
    assert.equal(proof.storageHash, block.stateRoot)
    const value = encodeAccount({
      nonce: BigInt(proof.nonce),
      balance: proof.balance,
      codeHash: fromHex(proof.codeHash),
    })
    const key = keccak256(fromHex(account.address))
    assert.equal(verifyProof(fromHex(block.stateRoot), key, value, fromHex(proof.accountProof[0]!)), true)
    value[10]! ^= 1
    assert.equal(verifyProof(fromHex(block.stateRoot), key, value, fromHex(proof.accountProof[0]!)), false)
  })

  it('streams ordered → executed → finalized over eth_subscribe("spnFinality")', async () => {
    const ws = new WebSocket(dev.wsUrl)
    await new Promise((r) => ws.addEventListener('open', r, { once: true }))
    const tiers: string[] = []
    let target = ''
    ws.addEventListener('message', (e) => {
      const msg = JSON.parse(String(e.data)) as { params?: { result: { tier: string; hashes: string[] } } }
      if (msg.params?.result.hashes.includes(target)) tiers.push(msg.params.result.tier)
    })
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['spnFinality'] }))
    await new Promise((r) => setTimeout(r, 50))
    const raw = await account.signTransaction({
      type: 'eip1559',
      chainId: 31337,
      nonce: await client().getTransactionCount({ address: account.address, blockTag: 'pending' }),
      gas: 21000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      to: account.address,
      value: 1n,
    })
    target = toHex(keccak256(fromHex(raw)))
    await client().sendRawTransaction({ serializedTransaction: raw })
    for (let i = 0; i < 200 && tiers.length < 3; i++) await new Promise((r) => setTimeout(r, 10))
    assert.deepEqual(tiers, ['ordered', 'executed', 'finalized'])
    ws.close()
  })

  it('a node that cannot bind its port fails with NodeStartupError and releases its store', async () => {
    const port = Number(new URL(dev.url).port)
    const dataDir = mkdtempSync(path.join(tmpdir(), 'spnkit-startup-'))
    try {
      const failing = startDevNode({ dataDir, rpc: { host: '127.0.0.1', port, maxBodyBytes: 1 << 20, maxBatch: 10 } })
      await assert.rejects(
        failing,
        (e: unknown) =>
          (e as { _tag?: string })._tag === 'NodeStartupError' &&
          /is taken/.test(String((e as { hint?: string }).hint)),
      )
      // Everything acquired before the failure was released: the same data directory opens again.
      const again = await startDevNode({ dataDir })
      assert.equal(await createPublicClient({ chain, transport: http(again.url) }).getBlockNumber(), 0n)
      await again.stop()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
