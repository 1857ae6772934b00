// End to end on a real anvil: deploy, onboard operators, publish headers, read and watch them,
// differential evidence checks (TS checker vs the Slashing contract, valid and broken), and the
// evidence submitter following requests to execution and to veto.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { consensusDigest, offenceKey, secp256k1Scheme } from '@spnkit/consensus'
import { type Anvil, startAnvil } from '@spnkit/contracts/anvil'
import { toHex } from '@spnkit/crypto'
import { type Address, createPublicClient, createTestClient, createWalletClient, http, type PublicClient } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { MockPriceFeedAbi, RestakingAbi, SlashingAbi, StakingCertificateAbi, ValidatorSetsAbi } from '../abi/index.ts'
import {
  createSpn,
  defaultDeployParams,
  deployRestaking,
  onboardOperator,
  type RestakingDeployment,
  send,
  type Wallet,
} from './deploy.ts'
import { EvidenceError } from './errors.ts'
import { checkEvidence, evidenceArgs, rejectionFromRevert } from './evidence.ts'
import { EvidenceSubmitter } from './evidence-submitter.ts'
import { brokenVariants, equivocation, testKey, twinEvidence } from './fixtures.ts'
import { readValidatorSet, type ValidatorSet, watchEpochs } from './validator-set.ts'

// anvil's first dev account deploys; the other actors get deterministic keys funded in before().
const DEPLOYER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const SPN = 1
const CHAIN = 1001
const DAY = 86_400

let anvil: Anvil
let client: PublicClient
let deployer: Wallet
let vetoer: Wallet
let reporterOfEvidence: Wallet
let alice: Wallet
let d: RestakingDeployment
const consensusKeys = [0, 1, 2, 3].map((i) => testKey('consensus', i))
const operators: Wallet[] = []

const walletFor = (key: `0x${string}`): Wallet =>
  createWalletClient({ account: privateKeyToAccount(key), chain: foundry, transport: http(anvil.rpcUrl) })

async function travel(seconds: number) {
  const testClient = createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) })
  await testClient.increaseTime({ seconds })
  await testClient.mine({ blocks: 1 })
  // Keep the mock price fresh after the jump (the oracle rejects stale answers).
  await send(deployer, client, {
    address: d.priceFeed,
    abi: MockPriceFeedAbi,
    functionName: 'setAnswer',
    args: [2000n * 10n ** 8n],
  })
}

async function publish(): Promise<bigint> {
  await send(deployer, client, {
    address: d.validatorSets,
    abi: ValidatorSetsAbi,
    functionName: 'publish',
    args: [SPN],
  })
  return client.readContract({
    address: d.validatorSets,
    abi: ValidatorSetsAbi,
    functionName: 'latestEpoch',
    args: [SPN],
  })
}

/** The contract's verdict on evidence: 'ok' or the custom error name it reverts with. */
async function contractVerdict(ev: Parameters<typeof evidenceArgs>[0], set: ValidatorSet): Promise<string> {
  try {
    await client.readContract({
      address: d.slashing,
      abi: SlashingAbi,
      functionName: 'verifyEvidence',
      args: [evidenceArgs(ev), set.validators, set.powers],
    })
    return 'ok'
  } catch (error) {
    return rejectionFromRevert(error) ?? `unparsed: ${(error as Error).message.split('\n')[0]}`
  }
}

function tsVerdict(ev: Parameters<typeof evidenceArgs>[0], set: ValidatorSet): string {
  try {
    checkEvidence(ev, set)
    return 'ok'
  } catch (error) {
    if (error instanceof EvidenceError) return error.code
    throw error
  }
}

before(async () => {
  anvil = await startAnvil()
  client = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl), pollingInterval: 20 })
  deployer = walletFor(DEPLOYER_KEY)
  vetoer = walletFor(toHex(testKey('vetoer', 0)))
  reporterOfEvidence = walletFor(toHex(testKey('whistleblower', 0)))
  alice = walletFor(toHex(testKey('alice', 0)))
  d = await deployRestaking(deployer, client, defaultDeployParams(deployer.account.address))
  await createSpn(deployer, client, d, SPN, {
    chainId: BigInt(CHAIN),
    epochDuration: BigInt(DAY),
    slashBps: 1000,
    maxValidators: 100,
    vetoer: vetoer.account.address,
    minStakeUsd: 1000n * 10n ** 18n,
  })
  const testClient = createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) })
  for (const w of [alice, vetoer, reporterOfEvidence])
    await testClient.setBalance({ address: w.account.address, value: 1000n * 10n ** 18n })
  for (let i = 0; i < 4; i++) {
    const wallet = walletFor(toHex(testKey('operator', i)))
    await testClient.setBalance({ address: wallet.account.address, value: 1000n * 10n ** 18n })
    operators.push(wallet)
    await onboardOperator(wallet, client, d, {
      consensusKey: consensusKeys[i]!,
      stake: BigInt(10 * (i + 1)) * 10n ** 18n,
      spnId: SPN,
      magnitude: 10n ** 18n,
    })
  }
  await publish()
})
after(() => anvil?.stop())

