// Runs one fuzz case on our engine and on @ethereumjs/evm (the oracle) at message level and
// compares status, gas used, refund, return data, logs and the resulting accounts.

import { DasContextJs } from '@crate-crypto/node-eth-kzg'
import { Common, Hardfork, Mainnet } from '@ethereumjs/common'
import { createEVM } from '@ethereumjs/evm'
import { SimpleStateManager } from '@ethereumjs/statemanager'
import { Account, createAddressFromString } from '@ethereumjs/util'
import { fromHex, keccak256, toHex } from '@spnkit/crypto'
import { CALL, type Env } from '../src/evm/frame.ts'
import { runMessage } from '../src/evm/vm.ts'
import { bigToBytes32, bytesToBig } from '../src/evm/word.ts'
import { cancunPrecompiles } from '../src/precompiles/index.ts'
import { InMemoryState } from '../src/state/memory-state.ts'
import { World } from '../src/state/world.ts'
import type { Address } from '../src/types.ts'
import type { FuzzCase } from './generate.ts'

export type Observation = {
  status: number
  gasUsed: number
  refund: number
  output: string
  logs: string[]
  accounts: Record<string, { balance: string; nonce: string; storage: Record<string, string> }>
}

/** The block both engines see (our BlockContext; the oracle gets the same values below). */
const BLOCK = {
  number: 300n,
  timestamp: 1_700_000_000n,
  coinbase: '0x00000000000000000000000000000000000c0b0b',
  gasLimit: 30_000_000n,
  baseFee: 7n,
  prevRandao: 0x1234n,
  blobBaseFee: 1n,
}
function blockHashOf(n: bigint): Uint8Array {
  return keccak256(new TextEncoder().encode(`block ${n}`))
}
const oracleBlock = {
  header: {
    number: BLOCK.number,
    coinbase: createAddressFromString(BLOCK.coinbase),
    timestamp: BLOCK.timestamp,
    difficulty: 0n,
    prevRandao: bigToBytes32(BLOCK.prevRandao),
    gasLimit: BLOCK.gasLimit,
    baseFeePerGas: BLOCK.baseFee,
    getBlobGasPrice: () => BLOCK.blobBaseFee,
  },
}
const oracleChain = {
  getBlock: async (n: number) => ({ hash: () => blockHashOf(BigInt(n)) }),
  putBlock: async () => {},
  shallowCopy() {
    return oracleChain
  },
}

