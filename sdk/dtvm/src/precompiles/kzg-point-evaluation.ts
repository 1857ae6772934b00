import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import type { DasContextJs } from '@crate-crypto/node-eth-kzg'
import { bigIntToBytes, HALT, type PrecompileResult } from './types.ts'

// EIP-4844 point evaluation, verified by rust-eth-kzg (@crate-crypto/node-eth-kzg: prebuilt N-API
// binaries, no install script) with the mainnet KZG ceremony setup compiled into it.

const GAS = 50000n
const INPUT_LENGTH = 192
const VERSIONED_HASH_VERSION_KZG = 0x01
const FIELD_ELEMENTS_PER_BLOB = 4096n
export const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n

/** The constant success output: FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS, 32 bytes each. */
const SUCCESS_OUTPUT = new Uint8Array(64)
SUCCESS_OUTPUT.set(bigIntToBytes(FIELD_ELEMENTS_PER_BLOB, 32), 0)
SUCCESS_OUTPUT.set(bigIntToBytes(BLS_MODULUS, 32), 32)

export class KzgUnavailable extends Error {
  override readonly name = 'KzgUnavailable'
}

// Building the context loads the trusted setup (~2.5 s), so it happens on first use, not on import;
// the native module is required lazily too, so a platform without a prebuilt binary can still
// import the EVM and only fails here, with a clear message.
let context: DasContextJs | undefined

/** Loads the KZG trusted setup now instead of on the first 0x0a call (e.g. at node start-up). */
export function warmKzg(): void {
  if (context !== undefined) return
  let kzg: { DasContextJs: typeof DasContextJs }
  try {
    kzg = createRequire(import.meta.url)('@crate-crypto/node-eth-kzg')
  } catch (cause) {
    throw new KzgUnavailable(
      `point evaluation (0x0a): @crate-crypto/node-eth-kzg has no prebuilt binary for ${process.platform}-${process.arch} ` +
        `(${(cause as Error).message}); run on linux/darwin/win32 x64 or arm64`,
    )
  }
  context = kzg.DasContextJs.create({ usePrecomp: false })
}

/**
 * 0x0a POINT_EVALUATION: versioned hash ‖ z ‖ y ‖ commitment (48) ‖ proof (48), exactly 192 bytes.
 * Halts unless the versioned hash is 0x01 ‖ sha256(commitment)[1:] and the proof shows p(z) = y.
 */
export function kzgPointEvaluationPrecompile(input: Uint8Array, gasLimit: bigint): PrecompileResult {
  if (GAS > gasLimit || input.length !== INPUT_LENGTH) return HALT
  const commitment = input.subarray(96, 144)
  const hash = createHash('sha256').update(commitment).digest()
  if (input[0] !== VERSIONED_HASH_VERSION_KZG) return HALT
  for (let i = 1; i < 32; i++) if (input[i] !== hash[i]) return HALT
  warmKzg()
  let valid: boolean
  try {
    // Throws on a non-canonical z or y (≥ BLS modulus) or an undecodable/off-subgroup G1 point.
    valid = context!.verifyKzgProof(commitment, input.subarray(32, 64), input.subarray(64, 96), input.subarray(144))
  } catch {
    return HALT
  }
  return valid ? { ok: true, gasUsed: GAS, output: SUCCESS_OUTPUT.slice() } : HALT
}
