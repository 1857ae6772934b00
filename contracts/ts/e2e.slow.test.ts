// End to end on two real anvil chains (mainnet 31337, SPN 901): the forge deploy scripts deploy and wire the
// full set on both, then the test relays by hand with real quorum-signed checkpoints and Merkle proofs:
// a message SPN → mainnet, and a token mainnet → SPN → mainnet.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { concatBytes, fromHex, keccak256, toHex } from '@spnkit/crypto'
import { openStore } from '@spnkit/store'
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  defineChain,
  type Hex,
  http,
  type PublicClient,
  pad,
  parseEther,
  type TransactionReceipt,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { FixtureTokenAbi, FixtureTokenBytecode, MessageLogAbi, MessageLogBytecode } from '../abi/fixtures/index.ts'
import {
  EscapeHatchAbi,
  HubBridgeAbi,
  MailboxAbi,
  MainnetRootVerifierAbi,
  OwnedValidatorSetSourceAbi,
  SPNAdapterAbi,
  SPNManagerAbi,
  SpokeBridgeAbi,
} from '../abi/index.ts'
import { type Anvil, startAnvil } from './anvil.ts'
import { checkpointDigest, headerHash, signCheckpoint, validatorsFromKeys } from './checkpoint.ts'
import { runDeployScript } from './deploy.ts'
import { encodeProofMetadata, merkleProof, merkleRoot } from './merkle.ts'

// anvil's standard dev keys ("test test ... junk").
const KEYS: Hex[] = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
  '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97',
]
const HUB_CHAIN = 31337
const SPN_CHAIN = 901
const HUB_DOMAIN = 1000
const SPN_DOMAIN = 1
const deployer = privateKeyToAccount(KEYS[0] as Hex)
const user = privateKeyToAccount(KEYS[8] as Hex)
const spnValidators = validatorsFromKeys(KEYS.slice(1, 5))
const hubValidators = validatorsFromKeys(KEYS.slice(5, 8))
const contractsDir = path.resolve(import.meta.dirname, '..')

type Side = { anvil: Anvil; client: PublicClient; chainId: number }
let hubSide: Side
let spnSide: Side
let workDir: string
let hub: Record<string, string>
let spn: Record<string, string>
const spnLeaves: Uint8Array[] = []
const hubLeaves: Uint8Array[] = []
let spnHeight = 0n
let hubHeight = 0n

