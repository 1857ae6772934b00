import { keccak256, keccak256Concat } from '@spnkit/crypto'
import type { Address } from '../tx/transaction.ts'
import type { AccountInfo } from './types.ts'

// How the chain lays Ethereum state into the flat authenticated store (interfaces.md §3):
//   account  key keccak256(address20)          value nonce u64 BE (8) ‖ balance u256 BE (32) ‖ codeHash (32) = 72 bytes
//   storage  key keccak256(address20 ‖ slot32)  value the 32-byte BE word (zero words deleted)
//   code     key codeHash                        value the code bytes (content-addressed, never deleted)

export const ACCOUNT_VALUE_BYTES = 72

const addressBytes = (a: Address) => Buffer.from(a.slice(2), 'hex')

export function accountKey(address: Address): Uint8Array {
  return keccak256(addressBytes(address))
}

export function storageKey(address: Address, slot: bigint): Uint8Array {
  return keccak256Concat(addressBytes(address), wordBytes(slot))
}

export function wordBytes(value: bigint): Uint8Array {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex')
}

export function wordValue(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`)
}

export function encodeAccount(a: AccountInfo): Uint8Array {
  const out = new Uint8Array(ACCOUNT_VALUE_BYTES)
  const view = Buffer.from(out.buffer)
  view.write(a.nonce.toString(16).padStart(16, '0'), 0, 'hex')
  view.write(a.balance.toString(16).padStart(64, '0'), 8, 'hex')
  out.set(a.codeHash, 40)
  return out
}

export function decodeAccount(bytes: Uint8Array): AccountInfo {
  if (bytes.length !== ACCOUNT_VALUE_BYTES)
    throw new Error(`account value must be ${ACCOUNT_VALUE_BYTES} bytes, got ${bytes.length}`)
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return {
    nonce: BigInt(`0x${b.toString('hex', 0, 8)}`),
    balance: BigInt(`0x${b.toString('hex', 8, 40)}`),
    codeHash: bytes.slice(40, 72),
  }
}

export const EMPTY_CODE_HASH = keccak256(new Uint8Array(0))