test('reads the published set from chain: sorted keys, powers, root and hash match the contract', async () => {
  const set = await readValidatorSet(client, d.validatorSets, SPN, 1n)
  assert.equal(set.validators.length, 4)
  const keys = consensusKeys.map((k) => secp256k1Scheme.address(k)).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
  assert.deepEqual(set.validators, keys)
  const onChainHash = await client.readContract({
    address: d.validatorSets,
    abi: ValidatorSetsAbi,
    functionName: 'headerHash',
    args: [SPN, 1n],
  })
  assert.equal(set.headerHash, onChainHash)
  const stake0 = await client.readContract({
    address: d.restaking,
    abi: RestakingAbi,
    functionName: 'allocatedStake',
    args: [operators[0]!.account.address, SPN],
  })
  const key0 = secp256k1Scheme.address(consensusKeys[0]!) as Address
  assert.equal(set.powers[set.validators.indexOf(key0)], stake0)
  await assert.rejects(readValidatorSet(client, d.validatorSets, SPN, 9n), /no header on chain/)
})

test('watchEpochs delivers each epoch once, in order, hash-chained', async () => {
  const seen: ValidatorSet[] = []
  const errors: Error[] = []
  let resolveTwo: () => void
  const two = new Promise<void>((resolve) => {
    resolveTwo = resolve
  })
  const watcher = watchEpochs({
    client,
    address: d.validatorSets,
    spnId: SPN,
    pollMs: 50,
    onSet: (set) => {
      seen.push(set)
      if (seen.length === 2) resolveTwo()
    },
    onError: (e) => errors.push(e),
  })
  await travel(DAY)
  await publish()
  await two
  await watcher.stop()
  assert.deepEqual(
    seen.map((s) => s.header.epoch),
    [1n, 2n],
  )
  assert.equal(seen[1]!.header.parentHash, seen[0]!.headerHash)
  assert.deepEqual(errors, [])
})

test('differential: TS checker and Slashing contract agree on valid and broken consensus evidence', async () => {
  const epoch = await client.readContract({
    address: d.validatorSets,
    abi: ValidatorSetsAbi,
    functionName: 'latestEpoch',
    args: [SPN],
  })
  const set = await readValidatorSet(client, d.validatorSets, SPN, epoch)
  const valid = equivocation(consensusKeys[2]!, CHAIN, Number(epoch), 11)
  assert.equal(tsVerdict(valid, set), 'ok')
  assert.equal(await contractVerdict(valid, set), 'ok')
  const [, signer, power] = await client.readContract({
    address: d.slashing,
    abi: SlashingAbi,
    functionName: 'verifyEvidence',
    args: [evidenceArgs(valid), set.validators, set.powers],
  })
  assert.equal(signer.toLowerCase(), checkEvidence(valid, set).signer)
  assert.equal(power, checkEvidence(valid, set).power)

  // Same digest and offence key on both sides (interfaces.md §1).
  const onChainDigest = await client.readContract({
    address: d.slashing,
    abi: SlashingAbi,
    functionName: 'consensusDigest',
    args: [BigInt(valid.chainId), BigInt(valid.epoch), BigInt(valid.slot), valid.proposer, valid.phase, valid.valueA],
  })
  assert.equal(
    onChainDigest,
    toHex(consensusDigest(valid.chainId, valid.epoch, valid.slot, valid.proposer, valid.phase, valid.valueA)),
  )
  const onChainKey = await client.readContract({
    address: d.slashing,
    abi: SlashingAbi,
    functionName: 'offenceKey',
    args: [evidenceArgs(valid), valid.signer],
  })
  assert.equal(onChainKey, offenceKey(valid))

  const cases = brokenVariants(valid, consensusKeys[3]!)
  cases.push({
    name: 'not a validator',
    code: 'NotInValidatorSet',
    ev: equivocation(testKey('outsider', 0), CHAIN, Number(epoch), 11),
  })
  for (const { name, code, ev } of cases) {
    assert.equal(tsVerdict(ev, set), code, `TS: ${name}`)
    assert.equal(await contractVerdict(ev, set), code, `contract: ${name}`)
  }
  // Checks only the contract can make without a set: unknown chain, tampered list.
  assert.equal(await contractVerdict({ ...valid, chainId: 4242 }, set), 'UnknownChain')
  assert.equal(await contractVerdict(valid, { ...set, powers: set.powers.map((p) => p + 1n) }), 'ValidatorListMismatch')
})