async function side(chainId: number): Promise<Side> {
  const anvil = await startAnvil({ chainId })
  const chain = defineChain({
    id: chainId,
    name: `anvil-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [anvil.rpcUrl] } },
  })
  return { anvil, chainId, client: createPublicClient({ chain, transport: http(anvil.rpcUrl) }) as PublicClient }
}

async function send(
  s: Side,
  key: Hex,
  address: string,
  abi: Abi,
  functionName: string,
  args: readonly unknown[],
  value?: bigint,
): Promise<TransactionReceipt> {
  const account = privateKeyToAccount(key)
  const wallet = createWalletClient({ account, chain: s.client.chain, transport: http(s.anvil.rpcUrl) })
  const { request } = await s.client.simulateContract({
    account,
    address: address as Address,
    abi,
    functionName,
    args,
    value,
  } as never)
  const receipt = await s.client.waitForTransactionReceipt({ hash: await wallet.writeContract(request as never) })
  assert.equal(receipt.status, 'success', `${functionName} succeeded`)
  return receipt
}

async function read<T>(s: Side, address: string, abi: Abi, functionName: string, args: readonly unknown[] = []) {
  return (await s.client.readContract({ address: address as Address, abi, functionName, args } as never)) as T
}

/** Dispatch events of `mailbox` in a receipt, appended to that outbox's leaf list. */
function dispatched(receipt: TransactionReceipt, mailbox: string, leaves: Uint8Array[]): Hex[] {
  const messages: Hex[] = []
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== mailbox.toLowerCase()) continue
    const event = decodeEventLog({ abi: MailboxAbi, data: log.data, topics: log.topics })
    if (event.eventName !== 'Dispatch') continue
    assert.equal(event.args.leafIndex, leaves.length, 'leaves arrive in tree order')
    leaves.push(fromHex(event.args.id))
    messages.push(event.args.message)
  }
  return messages
}

/** Signs the SPN's current outbox root (4 of 4 SPN validators) and submits it to mainnet's adapter. */
async function checkpointSpn(stateRoot?: Hex): Promise<bigint> {
  const outboxRoot = await read<Hex>(spnSide, spn.mailbox as string, MailboxAbi, 'root')
  assert.equal(outboxRoot, toHex(merkleRoot(spnLeaves)), 'relayer tree matches the SPN Mailbox')
  const block = await spnSide.client.getBlock()
  spnHeight = block.number
  const vs = await read<{ headerHash: Hex; epoch: bigint }>(
    hubSide,
    hub.spnManager as string,
    SPNManagerAbi,
    'validatorSet',
    [1],
  )
  const cp = { spnId: 1, epoch: vs.epoch, height: spnHeight, stateRoot: stateRoot ?? block.stateRoot, outboxRoot }
  const signatures = signCheckpoint(checkpointDigest(BigInt(HUB_CHAIN), cp, vs.headerHash), spnValidators)
  await send(hubSide, KEYS[0] as Hex, hub.spnAdapter as string, SPNAdapterAbi, 'submitCheckpoint', [
    cp,
    spnValidators.map((v) => v.address),
    spnValidators.map(() => 1n),
    signatures,
  ])
  return spnHeight
}

/** Signs mainnet's Mailbox root (3 of 3 mainnet validators) and submits it to the SPN's verifier. */
async function checkpointHub(): Promise<bigint> {
  const outboxRoot = await read<Hex>(hubSide, hub.mailbox as string, MailboxAbi, 'root')
  assert.equal(outboxRoot, toHex(merkleRoot(hubLeaves)))
  const block = await hubSide.client.getBlock()
  hubHeight = block.number
  const header = await read<Parameters<typeof headerHash>[0]>(
    spnSide,
    spn.mainnetValidatorSetSource as string,
    OwnedValidatorSetSourceAbi,
    'header',
    [0, 1n],
  )
  const cp = { spnId: 0, epoch: 1n, height: hubHeight, stateRoot: block.stateRoot, outboxRoot }
  const signatures = signCheckpoint(checkpointDigest(BigInt(HUB_CHAIN), cp, headerHash(header)), hubValidators)
  await send(spnSide, KEYS[0] as Hex, spn.mainnetRootVerifier as string, MainnetRootVerifierAbi, 'submitCheckpoint', [
    cp,
    hubValidators.map((v) => v.address),
    hubValidators.map(() => 1n),
    signatures,
  ])
  return hubHeight
}

/** `process` metadata proving `message` at its position in `leaves` under the checkpoint at `height`. */
function metadataFor(leaves: Uint8Array[], message: Hex, height: bigint): Hex {
  const id = toHex(keccakHex(message))
  const index = leaves.findIndex((l) => toHex(l) === id)
  assert.ok(index >= 0, 'message is in the tracked outbox')
  return toHex(encodeProofMetadata(height, index, merkleProof(leaves, index)))
}

function keccakHex(hex: Hex): Uint8Array {
  return keccak256(fromHex(hex))
}

before(async () => {
  ;[hubSide, spnSide] = await Promise.all([side(HUB_CHAIN), side(SPN_CHAIN)])
  // Under the project: forge script's fs_permissions only allow writes inside it. cache/ is absent
  // on a fresh clone until forge first builds.
  mkdirSync(path.join(contractsDir, 'cache'), { recursive: true })
  workDir = mkdtempSync(path.join(contractsDir, 'cache', 'e2e-'))
  const lockFile = '/tmp/spnkit-forge.lock'
  hub = await runDeployScript('DeployHub', {
    rpcUrl: hubSide.anvil.rpcUrl,
    deployerKey: KEYS[0] as Hex,
    deploymentsFile: path.join(workDir, 'hub.json'),
    env: { HUB_DOMAIN: String(HUB_DOMAIN) },
    lockFile,
  })
  spn = await runDeployScript('DeploySpn', {
    rpcUrl: spnSide.anvil.rpcUrl,
    deployerKey: KEYS[0] as Hex,
    deploymentsFile: path.join(workDir, 'spn.json'),
    env: {
      SPN_DOMAIN: String(SPN_DOMAIN),
      HUB_DOMAIN: String(HUB_DOMAIN),
      MAINNET_CHAIN_ID: String(HUB_CHAIN),
      HUB_BRIDGE: hub.hubBridge as string,
      MAINNET_VALIDATORS: hubValidators.map((v) => v.address).join(','),
    },
    lockFile,
  })
  await runDeployScript('RegisterSpn', {
    rpcUrl: hubSide.anvil.rpcUrl,
    deployerKey: KEYS[0] as Hex,
    deploymentsFile: path.join(workDir, 'hub.json'),
    env: {
      SPN_DOMAIN: String(SPN_DOMAIN),
      SPN_CHAIN_ID: String(SPN_CHAIN),
      SPN_BRIDGE: spn.spokeBridge as string,
      SPN_VALIDATORS: spnValidators.map((v) => v.address).join(','),
    },
    lockFile,
  })
})

after(async () => {
  await Promise.all([hubSide?.anvil.stop(), spnSide?.anvil.stop()])
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

test('the deploy scripts are idempotent and resumable', async () => {
  const again = await runDeployScript('DeployHub', {
    rpcUrl: hubSide.anvil.rpcUrl,
    deployerKey: KEYS[0] as Hex,
    deploymentsFile: path.join(workDir, 'hub.json'),
    env: { HUB_DOMAIN: String(HUB_DOMAIN) },
    lockFile: '/tmp/spnkit-forge.lock',
  })
  assert.deepEqual(again, hub)
  // Resumable: a run that stopped half way (file lists only the first contracts) finishes the set and
  // reuses what exists.
  const partial = path.join(workDir, 'partial.json')
  const { escapeHatch: _h, timelock: _t, stateProofVerifier: _v, ...firstHalf } = hub
  writeFileSync(partial, JSON.stringify(firstHalf))
  const resumed = await runDeployScript('DeployHub', {
    rpcUrl: hubSide.anvil.rpcUrl,
    deployerKey: KEYS[0] as Hex,
    deploymentsFile: partial,
    env: { HUB_DOMAIN: String(HUB_DOMAIN) },
    lockFile: '/tmp/spnkit-forge.lock',
  })
  assert.equal(resumed.mailbox, hub.mailbox, 'existing contracts are reused')
  assert.equal(resumed.spnAdapter, hub.spnAdapter)
  assert.ok(resumed.escapeHatch && resumed.escapeHatch !== hub.escapeHatch, 'missing ones are deployed')
  const hatchBridge = await read<Address>(hubSide, resumed.escapeHatch, EscapeHatchAbi, 'bridge')
  assert.equal(hatchBridge.toLowerCase(), (hub.hubBridge as string).toLowerCase())
  // The resumed run wired the set to its new contracts; continue with those.
  hub = resumed
  const mailbox = await read<Address>(hubSide, hub.spnAdapter as string, SPNAdapterAbi, 'mailbox')
  assert.equal(mailbox.toLowerCase(), (hub.mailbox as string).toLowerCase())
})

test('the deploy script refuses unsafe production settings with a clear error', async () => {
  const base = {
    rpcUrl: hubSide.anvil.rpcUrl,
    deployerKey: KEYS[0] as Hex,
    deploymentsFile: path.join(workDir, 'prod.json'),
    lockFile: '/tmp/spnkit-forge.lock',
  }
  await assert.rejects(
    runDeployScript('DeployHub', { ...base, env: { PRODUCTION: 'true', DEVNET_TRUSTED: 'true' } }),
    /DEVNET_TRUSTED cannot be used with PRODUCTION/,
  )
  await assert.rejects(runDeployScript('DeployHub', { ...base, env: { PRODUCTION: 'true' } }), /VALIDATOR_SET_SOURCE/)
  // A devnet deployment may enable the trusted relayer (the deployer).
  const devnet = await runDeployScript('DeployHub', {
    ...base,
    deploymentsFile: path.join(workDir, 'devnet.json'),
    env: { DEVNET_TRUSTED: 'true' },
  })
  assert.equal(await read<boolean>(hubSide, devnet.spnAdapter as string, SPNAdapterAbi, 'devnetMode'), true)
  const relayer = await read<Address>(hubSide, devnet.spnAdapter as string, SPNAdapterAbi, 'trustedRelayer')
  assert.equal(relayer, deployer.address)
})

test('a message goes from the SPN to a mainnet recipient, relayed by hand', async () => {
  const log = await deployFixture(hubSide, MessageLogAbi, MessageLogBytecode, [hub.mailbox])
  const body = toHex(new TextEncoder().encode('hello mainnet'))
  const receipt = await send(spnSide, KEYS[8] as Hex, spn.mailbox as string, MailboxAbi, 'dispatch', [
    HUB_DOMAIN,
    pad(log),
    body,
  ])
  const [message] = dispatched(receipt, spn.mailbox as string, spnLeaves)
  assert.ok(message)
  const height = await checkpointSpn()
  await send(hubSide, KEYS[0] as Hex, hub.mailbox as string, MailboxAbi, 'process', [
    metadataFor(spnLeaves, message, height),
    message,
  ])
  assert.equal(await read<bigint>(hubSide, log, MessageLogAbi, 'count'), 1n)
  assert.equal(await read<Hex>(hubSide, log, MessageLogAbi, 'lastBody'), body)
  assert.equal(await read<number>(hubSide, log, MessageLogAbi, 'lastOrigin'), SPN_DOMAIN)
  assert.equal(
    await read<boolean>(hubSide, hub.mailbox as string, MailboxAbi, 'delivered', [toHex(keccakHex(message))]),
    true,
  )
  // Replaying the same message fails.
  await assert.rejects(
    hubSide.client.simulateContract({
      account: deployer,
      address: hub.mailbox as Address,
      abi: MailboxAbi,
      functionName: 'process',
      args: [metadataFor(spnLeaves, message, height), message],
    }),
    /AlreadyProcessed/,
  )
})

test('an ERC-20 goes to the SPN and back', async () => {
  const token = await deployFixture(hubSide, FixtureTokenAbi, FixtureTokenBytecode, [])
  const amount = parseEther('25')
  await send(hubSide, KEYS[0] as Hex, token, FixtureTokenAbi, 'mint', [user.address, amount])
  await send(hubSide, KEYS[8] as Hex, token, FixtureTokenAbi, 'approve', [hub.hubBridge, amount])
  const depositReceipt = await send(hubSide, KEYS[8] as Hex, hub.hubBridge as string, HubBridgeAbi, 'deposit', [
    SPN_DOMAIN,
    token,
    user.address,
    amount,
  ])
  const [mint] = dispatched(depositReceipt, hub.mailbox as string, hubLeaves)
  assert.ok(mint)
  const hubH = await checkpointHub()
  await send(spnSide, KEYS[0] as Hex, spn.mailbox as string, MailboxAbi, 'process', [
    metadataFor(hubLeaves, mint, hubH),
    mint,
  ])
  assert.equal(
    await read<bigint>(spnSide, spn.spokeBridge as string, SpokeBridgeAbi, 'balanceOf', [token, user.address]),
    amount,
  )
  assert.equal(
    await read<bigint>(hubSide, hub.hubBridge as string, HubBridgeAbi, 'locked', [SPN_DOMAIN, token]),
    amount,
  )
  assert.equal(await read<bigint>(hubSide, token, FixtureTokenAbi, 'balanceOf', [user.address]), 0n)

  const withdrawReceipt = await send(spnSide, KEYS[8] as Hex, spn.spokeBridge as string, SpokeBridgeAbi, 'withdraw', [
    token,
    user.address,
    amount,
    HUB_DOMAIN,
  ])
  const [back] = dispatched(withdrawReceipt, spn.mailbox as string, spnLeaves)
  assert.ok(back)
  const spnH = await checkpointSpn()
  await send(hubSide, KEYS[0] as Hex, hub.mailbox as string, MailboxAbi, 'process', [
    metadataFor(spnLeaves, back, spnH),
    back,
  ])
  assert.equal(await read<bigint>(hubSide, token, FixtureTokenAbi, 'balanceOf', [user.address]), amount)
  assert.equal(await read<bigint>(hubSide, hub.hubBridge as string, HubBridgeAbi, 'locked', [SPN_DOMAIN, token]), 0n)
  assert.equal(await read<bigint>(spnSide, spn.spokeBridge as string, SpokeBridgeAbi, 'totalSupply', [token]), 0n)
})

async function deployFixture(s: Side, abi: Abi, bytecode: Hex, args: readonly unknown[]): Promise<Address> {
  const wallet = createWalletClient({ account: deployer, chain: s.client.chain, transport: http(s.anvil.rpcUrl) })
  const hash = await wallet.deployContract({ abi, bytecode, args } as never)
  const { contractAddress } = await s.client.waitForTransactionReceipt({ hash })
  assert.ok(contractAddress)
  return contractAddress
}

test('after a freeze, a user escapes with a real @spnkit/store proof of their SPN bridge balance', async () => {
  const amount = parseEther('3')
  const deposit = await send(
    hubSide,
    KEYS[8] as Hex,
    hub.hubBridge as string,
    HubBridgeAbi,
    'deposit',
    [SPN_DOMAIN, '0x0000000000000000000000000000000000000000', user.address, amount],
    amount,
  )
  const [mint] = dispatched(deposit, hub.mailbox as string, hubLeaves)
  assert.ok(mint)
  const h = await checkpointHub()
  await send(spnSide, KEYS[0] as Hex, spn.mailbox as string, MailboxAbi, 'process', [
    metadataFor(hubLeaves, mint, h),
    mint,
  ])

  // The SPN's state as its store commits it: the user's ledger word among many other entries.
  const slot = await read<Hex>(spnSide, spn.spokeBridge as string, SpokeBridgeAbi, 'balanceSlot', [
    '0x0000000000000000000000000000000000000000',
    user.address,
  ])
  const key = keccak256(concatBytes(fromHex(spn.spokeBridge as string), fromHex(slot)))
  const word = fromHex(`0x${amount.toString(16).padStart(64, '0')}`)
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'spnkit-escape-'))
  const store = openStore(storeDir)
  try {
    const ops = [{ key, value: word }]
    for (let i = 0; i < 300; i++) {
      ops.push({
        key: keccak256(new TextEncoder().encode(`other-${i}`)),
        value: fromHex(pad(toHex(new Uint8Array([i + 1])))),
      })
    }
    const root = await store.apply(1, ops)
    const proof = toHex(store.proof(key))
    await checkpointSpn(toHex(root))

    // The SPN stops checkpointing; after its escape window anyone freezes it.
    await hubSide.client.request({ method: 'evm_increaseTime' as never, params: [86_401] as never })
    await hubSide.client.request({ method: 'evm_mine' as never, params: [] as never })
    await send(hubSide, KEYS[0] as Hex, hub.escapeHatch as string, EscapeHatchAbi, 'freezeForStaleCheckpoints', [1])

    const before = await hubSide.client.getBalance({ address: user.address })
    await send(hubSide, KEYS[0] as Hex, hub.escapeHatch as string, EscapeHatchAbi, 'escapeWithdraw', [
      1,
      '0x0000000000000000000000000000000000000000',
      user.address,
      amount,
      proof,
    ])
    assert.equal(await hubSide.client.getBalance({ address: user.address }), before + amount, 'paid to the user')
    await assert.rejects(
      hubSide.client.simulateContract({
        account: deployer,
        address: hub.escapeHatch as Address,
        abi: EscapeHatchAbi,
        functionName: 'escapeWithdraw',
        args: [1, '0x0000000000000000000000000000000000000000', user.address, amount, proof],
      }),
      /AlreadyClaimed/,
    )
  } finally {
    await store.close()
    rmSync(storeDir, { recursive: true, force: true })
  }
})
