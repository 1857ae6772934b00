// Deploys the restaking system and onboards operators through viem: used by the tests, the gas
// benchmark and devnets (which have no Chainlink network, hence the owner-fed MockPriceFeed).
import { fromHex, privateKeyToAddress, signDigest, toHex } from '@spnkit/crypto'
import type { Abi, Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from 'viem'
import {
  MockPriceFeedAbi,
  MockPriceFeedBytecode,
  RestakingAbi,
  RestakingBytecode,
  RewardsDistributorAbi,
  RewardsDistributorBytecode,
  SlashingAbi,
  SlashingBytecode,
  StakingCertificateAbi,
  StakingCertificateBytecode,
  UsdPriceOracleAbi,
  UsdPriceOracleBytecode,
  ValidatorSetsAbi,
  ValidatorSetsBytecode,
} from '../abi/index.ts'

export type Wallet = WalletClient<Transport, Chain, Account>

export type RestakingDeployment = {
  priceFeed: Address
  priceOracle: Address
  certificate: Address
  restaking: Address
  validatorSets: Address
  slashing: Address
  rewards: Address
}

export type DeployParams = {
  owner: Address
  reporter: Address
  /** Native/USD price with 8 decimals for the mock feed (ignored when `priceFeed` is given). */
  price: bigint
  priceFeed?: Address
  maxStaleness: bigint
  minPrice: bigint
  maxPrice: bigint
  certificate: {
    minWithdrawal: bigint
    maxWithdrawal: bigint
    withdrawalDelay: bigint
    minReportInterval: bigint
    maxRewardBps: number
    maxSlashBps: number
    stakeLockBlocks: number
  }
  evidenceWindow: bigint
  vetoPeriod: bigint
  deallocationDelay: bigint
  withdrawalDelay: bigint
  slashing: {
    whistleblowerBps: number
    treasury: Address
    throttlePeriod: bigint
    spnThrottleBps: number
    globalThrottleBps: number
  }
  rewardsActivationDelay: bigint
}

const DAY = 86_400n

export function defaultDeployParams(owner: Address): DeployParams {
  return {
    owner,
    reporter: owner,
    price: 2000n * 10n ** 8n,
    maxStaleness: DAY,
    minPrice: 10n ** 8n,
    maxPrice: 1_000_000n * 10n ** 8n,
    certificate: {
      minWithdrawal: 100n,
      maxWithdrawal: 1000n * 10n ** 18n,
      withdrawalDelay: DAY,
      minReportInterval: DAY,
      maxRewardBps: 10,
      maxSlashBps: 500,
      stakeLockBlocks: 1,
    },
    evidenceWindow: 4n * DAY,
    vetoPeriod: DAY,
    deallocationDelay: 6n * DAY,
    withdrawalDelay: 7n * DAY,
    slashing: {
      whistleblowerBps: 1000,
      treasury: '0x0000000000000000000000000000000000000000',
      throttlePeriod: DAY,
      spnThrottleBps: 3300,
      globalThrottleBps: 1000,
    },
    rewardsActivationDelay: 3600n,
  }
}

async function deploy(wallet: Wallet, client: PublicClient, abi: Abi, bytecode: Hex, args: unknown[]) {
  const hash = await wallet.deployContract({ abi, bytecode, args })
  const receipt = await client.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || !receipt.contractAddress)
    throw new Error(`deployment failed in tx ${hash}: check the constructor arguments`)
  return receipt.contractAddress
}

/** Sends a write and waits for success; throws with the tx hash when it reverts on chain. */
export async function send(
  wallet: Wallet,
  client: PublicClient,
  request: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[]; value?: bigint },
): Promise<{ hash: Hex; gasUsed: bigint }> {
  const hash = await wallet.writeContract(request as Parameters<Wallet['writeContract']>[0])
  const receipt = await client.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new Error(`${request.functionName} reverted in tx ${hash}`)
  return { hash, gasUsed: receipt.gasUsed }
}

