import { createRequire } from 'node:module'
import { publicKeyToAddress } from '@spnkit/crypto'
import { bytesToBigInt, charge, type PrecompileResult, readPadded } from './types.ts'

// The native libsecp256k1 binding (prebuilt N-API, no install script). `@spnkit/crypto`'s
// recoverAddress rejects high-s signatures as transaction rules demand, but the precompile must
// accept any s in [1, n-1] (only r, s range and v are checked), so we call the raw primitive here.
type RawRecover = {
  ecdsaRecover(sig64: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array
}
const secp = createRequire(import.meta.url)('secp256k1') as RawRecover

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const GAS = 3000n
const EMPTY = new Uint8Array(0)

/**
 * 0x01 ECRECOVER: input hash ‖ v ‖ r ‖ s (32 bytes each, zero-padded). Costs 3000 gas. A bad
 * signature is not an error: the call succeeds with empty output.
 */
export function ecrecoverPrecompile(input: Uint8Array, gasLimit: bigint): PrecompileResult {
  return charge(GAS, gasLimit, () => recover(readPadded(input, 0, 128)))
}

function recover(data: Uint8Array): Uint8Array {
  // v is a full 32-byte word that must equal 27 or 28.
  for (let i = 32; i < 63; i++) if (data[i] !== 0) return EMPTY
  const v = data[63]!
  if (v !== 27 && v !== 28) return EMPTY
  const r = bytesToBigInt(data.subarray(64, 96))
  const s = bytesToBigInt(data.subarray(96, 128))
  if (r === 0n || r >= SECP256K1_N || s === 0n || s >= SECP256K1_N) return EMPTY
  let publicKey: Uint8Array
  try {
    publicKey = secp.ecdsaRecover(data.subarray(64, 128), v - 27, data.subarray(0, 32), false)
  } catch {
    return EMPTY // r is not the x-coordinate of a curve point, or the key is the point at infinity
  }
  const out = new Uint8Array(32)
  out.set(publicKeyToAddress(publicKey), 12)
  return out
}