test('submitter: checks, submits, follows through the veto window to execution; queued withdrawal reduced', async () => {
  const op = operators[0]!.account.address
  // Alice delegates to operator 0, then queues her exit before the evidence lands.
  await send(alice, client, {
    address: d.certificate,
    abi: StakingCertificateAbi,
    functionName: 'stake',
    value: 10n ** 19n,
  })
  const shares = await client.readContract({
    address: d.certificate,
    abi: StakingCertificateAbi,
    functionName: 'balanceOf',
    args: [alice.account.address],
  })
  await send(alice, client, {
    address: d.certificate,
    abi: StakingCertificateAbi,
    functionName: 'approve',
    args: [d.restaking, shares],
  })
  await send(alice, client, { address: d.restaking, abi: RestakingAbi, functionName: 'delegate', args: [op, shares] })
  const poolShares = await client.readContract({
    address: d.restaking,
    abi: RestakingAbi,
    functionName: 'delegatorShares',
    args: [alice.account.address],
  })
  await send(alice, client, {
    address: d.restaking,
    abi: RestakingAbi,
    functionName: 'queueWithdrawal',
    args: [poolShares],
  })
  const before = await client.readContract({
    address: d.restaking,
    abi: RestakingAbi,
    functionName: 'sharesToAssets',
    args: [op, poolShares],
  })

  const submitter = new EvidenceSubmitter({
    publicClient: client,
    walletClient: reporterOfEvidence,
    slashing: d.slashing,
    pollMs: 50,
  })
  const epoch = await client.readContract({
    address: d.validatorSets,
    abi: ValidatorSetsAbi,
    functionName: 'latestEpoch',
    args: [SPN],
  })
  // Evidence produced by a consensus node that caught operator 0's key proposing twice.
  const ev = twinEvidence(consensusKeys, 1, 0, CHAIN, Number(epoch))
  const submitted = await submitter.submit(ev)
  await assert.rejects(
    submitter.check(ev),
    (e: unknown) => e instanceof EvidenceError && e.code === 'OffenceAlreadyReported',
  )
  await assert.rejects(
    submitter.check({ ...ev, chainId: 4242 }),
    (e: unknown) => e instanceof EvidenceError && e.code === 'UnknownChain',
  )

  // Follow while the window is open: it keeps polling; move time past the veto deadline.
  const outcome = submitter.follow(submitted.requestId)
  await new Promise((resolve) => setTimeout(resolve, 150))
  await travel(DAY + 1)
  const result = await outcome
  assert.equal(result.status, 'executed')
  assert.ok(result.slashed > 0n)
  assert.equal(result.operator.toLowerCase(), op.toLowerCase())

  const after = await client.readContract({
    address: d.restaking,
    abi: RestakingAbi,
    functionName: 'sharesToAssets',
    args: [op, poolShares],
  })
  assert.ok(after < before, `queued withdrawal reduced: ${after} < ${before}`)
  const reward = await client.readContract({
    address: d.certificate,
    abi: StakingCertificateAbi,
    functionName: 'balanceOf',
    args: [reporterOfEvidence.account.address],
  })
  assert.equal(reward, result.slashed / 10n, 'whistleblower share')
})

test('submitter: a vetoed request is reported as vetoed and slashes nothing', async () => {
  await publish()
  const epoch = await client.readContract({
    address: d.validatorSets,
    abi: ValidatorSetsAbi,
    functionName: 'latestEpoch',
    args: [SPN],
  })
  const submitter = new EvidenceSubmitter({
    publicClient: client,
    walletClient: reporterOfEvidence,
    slashing: d.slashing,
    pollMs: 50,
  })
  const { requestId } = await submitter.submit(equivocation(consensusKeys[1]!, CHAIN, Number(epoch), 4))
  await send(vetoer, client, { address: d.slashing, abi: SlashingAbi, functionName: 'veto', args: [requestId] })
  const result = await submitter.follow(requestId)
  assert.equal(result.status, 'vetoed')
  assert.equal(result.slashed, 0n)
})