export async function deployRestaking(
  wallet: Wallet,
  client: PublicClient,
  params: DeployParams = defaultDeployParams(wallet.account.address),
): Promise<RestakingDeployment> {
  const priceFeed =
    params.priceFeed ??
    (await deploy(wallet, client, MockPriceFeedAbi, MockPriceFeedBytecode, [8, params.price, 'NATIVE / USD']))
  const priceOracle = await deploy(wallet, client, UsdPriceOracleAbi, UsdPriceOracleBytecode, [
    priceFeed,
    params.maxStaleness,
    params.minPrice,
    params.maxPrice,
  ])
  const certificate = await deploy(wallet, client, StakingCertificateAbi, StakingCertificateBytecode, [
    params.owner,
    params.reporter,
    params.certificate,
  ])
  const restaking = await deploy(wallet, client, RestakingAbi, RestakingBytecode, [
    params.owner,
    certificate,
    priceOracle,
    params.evidenceWindow,
    params.vetoPeriod,
    params.deallocationDelay,
    params.withdrawalDelay,
  ])
  const validatorSets = await deploy(wallet, client, ValidatorSetsAbi, ValidatorSetsBytecode, [restaking])
  const slashing = await deploy(wallet, client, SlashingAbi, SlashingBytecode, [
    params.owner,
    restaking,
    validatorSets,
    params.slashing,
  ])
  const rewards = await deploy(wallet, client, RewardsDistributorAbi, RewardsDistributorBytecode, [
    params.owner,
    certificate,
    params.owner,
    params.rewardsActivationDelay,
  ])
  await send(wallet, client, { address: restaking, abi: RestakingAbi, functionName: 'setSlasher', args: [slashing] })
  return { priceFeed, priceOracle, certificate, restaking, validatorSets, slashing, rewards }
}

export type SpnParams = {
  chainId: bigint
  epochDuration: bigint
  slashBps: number
  maxValidators: number
  vetoer: Address
  minStakeUsd: bigint
}

export async function createSpn(
  wallet: Wallet,
  client: PublicClient,
  deployment: RestakingDeployment,
  spnId: number,
  spn: SpnParams,
) {
  return send(wallet, client, {
    address: deployment.restaking,
    abi: RestakingAbi,
    functionName: 'createSpn',
    args: [spnId, { exists: true, active: true, ...spn }],
  })
}

/** The 65-byte proof that `consensusKey` belongs to `operator` (raw digest, no prefix). */
export async function consensusKeyProof(
  client: PublicClient,
  deployment: RestakingDeployment,
  operator: Address,
  consensusKey: Uint8Array,
): Promise<Hex> {
  const digest = await client.readContract({
    address: deployment.restaking,
    abi: RestakingAbi,
    functionName: 'keyProofDigest',
    args: [operator],
  })
  return toHex(signDigest(fromHex(digest), consensusKey))
}

export type OnboardResult = {
  consensusKey: Address
  gas: Record<'register' | 'stake' | 'delegate' | 'allocate', bigint>
}

/**
 * Registers `wallet`'s account as an operator with `consensusKey`, stakes `stake` native, delegates
 * the certificates to itself, registers for `spnId` and allocates `magnitude` (WAD fraction).
 */
export async function onboardOperator(
  wallet: Wallet,
  client: PublicClient,
  deployment: RestakingDeployment,
  options: { consensusKey: Uint8Array; stake: bigint; spnId: number; magnitude: bigint },
): Promise<OnboardResult> {
  const operator = wallet.account.address
  const key = toHex(privateKeyToAddress(options.consensusKey)) as Address
  const proof = await consensusKeyProof(client, deployment, operator, options.consensusKey)
  const register = await send(wallet, client, {
    address: deployment.restaking,
    abi: RestakingAbi,
    functionName: 'registerOperator',
    args: [key, proof],
  })
  const stake = await send(wallet, client, {
    address: deployment.certificate,
    abi: StakingCertificateAbi,
    functionName: 'stake',
    value: options.stake,
  })
  const shares = await client.readContract({
    address: deployment.certificate,
    abi: StakingCertificateAbi,
    functionName: 'balanceOf',
    args: [operator],
  })
  await send(wallet, client, {
    address: deployment.certificate,
    abi: StakingCertificateAbi,
    functionName: 'approve',
    args: [deployment.restaking, shares],
  })
  const delegate = await send(wallet, client, {
    address: deployment.restaking,
    abi: RestakingAbi,
    functionName: 'delegate',
    args: [operator, shares],
  })
  await send(wallet, client, {
    address: deployment.restaking,
    abi: RestakingAbi,
    functionName: 'registerForSpn',
    args: [options.spnId],
  })
  const allocate = await send(wallet, client, {
    address: deployment.restaking,
    abi: RestakingAbi,
    functionName: 'allocate',
    args: [options.spnId, options.magnitude],
  })
  return {
    consensusKey: key,
    gas: { register: register.gasUsed, stake: stake.gasUsed, delegate: delegate.gasUsed, allocate: allocate.gasUsed },
  }
}
