// Loads and runs one subtest of the Ethereum `GeneralStateTests` format on our engine and computes
// the post-state root and logs hash the fixture expects.
import { MerklePatriciaTrie } from '@ethereumjs/mpt'
import { RLP } from '@ethereumjs/rlp'
import { fromHex, keccak256, toHex } from '@spnkit/crypto'
import type { StepTracer } from '../src/evm/frame.ts'
import { InMemoryState } from '../src/state/memory-state.ts'
import { World } from '../src/state/world.ts'
import { executeTransaction } from '../src/tx.ts'
import type { AccessListEntry, Address, BlockContext, Log, TxInput, TxResult } from '../src/types.ts'

type Hex = string
export type StateTestJson = {
  env: Record<string, Hex>
  pre: Record<string, { balance: Hex; code: Hex; nonce: Hex; storage: Record<Hex, Hex> }>
  transaction: {
    data: Hex[]
    gasLimit: Hex[]
    value: Hex[]
    nonce: Hex
    to: Hex
    sender?: Hex
    secretKey: Hex
    gasPrice?: Hex
    maxFeePerGas?: Hex
    maxPriorityFeePerGas?: Hex
    accessLists?: ({ address: Hex; storageKeys: Hex[] }[] | null)[]
    maxFeePerBlobGas?: Hex
    blobVersionedHashes?: Hex[]
  }
  post: Record<string, PostEntry[]>
}
export type PostEntry = {
  hash: Hex
  logs: Hex
  indexes: { data: number; gas: number; value: number }
  expectException?: string
}

export type SubtestOutcome = {
  name: string
  index: number
  fork: string
  pass: boolean
  stateRoot: string
  expectedStateRoot: string
  logsHash: string
  expectedLogsHash: string
  expectException?: string
  error?: string
  result?: TxResult
}

function big(h: Hex): bigint {
  // Fillers mark out-of-range values as `0x:bigint 0x…` (e.g. a value of 2^256 + 1).
  const v = h.startsWith('0x:bigint ') ? h.slice(10) : h
  return v === '' || v === '0x' ? 0n : BigInt(v)
}

function addr(h: Hex): Address {
  return h.toLowerCase() as Address
}

export function buildPre(t: StateTestJson): InMemoryState {
  const state = new InMemoryState()
  for (const [a, acct] of Object.entries(t.pre)) {
    const storage = new Map<bigint, bigint>()
    for (const [k, v] of Object.entries(acct.storage)) storage.set(big(k), big(v))
    state.setAccount(addr(a), { nonce: big(acct.nonce), balance: big(acct.balance), code: fromHex(acct.code), storage })
  }
  return state
}

export function buildBlock(t: StateTestJson): BlockContext {
  const env = t.env
  return {
    chainId: 1n,
    number: big(env.currentNumber!),
    timestamp: big(env.currentTimestamp!),
    coinbase: addr(env.currentCoinbase!),
    gasLimit: big(env.currentGasLimit!),
    baseFee: big(env.currentBaseFee ?? '0x0a'),
    prevRandao: big(env.currentRandom ?? env.currentDifficulty ?? '0x0'),
    excessBlobGas: big(env.currentExcessBlobGas ?? '0x0'),
    // The state-test convention (geth, retesteth): hash(n) = keccak256 of n in decimal.
    blockHash: (n: bigint) => keccak256(new TextEncoder().encode(n.toString())),
  }
}

export function buildTx(t: StateTestJson, idx: PostEntry['indexes']): TxInput {
  const j = t.transaction
  const rawAccess = j.accessLists?.[idx.data] ?? undefined
  const accessList: AccessListEntry[] | undefined = rawAccess
    ? rawAccess.map((e) => ({ address: addr(e.address), storageKeys: e.storageKeys.map(big) }))
    : undefined
  const type = j.blobVersionedHashes !== undefined ? 3 : j.maxFeePerGas !== undefined ? 2 : accessList ? 1 : 0
  const tx: TxInput = {
    type,
    from: addr(j.sender!),
    to: j.to === '' ? null : addr(j.to),
    nonce: big(j.nonce),
    gasLimit: big(j.gasLimit[idx.gas]!),
    value: big(j.value[idx.value]!),
    data: fromHex(j.data[idx.data]!),
  }
  if (accessList) tx.accessList = accessList
  if (type >= 2) {
    tx.maxFeePerGas = big(j.maxFeePerGas!)
    tx.maxPriorityFeePerGas = big(j.maxPriorityFeePerGas!)
  } else tx.gasPrice = big(j.gasPrice!)
  if (type === 3) {
    tx.maxFeePerBlobGas = big(j.maxFeePerBlobGas!)
    tx.blobVersionedHashes = j.blobVersionedHashes!.map((h) => fromHex(h))
  }
  return tx
}

function minimal(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0)
  let hex = v.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  return fromHex(hex)
}

function pad32(v: bigint): Uint8Array {
  return fromHex(v.toString(16).padStart(64, '0'))
}

const EMPTY_TRIE_ROOT = fromHex('0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421')

async function trieRoot(entries: [Uint8Array, Uint8Array][]): Promise<Uint8Array> {
  if (entries.length === 0) return EMPTY_TRIE_ROOT
  const trie = new MerklePatriciaTrie({ useKeyHashing: false })
  for (const [k, v] of entries) await trie.put(k, v)
  return trie.root()
}

/** The MPT state root of an in-memory state. */
export async function stateRoot(state: InMemoryState): Promise<string> {
  const entries: [Uint8Array, Uint8Array][] = []
  for (const [address, a] of state.accounts) {
    const slots: [Uint8Array, Uint8Array][] = []
    for (const [k, v] of a.storage) if (v !== 0n) slots.push([keccak256(pad32(k)), RLP.encode(minimal(v))])
    const storageRoot = await trieRoot(slots)
    const body = RLP.encode([minimal(a.nonce), minimal(a.balance), storageRoot, a.codeHash])
    entries.push([keccak256(fromHex(address)), body])
  }
  return toHex(await trieRoot(entries))
}

export function logsHash(logs: Log[]): string {
  return toHex(keccak256(RLP.encode(logs.map((l) => [fromHex(l.address), l.topics, l.data]))))
}

/** Runs subtest `index` of fork `fork` of test `t`. */
export async function runSubtest(
  name: string,
  t: StateTestJson,
  fork: string,
  index: number,
  tracer?: StepTracer,
): Promise<SubtestOutcome> {
  const post = t.post[fork]![index]!
  const state = buildPre(t)
  const world = new World(state)
  let result: TxResult | undefined
  let error: string | undefined
  try {
    result = executeTransaction(world, buildBlock(t), buildTx(t, post.indexes), tracer ? { tracer } : {})
    state.applyDiff(world.diff())
  } catch (e) {
    error = `engine threw: ${(e as Error).stack ?? e}`
  }
  const root = await stateRoot(state)
  const lh = logsHash(result?.included ? result.logs : [])
  const outcome: SubtestOutcome = {
    name,
    index,
    fork,
    pass: error === undefined && root === post.hash && lh === post.logs,
    stateRoot: root,
    expectedStateRoot: post.hash,
    logsHash: lh,
    expectedLogsHash: post.logs,
  }
  if (post.expectException) outcome.expectException = post.expectException
  if (result && !result.included) outcome.error = `${result.rejection.code}: ${result.rejection.message}`
  else if (result?.included && result.haltReason) outcome.error = result.haltReason
  if (error) outcome.error = error
  if (result) outcome.result = result
  return outcome
}
