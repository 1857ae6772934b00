// Signature schemes behind one small interface. Production and every benchmark use real secp256k1
// (65-byte r‖s‖v, low-s, verifiable with `ecrecover`). The simulator's many-seed suite may use
// `macSchemeForSimulation`, a keyed-hash stand-in that is unforgeable only inside one process (it
// keeps the keys in a registry): it exists so ≥400 seeded runs fit in the test budget. A separate
// test runs the same simulator with real signatures end to end.
import { keccak256Concat, privateKeyToAddress, recoverAddress, signDigest, toHex } from '@spnkit/crypto'
import type { Hex } from './types.ts'

export interface SignatureScheme {
  readonly name: string
  address(privateKey: Uint8Array): Hex
  sign(digest: Uint8Array, privateKey: Uint8Array): Uint8Array
  /** The signer's address, or null for a malformed, high-s or otherwise invalid signature. */
  recover(digest: Uint8Array, sig: Uint8Array): Hex | null
}

export const secp256k1Scheme: SignatureScheme = {
  name: 'secp256k1',
  address: (privateKey) => toHex(privateKeyToAddress(privateKey)),
  sign: (digest, privateKey) => signDigest(digest, privateKey),
  recover(digest, sig) {
    try {
      return toHex(recoverAddress(digest, sig))
    } catch {
      return null
    }
  },
}

/** Test-only stand-in: sig = address ‖ keccak(key ‖ digest) ‖ 0…; see the file comment. */
export function macSchemeForSimulation(): SignatureScheme {
  const keys = new Map<string, Uint8Array>()
  const addresses = new WeakMap<Uint8Array, Hex>()
  const address = (privateKey: Uint8Array): Hex => {
    let a = addresses.get(privateKey)
    if (a) return a
    a = toHex(keccak256Concat(new TextEncoder().encode('sim-mac'), privateKey).subarray(12))
    keys.set(a, privateKey)
    addresses.set(privateKey, a)
    return a
  }
  return {
    name: 'sim-mac',
    address,
    sign(digest, privateKey) {
      const out = new Uint8Array(65)
      const a = address(privateKey)
      out.set(Buffer.from(a.slice(2), 'hex'), 0)
      out.set(keccak256Concat(privateKey, digest), 20)
      out[64] = 27
      return out
    },
    recover(digest, sig) {
      if (!(sig instanceof Uint8Array) || sig.length !== 65) return null
      const a = toHex(sig.subarray(0, 20))
      const key = keys.get(a)
      if (!key) return null
      const mac = keccak256Concat(key, digest)
      for (let i = 0; i < 32; i++) if (mac[i] !== sig[20 + i]) return null
      return a
    },
  }
}
