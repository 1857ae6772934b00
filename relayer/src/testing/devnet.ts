import { checkpointDigest, headerHash, signCheckpoint, validatorsFromKeys } from '@spnkit/contracts'
import {
  MailboxAbi,
  MailboxBytecode,
  MainnetRootVerifierAbi,
  MainnetRootVerifierBytecode,
  OwnedValidatorSetSourceAbi,
  OwnedValidatorSetSourceBytecode,
  SPNAdapterAbi,
  SPNAdapterBytecode,
  SPNManagerAbi,
  SPNManagerBytecode,
} from '@spnkit/contracts/abi'
import { type Anvil, startAnvil } from '@spnkit/contracts/anvil'
import { keccak256Concat, privateKeyToAddress, toHex } from '@spnkit/crypto'
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
  parseAbi,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { compileFixture } from './compile.ts'

// A real multi-chain test network: one anvil as the hub (mainnet) and N anvils as SPNs, with the
// spnkit contracts deployed and wired (OwnedValidatorSetSource, SPNManager + Registry, Mailbox,
// SPNAdapter on the hub; Mailbox + MainnetRootVerifier on each SPN), a CountingRecipient on every
// chain, and a checkpointer that plays the validators: it signs checkpoints with test validator keys
// (interfaces.md §2 digest, ascending signers) and posts them whenever an outbox root changes.

export const CountingRecipientAbi = parseAbi([
  'function handled(bytes32) view returns (uint256)',
  'function total() view returns (uint256)',
  'function setFailing(bool)',
  'function handle(uint32 origin, bytes32 sender, bytes body)',
])

export const HUB_DOMAIN = 1000
export const RETRY_WINDOW = 7n * 24n * 3600n

export const key = (label: string): Hex =>
  toHex(keccak256Concat(new TextEncoder().encode(`spnkit-relayer-test:${label}`)))
const addressOf = (k: Hex): Address => toHex(privateKeyToAddress(Buffer.from(k.slice(2), 'hex'))) as Address

export type DevnetChain = {
  name: string
  anvil: Anvil
  rpcUrl: string
  chainId: number
  domain: number
  spnId: number | undefined
  mailbox: Address
  recipient: Address
  adapter?: Address
  verifier?: Address
  client: PublicClient
}

export type Devnet = {
  hub: DevnetChain
  spokes: DevnetChain[]
  chains: DevnetChain[]
  deployerKey: Hex
  validatorKeys: Hex[]
  /** Writes checkpoints until stop() (every intervalMs, only when an outbox root changed). */
  startCheckpointer: (intervalMs?: number) => { stop: () => Promise<void> }
  /** One checkpoint round now (all spokes to the hub, then the hub to all spokes). */
  checkpointOnce: () => Promise<void>
  /** Funds an address on every chain. */
  fund: (address: Address, wei?: bigint) => Promise<void>
  stop: () => Promise<void>
}

