import { fromHex } from '@spnkit/crypto'
import type { Address, Hex } from '../tx/transaction.ts'
import { invalidParams } from './errors.ts'

// Parsers for JSON-RPC parameters: each names the parameter and what was expected, so a client
// sees "invalid params: address: expected 0x + 40 hex digits, got 0x12" rather than a crash.

const HEX = /^0x[0-9a-fA-F]*$/

export function address(value: unknown, what = 'address'): Address {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value))
    throw invalidParams(`${what}: expected 0x + 40 hex digits, got ${JSON.stringify(value)}`)
  return value.toLowerCase() as Address
}

export function hash(value: unknown, what = 'hash'): Hex {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(value))
    throw invalidParams(`${what}: expected 0x + 64 hex digits, got ${JSON.stringify(value)}`)
  return value.toLowerCase() as Hex
}

export function data(value: unknown, what = 'data'): Uint8Array {
  if (typeof value !== 'string' || !HEX.test(value) || value.length % 2 !== 0)
    throw invalidParams(`${what}: expected 0x-prefixed hex with an even number of digits`)
  return fromHex(value)
}

export function quantity(value: unknown, what = 'quantity'): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(value))
    throw invalidParams(`${what}: expected a 0x-prefixed hex quantity, got ${JSON.stringify(value)}`)
  return BigInt(value)
}

export function bool(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw invalidParams(`${what}: expected true or false`)
  return value
}

export type BlockTag = 'latest' | 'safe' | 'finalized' | 'earliest' | 'pending'
export type BlockRef = { tag: BlockTag } | { number: bigint } | { hash: Hex }

/** A block parameter: tag, number, or EIP-1898 `{ blockHash }` / `{ blockNumber }`. Defaults to latest. */
export function blockRef(value: unknown, what = 'block'): BlockRef {
  if (value === undefined || value === null) return { tag: 'latest' }
  if (typeof value === 'string') {
    if (value === 'latest' || value === 'safe' || value === 'finalized' || value === 'earliest' || value === 'pending')
      return { tag: value }
    if (/^0x[0-9a-fA-F]{64}$/.test(value)) return { hash: value.toLowerCase() as Hex }
    return { number: quantity(value, what) }
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>
    if (o.blockHash !== undefined) return { hash: hash(o.blockHash, `${what}.blockHash`) }
    if (o.blockNumber !== undefined) return blockRef(o.blockNumber, `${what}.blockNumber`)
  }
  throw invalidParams(`${what}: expected a block number, tag (latest/safe/finalized/earliest/pending) or hash`)
}

export type CallRequest = {
  from: Address | undefined
  to: Address | null
  gas: bigint | undefined
  gasPrice: bigint | undefined
  maxFeePerGas: bigint | undefined
  maxPriorityFeePerGas: bigint | undefined
  value: bigint
  data: Uint8Array
  nonce: bigint | undefined
  accessList: { address: Address; storageKeys: Hex[] }[]
}

export function callRequest(value: unknown, what = 'transaction'): CallRequest {
  if (typeof value !== 'object' || value === null) throw invalidParams(`${what}: expected a call object`)
  const o = value as Record<string, unknown>
  const opt = <T>(key: string, parse: (v: unknown, w: string) => T): T | undefined =>
    o[key] === undefined || o[key] === null ? undefined : parse(o[key], `${what}.${key}`)
  const input = o.input ?? o.data
  const list = o.accessList
  return {
    from: opt('from', address),
    to: opt('to', address) ?? null,
    gas: opt('gas', quantity),
    gasPrice: opt('gasPrice', quantity),
    maxFeePerGas: opt('maxFeePerGas', quantity),
    maxPriorityFeePerGas: opt('maxPriorityFeePerGas', quantity),
    value: opt('value', quantity) ?? 0n,
    data: input === undefined || input === null ? new Uint8Array(0) : data(input, `${what}.input`),
    nonce: opt('nonce', quantity),
    accessList: Array.isArray(list)
      ? list.map((e, i) => {
          const entry = e as { address?: unknown; storageKeys?: unknown }
          const keys = Array.isArray(entry.storageKeys) ? entry.storageKeys : []
          return {
            address: address(entry.address, `${what}.accessList[${i}].address`),
            storageKeys: keys.map((k, j) => hash(k, `${what}.accessList[${i}].storageKeys[${j}]`)),
          }
        })
      : [],
  }
}

export type LogFilter = {
  fromBlock: BlockRef
  toBlock: BlockRef
  blockHash: Hex | undefined
  addresses: Address[] | undefined
  /** Per position: undefined = any; an array = one of. */
  topics: (Hex[] | undefined)[]
}

export function logFilter(value: unknown, what = 'filter'): LogFilter {
  const o = (value ?? {}) as Record<string, unknown>
  if (typeof o !== 'object') throw invalidParams(`${what}: expected a filter object`)
  const addr = o.address
  const topics = o.topics
  if (topics !== undefined && topics !== null && !Array.isArray(topics))
    throw invalidParams(`${what}.topics: expected an array`)
  if (topics && topics.length > 4) throw invalidParams(`${what}.topics: at most 4 positions`)
  const blockHash =
    o.blockHash === undefined || o.blockHash === null ? undefined : hash(o.blockHash, `${what}.blockHash`)
  if (blockHash && (o.fromBlock !== undefined || o.toBlock !== undefined))
    throw invalidParams(`${what}: blockHash cannot be combined with fromBlock/toBlock`)
  return {
    fromBlock: blockRef(o.fromBlock, `${what}.fromBlock`),
    toBlock: blockRef(o.toBlock, `${what}.toBlock`),
    blockHash,
    addresses:
      addr === undefined || addr === null
        ? undefined
        : Array.isArray(addr)
          ? addr.map((a, i) => address(a, `${what}.address[${i}]`))
          : [address(addr, `${what}.address`)],
    topics: (topics ?? []).map((t, i) =>
      t === null || t === undefined
        ? undefined
        : Array.isArray(t)
          ? t.map((x, j) => hash(x, `${what}.topics[${i}][${j}]`))
          : [hash(t, `${what}.topics[${i}]`)],
    ),
  }
}
