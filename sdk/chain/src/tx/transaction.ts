import { keccak256, toHex } from '@spnkit/crypto'
import {
  bytesToUint,
  encodeBytes,
  encodeHeader,
  encodeList,
  encodeUint,
  RlpError,
  type RlpItem,
  readItem,
  readListItems,
} from './rlp.ts'

export type Hex = `0x${string}`
export type Address = `0x${string}`
export type AccessListEntry = { address: Address; storageKeys: Hex[] }

/** A decoded, not yet sender-recovered, signed transaction (types 0-3). */
export type Transaction = {
  type: 0 | 1 | 2 | 3
  /** keccak256 of the canonical envelope (what `eth_getTransactionByHash` takes). */
  hash: Hex
  /** The canonical signed envelope (for type 3: without the network blob sidecar). */
  raw: Uint8Array
  chainId: bigint | undefined
  nonce: bigint
  gasLimit: bigint
  /** Legacy/2930: the gas price; 1559/4844: the fee cap. */
  maxFeePerGas: bigint
  /** Legacy/2930: equal to the gas price. */
  maxPriorityFeePerGas: bigint
  to: Address | null
  value: bigint
  data: Uint8Array
  accessList: AccessListEntry[]
  maxFeePerBlobGas: bigint | undefined
  blobVersionedHashes: Hex[] | undefined
  yParity: 0 | 1
  /** The raw `v` as encoded (legacy: 27/28 or chainId*2+35/36; typed: the y parity). */
  v: bigint
  r: bigint
  s: bigint
  /** The digest the sender signed. */
  signingHash: Uint8Array
  /** r ‖ s ‖ (27 + yParity), the form @spnkit/crypto recovers from. */
  signature: Uint8Array
}

/** Why a raw transaction could not be decoded; `message` says where and what to fix. */
export class TransactionDecodeError extends Error {
  override readonly name = 'TransactionDecodeError'
}

const MAX_NONCE = (1n << 64n) - 2n // EIP-2681

function fail(message: string): never {
  throw new TransactionDecodeError(`invalid transaction: ${message}`)
}

function str(item: RlpItem | undefined, what: string): Uint8Array {
  if (!item) fail(`missing field ${what}`)
  if (item.isList) fail(`field ${what} must be a byte string, got a list`)
  return item.data
}

function uint(item: RlpItem | undefined, what: string, maxBytes = 32): bigint {
  const data = str(item, what)
  if (data.length > maxBytes) fail(`field ${what} is longer than ${maxBytes} bytes`)
  try {
    return bytesToUint(data, what)
  } catch (e) {
    fail((e as Error).message)
  }
}

function nonce(item: RlpItem | undefined): bigint {
  const n = uint(item, 'nonce', 8)
  if (n > MAX_NONCE) fail(`nonce ${n} is above 2^64 - 2 (EIP-2681)`)
  return n
}

function address(item: RlpItem | undefined, what: string, allowEmpty: boolean): Address | null {
  const data = str(item, what)
  if (data.length === 0 && allowEmpty) return null
  if (data.length !== 20) fail(`field ${what} must be a 20-byte address, got ${data.length} bytes`)
  return toHex(data) as Address
}

function hash32(item: RlpItem, what: string): Hex {
  const data = str(item, what)
  if (data.length !== 32) fail(`${what} must be 32 bytes, got ${data.length}`)
  return toHex(data)
}

function accessList(item: RlpItem | undefined): AccessListEntry[] {
  if (!item?.isList) fail('field accessList must be a list')
  return readListItems(item.data).map((entry, i) => {
    if (!entry.isList) fail(`accessList[${i}] must be a list [address, storageKeys]`)
    const [addr, keys, extra] = readListItems(entry.data)
    if (extra || !keys?.isList) fail(`accessList[${i}] must be [address, [storageKey...]]`)
    return {
      address: address(addr, `accessList[${i}].address`, false)!,
      storageKeys: readListItems(keys.data).map((k, j) => hash32(k, `accessList[${i}].storageKeys[${j}]`)),
    }
  })
}

