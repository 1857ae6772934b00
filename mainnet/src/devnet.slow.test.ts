// A real devnet (4 validator processes + 1 follower) driven by cast, forge and viem; then kill -9
// of the ordering validator under load and a restart.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { TallyAbi } from '@spnkit/contracts/abi/fixtures'
import { foundryBinary } from '@spnkit/contracts/foundry'
import { createPublicClient, createWalletClient, defineChain, http, parseEther, webSocket } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { type Devnet, startDevnet } from './devnet.ts'
import { devAccounts } from './genesis.ts'

const run = promisify(execFile)
const contractsDir = path.resolve(import.meta.dirname, '../../contracts')
const accounts = devAccounts(20)
const chain = defineChain({
  id: 4747,
  name: 'spnkit',
  nativeCurrency: { name: 'E', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [] } },
})
const outDir = mkdtempSync(path.join(tmpdir(), 'spnkit-devnet-test-'))
let devnet: Devnet

const cast = async (...args: string[]) => (await run(foundryBinary('cast'), args, { timeout: 60_000 })).stdout.trim()
const rpc = (name: string) => devnet.nodes.find((n) => n.name === name)!.rpc

before(async () => {
  devnet = await startDevnet({
    validators: 4,
    followers: 1,
    rpcPort: 0,
    adminPort: 0,
    logLevel: 'warn',
    outDir,
    emptyBlockMs: 500,
    quiet: true,
    readyTimeoutMs: 120_000,
  })
})
after(async () => {
  await devnet?.stop()
  rmSync(outDir, { recursive: true, force: true })
})