function clients(rpcUrl: string, chainId: number, privateKey: Hex): { pub: PublicClient; wallet: WalletClient } {
  const chain = defineChain({
    id: chainId,
    name: `anvil-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  })
  const pub = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 50 })
  const wallet = createWalletClient({ chain, transport: http(rpcUrl), account: privateKeyToAccount(privateKey) })
  return { pub, wallet }
}

async function deploy(
  pub: PublicClient,
  wallet: WalletClient,
  abi: Abi,
  bytecode: Hex,
  args: readonly unknown[],
): Promise<Address> {
  const hash = await wallet.deployContract({
    abi,
    bytecode,
    args,
    account: wallet.account!,
    chain: wallet.chain,
  } as never)
  const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 })
  if (!receipt.contractAddress || receipt.status !== 'success') throw new Error(`deployment failed (${hash})`)
  return receipt.contractAddress
}

async function write(
  pub: PublicClient,
  wallet: WalletClient,
  address: Address,
  abi: Abi,
  functionName: string,
  args: readonly unknown[],
) {
  const hash = await wallet.writeContract({
    address,
    abi,
    functionName,
    args,
    account: wallet.account!,
    chain: wallet.chain,
  } as never)
  const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 })
  if (receipt.status !== 'success') throw new Error(`${functionName} reverted (${hash})`)
  return receipt
}

export type DevnetOptions = { spokes?: number; validators?: number; label?: string; anvilArgs?: string[] }

export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const spokeCount = options.spokes ?? 2
  const label = options.label ?? 'devnet'
  const deployerKey = key(`${label}:deployer`)
  const checkpointerKey = key(`${label}:checkpointer`)
  const deployer = addressOf(deployerKey)
  const validatorKeys = Array.from({ length: options.validators ?? 4 }, (_, i) => key(`${label}:validator:${i}`)).sort(
    (a, b) => (addressOf(a).toLowerCase() < addressOf(b).toLowerCase() ? -1 : 1),
  )
  const validators = validatorKeys.map(addressOf)
  const powers = validators.map(() => 10n)
  const recipientFixture = await compileFixture('CountingRecipient')

  const anvils = await Promise.all(
    Array.from({ length: spokeCount + 1 }, (_, i) =>
      startAnvil({ chainId: 900 + i, args: ['--accounts', '0', ...(options.anvilArgs ?? [])] }),
    ),
  )
  const fundOn = async (anvil: Anvil, address: Address, wei: bigint) => {
    const pub = createPublicClient({ transport: http(anvil.rpcUrl) })
    await pub.request({ method: 'anvil_setBalance' as never, params: [address, `0x${wei.toString(16)}`] as never })
  }
  for (const anvil of anvils) {
    await fundOn(anvil, deployer, 10n ** 24n)
    await fundOn(anvil, addressOf(checkpointerKey), 10n ** 24n)
  }

  // Hub.
  const hubAnvil = anvils[0]!
  const hubChainId = 900
  const h = clients(hubAnvil.rpcUrl, hubChainId, deployerKey)
  const hubSource = await deploy(h.pub, h.wallet, OwnedValidatorSetSourceAbi, OwnedValidatorSetSourceBytecode, [
    deployer,
  ])
  const manager = await deploy(h.pub, h.wallet, SPNManagerAbi, SPNManagerBytecode, [
    deployer,
    HUB_DOMAIN,
    false,
    hubSource,
  ])
  const hubMailbox = await deploy(h.pub, h.wallet, MailboxAbi, MailboxBytecode, [HUB_DOMAIN, RETRY_WINDOW, deployer])
  const adapter = await deploy(h.pub, h.wallet, SPNAdapterAbi, SPNAdapterBytecode, [
    deployer,
    manager,
    hubMailbox,
    false,
  ])
  await write(h.pub, h.wallet, hubMailbox, MailboxAbi, 'setVerifier', [adapter])
  await write(h.pub, h.wallet, hubMailbox, MailboxAbi, 'setForwarder', [adapter])
  const hubRecipient = await deploy(h.pub, h.wallet, recipientFixture.abi, recipientFixture.bytecode, [])
  const hub: DevnetChain = {
    name: 'hub',
    anvil: hubAnvil,
    rpcUrl: hubAnvil.rpcUrl,
    chainId: hubChainId,
    domain: HUB_DOMAIN,
    spnId: undefined,
    mailbox: hubMailbox,
    recipient: hubRecipient,
    adapter,
    client: h.pub,
  }

  const spokes: DevnetChain[] = []
  for (let i = 1; i <= spokeCount; i++) {
    const anvil = anvils[i]!
    const chainId = 900 + i
    const domain = HUB_DOMAIN + i
    // Register on the hub: config, validator set, activation.
    await write(h.pub, h.wallet, manager, SPNManagerAbi, 'register', [
      deployer,
      {
        chainId: BigInt(chainId),
        domain,
        adapter,
        bridge: deployer,
        escapeWindow: 3600n,
        blockGasLimit: 30_000_000n,
        maxHandleGas: 500_000n,
        rpcHints: anvil.rpcUrl,
      },
    ])
    const spnId = i
    await write(h.pub, h.wallet, hubSource, OwnedValidatorSetSourceAbi, 'publish', [spnId, 1n, validators, powers])
    await write(h.pub, h.wallet, manager, SPNManagerAbi, 'syncValidatorSet', [spnId, 1n])
    await write(h.pub, h.wallet, manager, SPNManagerAbi, 'activate', [spnId])
    // The SPN side: mainnet's validator set, the root verifier, the Mailbox, a recipient.
    const s = clients(anvil.rpcUrl, chainId, deployerKey)
    const source = await deploy(s.pub, s.wallet, OwnedValidatorSetSourceAbi, OwnedValidatorSetSourceBytecode, [
      deployer,
    ])
    await write(s.pub, s.wallet, source, OwnedValidatorSetSourceAbi, 'publish', [0, 1n, validators, powers])
    const verifier = await deploy(s.pub, s.wallet, MainnetRootVerifierAbi, MainnetRootVerifierBytecode, [
      BigInt(hubChainId),
      source,
    ])
    const mailbox = await deploy(s.pub, s.wallet, MailboxAbi, MailboxBytecode, [domain, RETRY_WINDOW, deployer])
    await write(s.pub, s.wallet, mailbox, MailboxAbi, 'setVerifier', [verifier])
    const recipient = await deploy(s.pub, s.wallet, recipientFixture.abi, recipientFixture.bytecode, [])
    spokes.push({
      name: `spn${i}`,
      anvil,
      rpcUrl: anvil.rpcUrl,
      chainId,
      domain,
      spnId,
      mailbox,
      recipient,
      verifier,
      client: s.pub,
    })
  }

  const signers = validatorsFromKeys(validatorKeys)
  const sign = (digest: Uint8Array): Hex => signCheckpoint(digest, signers)

  const cpWallets = new Map<number, { pub: PublicClient; wallet: WalletClient }>()
  for (const c of [hub, ...spokes]) cpWallets.set(c.chainId, clients(c.rpcUrl, c.chainId, checkpointerKey))
  const lastRoot = new Map<string, Hex>()

  async function snapshot(chain: DevnetChain) {
    const height = await chain.client.getBlockNumber()
    const [outboxRoot, block] = await Promise.all([
      chain.client.readContract({ address: chain.mailbox, abi: MailboxAbi, functionName: 'root', blockNumber: height }),
      chain.client.getBlock({ blockNumber: height }),
    ])
    return { height, outboxRoot, stateRoot: block.stateRoot }
  }

  async function checkpointOnce(): Promise<void> {
    const hubW = cpWallets.get(hub.chainId)!
    for (const spoke of spokes) {
      const snap = await snapshot(spoke)
      if (lastRoot.get(`to-hub:${spoke.domain}`) === snap.outboxRoot) continue
      const set = await h.pub.readContract({
        address: manager,
        abi: SPNManagerAbi,
        functionName: 'validatorSet',
        args: [spoke.spnId!],
      })
      const cp = {
        spnId: spoke.spnId!,
        epoch: set.epoch,
        height: snap.height,
        stateRoot: snap.stateRoot,
        outboxRoot: snap.outboxRoot,
      }
      const sigs = sign(checkpointDigest(BigInt(hubChainId), cp, set.headerHash))
      await write(hubW.pub, hubW.wallet, adapter, SPNAdapterAbi, 'submitCheckpoint', [cp, validators, powers, sigs])
      lastRoot.set(`to-hub:${spoke.domain}`, snap.outboxRoot)
    }
    const snap = await snapshot(hub)
    for (const spoke of spokes) {
      if (lastRoot.get(`to-spoke:${spoke.domain}`) === snap.outboxRoot) continue
      const w = cpWallets.get(spoke.chainId)!
      const source = await w.pub.readContract({
        address: spoke.verifier!,
        abi: MainnetRootVerifierAbi,
        functionName: 'validatorSetSource',
      })
      const header = await w.pub.readContract({
        address: source,
        abi: OwnedValidatorSetSourceAbi,
        functionName: 'header',
        args: [0, 1n],
      })
      const cp = { spnId: 0, epoch: 1n, height: snap.height, stateRoot: snap.stateRoot, outboxRoot: snap.outboxRoot }
      const sigs = sign(checkpointDigest(BigInt(hubChainId), cp, headerHash(header)))
      await write(w.pub, w.wallet, spoke.verifier!, MainnetRootVerifierAbi, 'submitCheckpoint', [
        cp,
        validators,
        powers,
        sigs,
      ])
      lastRoot.set(`to-spoke:${spoke.domain}`, snap.outboxRoot)
    }
  }

  function startCheckpointer(intervalMs = 200) {
    let stopped = false
    const loop = (async () => {
      while (!stopped) {
        await checkpointOnce().catch(() => {})
        await new Promise((r) => setTimeout(r, intervalMs))
      }
    })()
    return {
      stop: async () => {
        stopped = true
        await loop
      },
    }
  }

  return {
    hub,
    spokes,
    chains: [hub, ...spokes],
    deployerKey,
    validatorKeys,
    startCheckpointer,
    checkpointOnce,
    fund: async (address, wei = 10n ** 22n) => {
      for (const anvil of anvils) await fundOn(anvil, address, wei)
    },
    stop: async () => {
      await Promise.all(anvils.map((a) => a.stop()))
    },
  }
}