const SLOTS = [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]
const PRECOMPILES = Array.from({ length: 10 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`)

function logKey(address: string, topics: Uint8Array[], data: Uint8Array): string {
  return `${address.toLowerCase()}|${topics.map(toHex).join(',')}|${toHex(data)}`
}

function norm(address: string): string {
  return `0x${BigInt(address).toString(16).padStart(40, '0')}`
}

export function runOurs(c: FuzzCase): Observation {
  const state = new InMemoryState()
  for (const a of c.accounts)
    state.setAccount(norm(a.address) as Address, {
      balance: a.balance,
      nonce: a.nonce,
      code: a.code,
      storage: a.storage,
    })
  const world = new World(state)
  world.beginTx()
  const caller = norm(c.accounts[0]!.address) as Address
  const to = norm(c.to) as Address
  for (const a of [caller, to, ...PRECOMPILES]) world.warmAddress(a as Address)
  const env: Env = {
    world,
    block: {
      chainId: 1n,
      number: BLOCK.number,
      timestamp: BLOCK.timestamp,
      coinbase: BLOCK.coinbase as Address,
      gasLimit: BLOCK.gasLimit,
      baseFee: BLOCK.baseFee,
      prevRandao: BLOCK.prevRandao,
      excessBlobGas: 0n,
      blockHash: blockHashOf,
    },
    blobBaseFee: BLOCK.blobBaseFee,
    tx: { origin: caller, gasPrice: 0n, blobHashes: [] },
    precompiles: cancunPrecompiles,
    tracer: undefined,
  }
  const r = runMessage(env, {
    kind: CALL,
    caller,
    address: to,
    codeAddress: to,
    value: c.value,
    transfer: true,
    input: c.data,
    gas: c.gasLimit,
    isStatic: false,
    depth: 0,
    retOffset: 0,
    retSize: 0,
  })
  const accounts: Observation['accounts'] = {}
  for (const a of c.accounts) {
    const acct = world.account(norm(a.address) as Address)
    const storage: Record<string, string> = {}
    for (const k of SLOTS) {
      const v = acct.getStorage(k)
      if (v !== 0n) storage[k.toString()] = v.toString()
    }
    accounts[norm(a.address)] = { balance: acct.balance.toString(), nonce: acct.nonce.toString(), storage }
  }
  return {
    status: r.status,
    gasUsed: c.gasLimit - r.gasLeft,
    refund: r.status === 0 ? world.refund : 0,
    output: r.status === 2 ? '0x' : toHex(r.output),
    logs: r.status === 0 ? world.logs.map((l) => logKey(l.address, l.topics, l.data)) : [],
    accounts,
  }
}

// The oracle's point evaluation needs a KZG backend; rust-eth-kzg (the library our 0x0a uses) is
// plugged in through its hex-string interface, loaded on first use.
let das: DasContextJs | undefined
const unsupported = (): never => {
  throw new Error('not used by the EVM oracle')
}
const kzg = {
  verifyProof(commitment: string, z: string, y: string, proof: string): boolean {
    das ??= DasContextJs.create({ usePrecomp: false })
    return das.verifyKzgProof(fromHex(commitment), fromHex(z), fromHex(y), fromHex(proof))
  },
  blobToKzgCommitment: unsupported,
  computeBlobProof: unsupported,
  verifyBlobProofBatch: unsupported,
  computeCells: unsupported,
  computeCellsAndProofs: unsupported,
  recoverCellsAndProofs: unsupported,
  verifyCellKzgProofBatch: unsupported,
}
const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun, customCrypto: { kzg } })

export async function runOracle(c: FuzzCase): Promise<Observation> {
  const sm = new SimpleStateManager()
  for (const a of c.accounts) {
    const address = createAddressFromString(norm(a.address))
    await sm.putAccount(address, new Account(a.nonce, a.balance))
    if (a.code.length > 0) await sm.putCode(address, a.code)
    for (const [k, v] of a.storage) await sm.putStorage(address, bigToBytes32(k), bigToBytes32(v))
  }
  // biome-ignore lint/suspicious/noExplicitAny: the oracle only needs getBlock(n).hash()
  const evm = await createEVM({ common, stateManager: sm, blockchain: oracleChain as any })
  const caller = createAddressFromString(norm(c.accounts[0]!.address))
  const to = createAddressFromString(norm(c.to))
  for (const a of [caller.toString(), to.toString(), ...PRECOMPILES]) evm.journal.addAlwaysWarmAddress(a)
  const res = await evm.runCall({
    caller,
    origin: caller,
    to,
    value: c.value,
    data: c.data,
    gasLimit: BigInt(c.gasLimit),
    skipNonceIncrement: true,
    // biome-ignore lint/suspicious/noExplicitAny: a header-only block is all the interpreter reads
    block: oracleBlock as any,
  })
  const e = res.execResult
  const status = e.exceptionError === undefined ? 0 : e.exceptionError.error === 'revert' ? 1 : 2
  const accounts: Observation['accounts'] = {}
  for (const a of c.accounts) {
    const address = createAddressFromString(norm(a.address))
    const acct = await sm.getAccount(address)
    const storage: Record<string, string> = {}
    for (const k of SLOTS) {
      const v = bytesToBig(await sm.getStorage(address, bigToBytes32(k)))
      if (v !== 0n) storage[k.toString()] = v.toString()
    }
    accounts[norm(a.address)] = {
      balance: (acct?.balance ?? 0n).toString(),
      nonce: (acct?.nonce ?? 0n).toString(),
      storage,
    }
  }
  return {
    status,
    gasUsed: Number(e.executionGasUsed),
    refund: status === 0 ? Number(e.gasRefund ?? 0n) : 0,
    output: status === 2 ? '0x' : toHex(e.returnValue),
    logs: status === 0 ? (e.logs ?? []).map(([addr, topics, data]) => logKey(toHex(addr), topics, data)) : [],
    accounts,
  }
}

/** The first difference between two observations, or undefined. */
export function compare(ours: Observation, oracle: Observation): string | undefined {
  const a = JSON.stringify(ours)
  const b = JSON.stringify(oracle)
  if (a === b) return undefined
  for (const key of ['status', 'gasUsed', 'refund', 'output', 'logs', 'accounts'] as const) {
    const x = JSON.stringify(ours[key])
    const y = JSON.stringify(oracle[key])
    if (x !== y) return `${key}: ours ${x.slice(0, 300)} vs ethereumjs ${y.slice(0, 300)}`
  }
  return 'differs'
}

export async function check(c: FuzzCase): Promise<string | undefined> {
  let ours: Observation
  try {
    ours = runOurs(c)
  } catch (e) {
    return `our engine threw: ${(e as Error).stack}`
  }
  return compare(ours, await runOracle(c))
}