describe('devnet with real clients', () => {
  it('serves /ready and Prometheus /metrics', async () => {
    const ready = await fetch(`${devnet.admin}/ready`)
    assert.equal(ready.status, 200)
    const metrics = await (await fetch(`${devnet.admin}/metrics`)).text()
    assert.match(metrics, /spnkit_node_block_height\{/)
    assert.match(metrics, /spnkit_node_mempool_size\{/)
    assert.match(metrics, /spnkit_node_stage_latency_seconds\{/)
  })

  it('cast: chain-id, send, receipt, call, logs (through the follower)', async () => {
    const url = rpc('f0')
    assert.equal(await cast('chain-id', '--rpc-url', url), '4747')
    const to = accounts[9]!.address
    const before = BigInt(await cast('balance', to, '--rpc-url', url))
    const sent = JSON.parse(
      await cast('send', '--json', '--private-key', accounts[5]!.privateKey, to, '--value', '1ether', '--rpc-url', url),
    )
    assert.equal(sent.status, '0x1')
    const receipt = JSON.parse(await cast('receipt', '--json', sent.transactionHash, '--rpc-url', url))
    assert.equal(receipt.blockHash, sent.blockHash)
    assert.equal(BigInt(await cast('balance', to, '--rpc-url', url)), before + parseEther('1'))
  })

  it('forge create deploys Tally from contracts/; cast calls it and reads its logs', async () => {
    const url = rpc('v0')
    const { stdout } = await run(
      'flock',
      [
        '/tmp/spnkit-forge.lock',
        foundryBinary('forge'),
        'create',
        'test/fixtures/Tally.sol:Tally',
        '--rpc-url',
        url,
        '--private-key',
        accounts[6]!.privateKey,
        '--broadcast',
      ],
      { cwd: contractsDir, timeout: 300_000 },
    )
    const address = /Deployed to: (0x[0-9a-fA-F]{40})/.exec(stdout)?.[1]
    assert.ok(address, stdout)
    await cast('send', '--private-key', accounts[6]!.privateKey, address, 'add(uint256)', '41', '--rpc-url', url)
    assert.equal(await cast('call', address, 'total()(uint256)', '--rpc-url', url), '41')
    const logs = JSON.parse(
      await cast(
        'logs',
        '--json',
        '--from-block',
        '0',
        '--address',
        address,
        'Added(address,uint256,uint256)',
        '--rpc-url',
        url,
      ),
    )
    assert.equal(logs.length, 1)
  })

  it('forge script --broadcast deploys the whole mainnet contract set (contracts/script/Deploy.s.sol)', async () => {
    // The script may only write inside contracts/ (fs_permissions); cache/ is ignored by git.
    const deployments = path.join(contractsDir, 'cache', `devnet-test-deploy-${process.pid}.json`)
    try {
      const { stdout } = await run(
        'flock',
        [
          '/tmp/spnkit-forge.lock',
          foundryBinary('forge'),
          'script',
          'script/Deploy.s.sol:DeployHub',
          '--rpc-url',
          rpc('v1'),
          '--broadcast',
        ],
        {
          cwd: contractsDir,
          timeout: 300_000,
          env: {
            ...process.env,
            DEPLOYER_KEY: accounts[8]!.privateKey,
            DEPLOYMENTS: deployments,
            DEVNET_TRUSTED: 'true',
          },
        },
      )
      assert.match(stdout, /ONCHAIN EXECUTION COMPLETE & SUCCESSFUL/)
      const deployed = JSON.parse(readFileSync(deployments, 'utf8')) as Record<string, string>
      assert.equal(Number(deployed.chainId), 4747)
      for (const name of ['mailbox', 'spnManager', 'spnAdapter', 'hubBridge']) {
        const code = await cast('code', deployed[name]!, '--rpc-url', rpc('v1'))
        assert.ok(code.length > 2, `${name} has no code`)
      }
    } finally {
      rmSync(deployments, { force: true })
    }
  })

  it('viem: deploy, call, events and a WebSocket subscription on a co-signing validator', async () => {
    const account = privateKeyToAccount(accounts[7]!.privateKey)
    const wallet = createWalletClient({ account, chain, transport: http(rpc('v0')) })
    const client = createPublicClient({ chain, transport: http(rpc('v2')), pollingInterval: 50 })
    const ws = createPublicClient({ chain, transport: webSocket(devnet.nodes.find((n) => n.name === 'v2')!.ws) })
    const { TallyBytecode } = await import('@spnkit/contracts/abi/fixtures')
    const deploy = await wallet.deployContract({ abi: TallyAbi, bytecode: TallyBytecode })
    const { contractAddress } = await client.waitForTransactionReceipt({ hash: deploy })
    const seen = new Promise<bigint>((resolve) => {
      const unwatch = ws.watchContractEvent({
        address: contractAddress!,
        abi: TallyAbi,
        eventName: 'Added',
        onLogs: (logs) => {
          unwatch()
          resolve(logs[0]!.args.total!)
        },
      })
    })
    await new Promise((r) => setTimeout(r, 200))
    await wallet.writeContract({ address: contractAddress!, abi: TallyAbi, functionName: 'add', args: [3n] })
    assert.equal(await seen, 3n)
    assert.equal(await client.readContract({ address: contractAddress!, abi: TallyAbi, functionName: 'total' }), 3n)
    const finalized = await client.getBlock({ blockTag: 'finalized' })
    assert.ok(finalized.number > 0n)
    await (await ws.transport.getRpcClient()).close()
  })
})

describe('faults', () => {
  it('kill -9 of a validator under load: the others keep ordering, it restarts and catches up, no fork, nothing lost', async () => {
    const sender = privateKeyToAccount(accounts[11]!.privateKey)
    const v1 = createPublicClient({ chain, transport: http(rpc('v1')) })
    const wallet = createWalletClient({ account: sender, chain, transport: http(rpc('v1')) })
    const committed: `0x${string}`[] = []
    let nonce = await v1.getTransactionCount({ address: sender.address })
    let loading = true
    const load = (async () => {
      while (loading) {
        try {
          const hash = await wallet.sendTransaction({ to: accounts[12]!.address, value: 1n, nonce, gas: 21000n })
          nonce++
          const r = await v1.waitForTransactionReceipt({ hash, timeout: 10_000, pollingInterval: 20 })
          if (r.status === 'success') committed.push(hash)
        } catch {
          await new Promise((r) => setTimeout(r, 100))
          nonce = await v1.getTransactionCount({ address: sender.address, blockTag: 'pending' }).catch(() => nonce)
        }
      }
    })()
    await new Promise((r) => setTimeout(r, 1500))
    devnet.kill('v2')
    const atKill = committed.length
    await new Promise((r) => setTimeout(r, 3000))
    assert.ok(committed.length > atKill, 'the three remaining validators (a quorum) kept committing')
    await devnet.restart('v2')
    await new Promise((r) => setTimeout(r, 1500))
    loading = false
    await load
    assert.ok(committed.length > 3, `only ${committed.length} transactions committed under load`)
    const v2 = createPublicClient({ chain, transport: http(rpc('v2')) })
    const head = await v1.getBlockNumber()
    for (let i = 0; i < 300 && (await v2.getBlockNumber()) < head; i++) await new Promise((r) => setTimeout(r, 100))
    for (const hash of committed) assert.equal((await v2.getTransactionReceipt({ hash })).status, 'success')
    for (const name of ['v0', 'v2', 'v3', 'f0']) {
      const c = createPublicClient({ chain, transport: http(rpc(name)) })
      for (let i = 0; i < 300 && (await c.getBlockNumber()) < head; i++) await new Promise((r) => setTimeout(r, 100))
      const [a, b] = await Promise.all([v1.getBlock({ blockNumber: head }), c.getBlock({ blockNumber: head })])
      assert.equal(b.hash, a.hash, `${name} disagrees at block ${head}`)
    }
  })
})