function signatureBytes(yParity: 0 | 1, r: bigint, s: bigint): Uint8Array {
  if (r === 0n || s === 0n) fail('signature r and s must be non-zero')
  const out = new Uint8Array(65)
  const view = Buffer.from(out.buffer)
  view.write(r.toString(16).padStart(64, '0'), 0, 'hex')
  view.write(s.toString(16).padStart(64, '0'), 32, 'hex')
  out[64] = 27 + yParity
  return out
}

function parity(v: bigint): 0 | 1 {
  if (v !== 0n && v !== 1n) fail(`yParity must be 0 or 1, got ${v}`)
  return Number(v) as 0 | 1
}

/** Re-frames the first `count` items of a list as a new RLP list (the unsigned payload). */
function reframe(items: RlpItem[], payload: Uint8Array, count: number, prefix?: number): Uint8Array {
  const body = payload.subarray(items[0]!.start, items[count - 1]!.end)
  const header = encodeHeader(body.length, 0xc0)
  const pre = prefix === undefined ? 0 : 1
  const out = new Uint8Array(pre + header.length + body.length)
  if (prefix !== undefined) out[0] = prefix
  out.set(header, pre)
  out.set(body, pre + header.length)
  return out
}

function decodeLegacy(raw: Uint8Array, items: RlpItem[], payload: Uint8Array): Transaction {
  if (items.length !== 9) fail(`a legacy transaction has 9 fields, got ${items.length}`)
  const v = uint(items[6], 'v')
  let chainId: bigint | undefined
  let yParity: 0 | 1
  let signingHash: Uint8Array
  if (v === 27n || v === 28n) {
    yParity = Number(v - 27n) as 0 | 1
    signingHash = keccak256(reframe(items, payload, 6))
  } else if (v >= 35n) {
    chainId = (v - 35n) / 2n
    yParity = Number((v - 35n) % 2n) as 0 | 1
    const body = payload.subarray(items[0]!.start, items[5]!.end)
    const tail = [encodeUint(chainId), encodeUint(0), encodeUint(0)]
    const tailLen = tail.reduce((n, t) => n + t.length, 0)
    const header = encodeHeader(body.length + tailLen, 0xc0)
    const unsigned = new Uint8Array(header.length + body.length + tailLen)
    unsigned.set(header)
    unsigned.set(body, header.length)
    let at = header.length + body.length
    for (const t of tail) {
      unsigned.set(t, at)
      at += t.length
    }
    signingHash = keccak256(unsigned)
  } else {
    fail(`legacy v must be 27, 28 or chainId*2+35/36, got ${v}`)
  }
  const gasPrice = uint(items[1], 'gasPrice')
  const r = uint(items[7], 'r')
  const s = uint(items[8], 's')
  return {
    type: 0,
    hash: toHex(keccak256(raw)),
    raw,
    chainId,
    nonce: nonce(items[0]),
    maxFeePerGas: gasPrice,
    maxPriorityFeePerGas: gasPrice,
    gasLimit: uint(items[2], 'gas', 8),
    to: address(items[3], 'to', true),
    value: uint(items[4], 'value'),
    data: str(items[5], 'data'),
    accessList: [],
    maxFeePerBlobGas: undefined,
    blobVersionedHashes: undefined,
    yParity,
    v,
    r,
    s,
    signingHash,
    signature: signatureBytes(yParity, r, s),
  }
}

