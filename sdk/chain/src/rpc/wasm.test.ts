// WASM contracts through the node's Ethereum JSON-RPC with unchanged tools: a create transaction
// signed and sent by viem (eth_sendRawTransaction) deploys an AssemblyScript ERC20 and a C pricer,
// eth_call and eth_estimateGas work on them, and a Solidity vault calls the WASM pricer natively.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { foundryBinary } from '@spnkit/contracts/foundry'
import { isWasmCode, wasmInitCode } from '@spnkit/dtvm'
import { solidityExamples, wasmExample } from '@spnkit/dtvm/wasm-examples'
import {
  type Abi,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeAbiParameters,
  http,
  type PublicClient,
  parseAbi,
  toHex,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { DEV_KEYS, type DevNode, startDevNode } from '../testing/dev-node.ts'

let dev: DevNode
let client: PublicClient
const alice = privateKeyToAccount(DEV_KEYS[0])
const bob = privateKeyToAccount(DEV_KEYS[1])
const chain = defineChain({
  id: 31337,
  name: 'spnkit dev',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: ['http://127.0.0.1'] } },
})
const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function transfer(address,uint256) returns (bool)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
])
const pricer = parseAbi(['function quote(uint256,uint256,uint256,uint256) view returns (uint256,uint256)'])

before(async () => {
  dev = await startDevNode()
  client = createPublicClient({ chain, transport: http(dev.url), pollingInterval: 50 })
})
after(() => dev.stop())

async function deploy(data: Uint8Array): Promise<`0x${string}`> {
  const wallet = createWalletClient({ account: alice, chain, transport: http(dev.url) })
  const hash = await wallet.sendTransaction({ data: toHex(data) })
  const receipt = await client.waitForTransactionReceipt({ hash })
  assert.equal(receipt.status, 'success')
  return receipt.contractAddress!
}

describe('WASM contracts over JSON-RPC', () => {
  it('deploys an AssemblyScript ERC20 with a create transaction and uses it through viem', async () => {
    const token = await deploy(
      wasmInitCode(
        wasmExample('as-erc20'),
        Uint8Array.from(Buffer.from(encodeAbiParameters([{ type: 'uint256' }], [1_000n]).slice(2), 'hex')),
      ),
    )
    const code = await client.getCode({ address: token })
    assert.ok(
      code && isWasmCode(Uint8Array.from(Buffer.from(code.slice(2), 'hex'))),
      'eth_getCode returns the prefixed module',
    )
    assert.equal(
      await client.readContract({ address: token, abi: erc20, functionName: 'balanceOf', args: [alice.address] }),
      1_000n,
    )
    const wallet = createWalletClient({ account: alice, chain, transport: http(dev.url) })
    const { request } = await client.simulateContract({
      account: alice,
      address: token,
      abi: erc20,
      functionName: 'transfer',
      args: [bob.address, 250n],
    })
    const receipt = await client.waitForTransactionReceipt({ hash: await wallet.writeContract(request) })
    assert.equal(receipt.status, 'success')
    const logs = await client.getContractEvents({ address: token, abi: erc20, eventName: 'Transfer', fromBlock: 0n })
    assert.deepEqual(logs.at(-1)!.args, { from: alice.address, to: bob.address, value: 250n })
    assert.equal(
      await client.readContract({ address: token, abi: erc20, functionName: 'balanceOf', args: [bob.address] }),
      250n,
    )
    // The node runs in this process: cast must run asynchronously so the node can answer it.
    const { stdout: viaCast } = await promisify(execFile)(
      foundryBinary('cast'),
      ['call', token, 'balanceOf(address)(uint256)', bob.address, '--rpc-url', dev.url],
      { encoding: 'utf8' },
    )
    assert.equal(viaCast.trim(), '250', 'cast reads the WASM token like any contract')
    await assert.rejects(
      client.simulateContract({
        account: bob,
        address: token,
        abi: erc20,
        functionName: 'transfer',
        args: [alice.address, 251n],
      }),
      /ERC20: transfer amount exceeds balance/,
    )
  })

  it('a Solidity vault calls the C pricer through an ordinary interface', async () => {
    const sol = solidityExamples()
    const wasmPricer = await deploy(wasmInitCode(wasmExample('c-pricer')))
    const solidityPricer = await deploy(Uint8Array.from(Buffer.from(sol.SolidityPricer!.bytecode.slice(2), 'hex')))
    const vault = await deploy(Uint8Array.from(Buffer.from(sol.OptionVault!.bytecode.slice(2), 'hex')))
    const args = [2_000_000_000n, 1_900_000_000n, 6_500n, 7_776_000n] as const
    const direct = await client.readContract({ address: wasmPricer, abi: pricer, functionName: 'quote', args })
    assert.deepEqual(
      direct,
      await client.readContract({ address: solidityPricer, abi: pricer, functionName: 'quote', args }),
    )
    const vaultAbi = sol.OptionVault!.abi as Abi
    const { result, request } = await client.simulateContract({
      account: alice,
      address: vault,
      abi: vaultAbi,
      functionName: 'price',
      args: [wasmPricer, ...args],
    })
    assert.deepEqual(result, direct)
    const wallet = createWalletClient({ account: alice, chain, transport: http(dev.url) })
    const receipt = await client.waitForTransactionReceipt({ hash: await wallet.writeContract(request) })
    assert.equal(receipt.status, 'success')
    assert.equal(await client.readContract({ address: vault, abi: vaultAbi, functionName: 'lastCall' }), direct[0])
  })
})
