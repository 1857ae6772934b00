// `npm run bench:gas` (root) runs this: deploys the restaking system to a real anvil, onboards the
// largest supported validator set (Restaking.MAX_OPERATORS_PER_SPN = 512 operators), and measures
// gas from receipts. Prints a table, then one JSON line:
// {"stake":..,"delegate":..,"allocate":..,"slash_execute":..,"validator_set_header_max":..}
// Per-operator figures are medians over the first 16 operators (the rest are onboarded raw). No peer implementation is run: gas is an
// absolute budget here (the bar is "the largest set fits in one 30M-gas block").
import { type Anvil, startAnvil } from '@spnkit/contracts/anvil'
import { privateKeyToAddress, toHex } from '@spnkit/crypto'
import {
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  type PublicClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { RestakingAbi, SlashingAbi, StakingCertificateAbi, ValidatorSetsAbi } from '../abi/index.ts'
import {
  consensusKeyProof,
  createSpn,
  defaultDeployParams,
  deployRestaking,
  onboardOperator,
  type RestakingDeployment,
  send,
  type Wallet,
} from './deploy.ts'
import { evidenceArgs } from './evidence.ts'
import { equivocation, testKey } from './fixtures.ts'
import { readValidatorSet } from './validator-set.ts'

const BLOCK_GAS_LIMIT = 30_000_000n
const SPN = 1
const CHAIN = 1001
const DEPLOYER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

function median(values: bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return sorted[Math.floor(sorted.length / 2)]!
}

async function main() {
  const anvil: Anvil = await startAnvil({ args: ['--gas-limit', String(BLOCK_GAS_LIMIT)] })
  try {
    const transport = http(anvil.rpcUrl)
    const client = createPublicClient({ chain: foundry, transport, pollingInterval: 20 }) as PublicClient
    const testClient = createTestClient({ mode: 'anvil', chain: foundry, transport })
    const wallet = (key: `0x${string}`): Wallet =>
      createWalletClient({ account: privateKeyToAccount(key), chain: foundry, transport })
    const deployer = wallet(DEPLOYER_KEY)
    const d = await deployRestaking(deployer, client, defaultDeployParams(deployer.account.address))
    const max = Number(
      await client.readContract({ address: d.restaking, abi: RestakingAbi, functionName: 'MAX_OPERATORS_PER_SPN' }),
    )
    await createSpn(deployer, client, d, SPN, {
      chainId: BigInt(CHAIN),
      epochDuration: 86_400n,
      slashBps: 1000,
      maxValidators: max,
      vetoer: deployer.account.address,
      minStakeUsd: 1000n * 10n ** 18n,
    })

    // The first operators go through onboardOperator (one receipt per step) to measure gas; the
    // rest are signed locally and sent raw without per-step waits, since only the set size matters.
    const gas = { register: [] as bigint[], stake: [] as bigint[], delegate: [] as bigint[], allocate: [] as bigint[] }
    const measured = 16
    for (let i = 0; i < measured; i++) {
      const op = wallet(toHex(testKey('bench-operator', i)))
      await testClient.setBalance({ address: op.account.address, value: 10n ** 21n })
      const result = await onboardOperator(op, client, d, {
        consensusKey: testKey('bench-consensus', i),
        stake: 10n ** 18n + BigInt(i) * 10n ** 16n,
        spnId: SPN,
        magnitude: 10n ** 18n,
      })
      for (const k of ['register', 'stake', 'delegate', 'allocate'] as const) gas[k].push(result.gas[k])
    }
    const chunk = 64
    for (let start = measured; start < max; start += chunk) {
      const last = await Promise.all(
        Array.from({ length: Math.min(chunk, max - start) }, (_, j) => fastOnboard(client, testClient, d, start + j)),
      )
      for (const hash of last) {
        const receipt = await client.waitForTransactionReceipt({ hash })
        if (receipt.status !== 'success') throw new Error(`fast onboarding failed in ${hash}`)
      }
    }

    const publish = await send(deployer, client, {
      address: d.validatorSets,
      abi: ValidatorSetsAbi,
      functionName: 'publish',
      args: [SPN],
    })
    const set = await readValidatorSet(client, d.validatorSets, SPN, 1n)
    if (set.validators.length !== max) throw new Error(`expected ${max} validators, got ${set.validators.length}`)

    const ev = equivocation(testKey('bench-consensus', 0), CHAIN, 1, 1)
    const submit = await send(deployer, client, {
      address: d.slashing,
      abi: SlashingAbi,
      functionName: 'submitEvidence',
      args: [evidenceArgs(ev), set.validators, set.powers],
    })
    await testClient.increaseTime({ seconds: 86_401 })
    await testClient.mine({ blocks: 1 })
    const execute = await send(deployer, client, {
      address: d.slashing,
      abi: SlashingAbi,
      functionName: 'execute',
      args: [0n],
    })

    const rows: Array<[string, bigint, string]> = [
      ['registerOperator (median)', median(gas.register), ''],
      ['stake (median)', median(gas.stake), ''],
      ['delegate (median)', median(gas.delegate), ''],
      ['allocate (median)', median(gas.allocate), ''],
      [
        `publish header, ${max} validators`,
        publish.gasUsed,
        `${(Number(publish.gasUsed) / 300_000).toFixed(1)}% of block`,
      ],
      [
        `submitEvidence, ${max}-entry list`,
        submit.gasUsed,
        `${(Number(submit.gasUsed) / 300_000).toFixed(1)}% of block`,
      ],
      ['slash execute', execute.gasUsed, ''],
    ]
    console.log(`restaking gas (anvil, cancun, block gas limit ${BLOCK_GAS_LIMIT})`)
    console.log(`${'operation'.padEnd(36)} ${'gas'.padStart(12)}  note`)
    for (const [name, value, note] of rows) console.log(`${name.padEnd(36)} ${String(value).padStart(12)}  ${note}`)
    if (publish.gasUsed > BLOCK_GAS_LIMIT) throw new Error('largest validator set does not fit in one block')
    console.log(
      JSON.stringify({
        stake: Number(median(gas.stake)),
        delegate: Number(median(gas.delegate)),
        allocate: Number(median(gas.allocate)),
        slash_execute: Number(execute.gasUsed),
        validator_set_header_max: Number(publish.gasUsed),
      }),
    )
  } finally {
    await anvil.stop()
  }
}

/**
 * Registers, stakes, delegates, joins and allocates for bench operator `i` with six locally signed
 * raw transactions (explicit nonces and gas; automine executes them in order). Returns the last hash.
 */
async function fastOnboard(
  client: PublicClient,
  testClient: ReturnType<typeof createTestClient>,
  d: RestakingDeployment,
  i: number,
): Promise<Hex> {
  const account = privateKeyToAccount(toHex(testKey('bench-operator', i)))
  await testClient.setBalance({ address: account.address, value: 10n ** 21n })
  const consensusKey = testKey('bench-consensus', i)
  const proof = await consensusKeyProof(client, d, account.address, consensusKey)
  const stake = 10n ** 18n + BigInt(i) * 10n ** 16n
  // Until the first reward report every certificate share is worth 1/1000 wei: shares = 1000 x stake.
  const shares = stake * 1000n
  const calls: Array<{ to: Address; data: Hex; value?: bigint }> = [
    {
      to: d.restaking,
      data: encodeFunctionData({
        abi: RestakingAbi,
        functionName: 'registerOperator',
        args: [toHex(privateKeyToAddress(consensusKey)) as Address, proof],
      }),
    },
    {
      to: d.certificate,
      data: encodeFunctionData({ abi: StakingCertificateAbi, functionName: 'stake' }),
      value: stake,
    },
    {
      to: d.certificate,
      data: encodeFunctionData({ abi: StakingCertificateAbi, functionName: 'approve', args: [d.restaking, shares] }),
    },
    {
      to: d.restaking,
      data: encodeFunctionData({ abi: RestakingAbi, functionName: 'delegate', args: [account.address, shares] }),
    },
    { to: d.restaking, data: encodeFunctionData({ abi: RestakingAbi, functionName: 'registerForSpn', args: [SPN] }) },
    {
      to: d.restaking,
      data: encodeFunctionData({ abi: RestakingAbi, functionName: 'allocate', args: [SPN, 10n ** 18n] }),
    },
  ]
  let hash: Hex = '0x'
  for (const [nonce, call] of calls.entries()) {
    const raw = await account.signTransaction({
      chainId: foundry.id,
      type: 'eip1559',
      nonce,
      gas: 1_000_000n,
      maxFeePerGas: 100_000_000_000n,
      maxPriorityFeePerGas: 1n,
      to: call.to,
      data: call.data,
      value: call.value ?? 0n,
    })
    hash = await client.request({ method: 'eth_sendRawTransaction', params: [raw] })
  }
  return hash
}

main().catch((error: Error) => {
  console.error(`bench-gas (restaking) failed: ${error.message}`)
  process.exit(1)
})