function decodeTyped(raw: Uint8Array, type: 1 | 2 | 3, items: RlpItem[], payload: Uint8Array): Transaction {
  const expected = type === 1 ? 11 : type === 2 ? 12 : 14
  if (items.length !== expected) fail(`a type-${type} transaction has ${expected} fields, got ${items.length}`)
  const base = {
    type,
    hash: toHex(keccak256(raw)),
    raw,
    chainId: uint(items[0], 'chainId', 8),
    nonce: nonce(items[1]),
  }
  const fees =
    type === 1
      ? { maxPriorityFeePerGas: uint(items[2], 'gasPrice'), maxFeePerGas: uint(items[2], 'gasPrice') }
      : { maxPriorityFeePerGas: uint(items[2], 'maxPriorityFeePerGas'), maxFeePerGas: uint(items[3], 'maxFeePerGas') }
  const o = type === 1 ? 3 : 4 // index of `gas`
  const sigAt = expected - 3
  const yParity = parity(uint(items[sigAt], 'yParity'))
  const r = uint(items[sigAt + 1], 'r')
  const s = uint(items[sigAt + 2], 's')
  let blob: { maxFeePerBlobGas: bigint; blobVersionedHashes: Hex[] } | undefined
  if (type === 3) {
    const hashes = items[11]
    if (!hashes?.isList) fail('field blobVersionedHashes must be a list')
    blob = {
      maxFeePerBlobGas: uint(items[10], 'maxFeePerBlobGas'),
      blobVersionedHashes: readListItems(hashes.data).map((h, i) => hash32(h, `blobVersionedHashes[${i}]`)),
    }
  }
  const to = address(items[o + 1], 'to', type !== 3)
  return {
    ...base,
    ...fees,
    gasLimit: uint(items[o], 'gas', 8),
    to,
    value: uint(items[o + 2], 'value'),
    data: str(items[o + 3], 'data'),
    accessList: accessList(items[o + 4]),
    maxFeePerBlobGas: blob?.maxFeePerBlobGas,
    blobVersionedHashes: blob?.blobVersionedHashes,
    yParity,
    v: BigInt(yParity),
    r,
    s,
    signingHash: keccak256(reframe(items, payload, sigAt, type)),
    signature: signatureBytes(yParity, r, s),
  }
}

/**
 * Decodes a signed transaction as `eth_sendRawTransaction` receives it: legacy RLP, or an
 * EIP-2718 envelope of type 1 (EIP-2930), 2 (EIP-1559) or 3 (EIP-4844, canonical or network form).
 * Checks canonical RLP, field sizes and trailing bytes; does not recover the sender.
 */
export function decodeTransaction(bytes: Uint8Array): Transaction {
  if (bytes.length === 0) fail('empty input')
  try {
    const first = bytes[0]!
    if (first >= 0xc0) {
      const list = readItem(bytes, 0)
      if (list.end !== bytes.length) fail(`${bytes.length - list.end} trailing bytes after the RLP list`)
      return decodeLegacy(bytes, readListItems(list.data), list.data)
    }
    if (first > 0x7f) fail(`unknown envelope: first byte 0x${first.toString(16)} is neither a type nor an RLP list`)
    if (first !== 1 && first !== 2 && first !== 3) fail(`unsupported transaction type ${first} (supported: 0-3)`)
    const list = readItem(bytes, 1)
    if (!list.isList) fail('typed transaction payload must be an RLP list')
    if (list.end !== bytes.length) fail(`${bytes.length - list.end} trailing bytes after the payload`)
    let items = readListItems(list.data)
    let payload = list.data
    let raw = bytes
    if (first === 3 && items.length === 4 && items[0]!.isList) {
      // Network form [tx_payload_body, blobs, commitments, proofs]: the hash covers the body only.
      const body = items[0]!
      raw = new Uint8Array(1 + body.end - body.start)
      raw[0] = 3
      raw.set(list.data.subarray(body.start, body.end), 1)
      payload = body.data
      items = readListItems(payload)
    }
    return decodeTyped(raw, first, items, payload)
  } catch (e) {
    if (e instanceof TransactionDecodeError) throw e
    if (e instanceof RlpError) fail(e.message)
    throw e
  }
}

/** Encodes a list of already-encoded items, re-exported for block/receipt encoders. */
export { encodeBytes, encodeList, encodeUint }
