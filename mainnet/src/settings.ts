import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Address, NodeSettings, StateDiff } from '@spnkit/chain'
import { fromHex, keccak256, privateKeyToAddress, toHex } from '@spnkit/crypto'
import type { MainnetConfig } from './config.ts'
import {
  devGenesis,
  devValidatorKeys,
  type Genesis,
  MAILBOX_ADDRESS,
  MAILBOX_ROOT_CALLDATA,
  systemDeployments,
} from './genesis.ts'

export const CLIENT_VERSION = 'spnkit-mainnet/0.1.0'

/** Block 0's state change: every genesis allocation as a created account. */
export function genesisDiff(genesis: Genesis): StateDiff {
  const accounts: StateDiff['accounts'] = new Map()
  for (const address of Object.keys(genesis.alloc).sort() as Address[]) {
    const a = genesis.alloc[address]!
    const code = a.code ? fromHex(a.code) : new Uint8Array(0)
    const storage = new Map<bigint, bigint>()
    for (const [slot, value] of Object.entries(a.storage ?? {})) storage.set(BigInt(slot), BigInt(value))
    accounts.set(address.toLowerCase() as Address, {
      nonce: a.nonce ?? 0n,
      balance: a.balance,
      codeHash: keccak256(code),
      code: code.length > 0 ? code : undefined,
      storageCleared: false,
      storage,
    })
  }
  return { accounts }
}

/** Turns the resolved configuration into the chain runtime's settings. */
export function mainnetSettings(config: MainnetConfig): NodeSettings {
  const genesis = devGenesis({ validators: config.validators })
  const observer = config.observer === 'true' || config.observer === '1'
  if (observer && !config.follow) throw new Error('--observer needs --follow <validator RPC URL> to take blocks from')
  const keyHex = observer
    ? undefined
    : (config.validatorKey ?? devValidatorKeys(config.validators)[config.validatorIndex]?.privateKey)
  if (!observer && !keyHex)
    throw new Error(`--validator-index ${config.validatorIndex} is outside the validator set of ${config.validators}`)
  const validatorKey = keyHex ? fromHex(keyHex) : undefined
  const validatorAddress = validatorKey ? (toHex(privateKeyToAddress(validatorKey)) as Address) : undefined
  mkdirSync(config.dataDir, { recursive: true })
  const network = config.network ? readNetwork(config.network) : undefined
  const me = network?.validators.find((v) => v.address === validatorAddress)
  if (network && validatorAddress && !config.follow && !me)
    throw new Error(`validator ${validatorAddress} is not listed in the network file ${config.network}`)
  return {
    name: observer ? 'follower' : `v${config.validatorIndex}`,
    follow: config.follow,
    peers: config.peers
      ? config.peers.split(',').filter(Boolean)
      : (network?.validators.filter((v) => v.address !== validatorAddress).map((v) => v.rpc) ?? []),
    consensus:
      network && me && !config.follow
        ? {
            listenPort: me.p2pPort,
            validators: network.validators.map((v) => ({
              address: v.address,
              host: v.host,
              port: v.p2pPort,
              rpc: v.rpc,
            })),
          }
        : undefined,
    chainId: BigInt(genesis.chainId),
    clientVersion: CLIENT_VERSION,
    dataDir: path.resolve(config.dataDir),
    rpc: { host: config.rpcHost, port: config.rpcPort, maxBodyBytes: config.maxBodyBytes, maxBatch: 10_000 },
    gasLimit: genesis.gasLimit,
    minBaseFee: genesis.baseFeePerGas,
    priorityFee: 1_000_000n,
    emptyBlockIntervalMs: config.emptyBlockMs,
    maxBlockTransactions: config.maxBlockTransactions,
    pipelineDepth: 2,
    recoveryWorkers: config.recoveryWorkers,
    validatorKey,
    validatorAddress,
    validators: genesis.validators,
    genesis: {
      timestamp: genesis.timestamp,
      baseFeePerGas: genesis.baseFeePerGas,
      diff: () => genesisDiff(genesis),
      deployments: systemDeployments().map((d) => ({ from: d.from as Address, initcode: fromHex(d.initcode) })),
    },
    outbox: { address: MAILBOX_ADDRESS as Address, rootCalldata: fromHex(MAILBOX_ROOT_CALLDATA) },
    logLevel: config.logLevel,
  }
}

/** The validator network file the devnet writes (and an operator can write by hand). */
export type NetworkFile = { validators: { address: Address; host: string; p2pPort: number; rpc: string }[] }

export function readNetwork(file: string): NetworkFile {
  let parsed: NetworkFile
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as NetworkFile
  } catch (e) {
    throw new Error(`network file ${file} cannot be read as JSON: ${(e as Error).message}`)
  }
  if (
    !Array.isArray(parsed.validators) ||
    parsed.validators.some((v) => !/^0x[0-9a-f]{40}$/.test(v.address) || !Number.isInteger(v.p2pPort))
  )
    throw new Error(
      `network file ${file}: expected { validators: [{ address (lowercase 0x hex), host, p2pPort, rpc }] }`,
    )
  return parsed
}
