import { blake2fPrecompile } from './blake2f.ts'
import { bn254AddPrecompile } from './bn254-add.ts'
import { bn254MulPrecompile } from './bn254-mul.ts'
import { bn254PairingPrecompile } from './bn254-pairing.ts'
import { ecrecoverPrecompile } from './ecrecover.ts'
import { identityPrecompile } from './identity.ts'
import { kzgPointEvaluationPrecompile } from './kzg-point-evaluation.ts'
import { modexpPrecompile } from './modexp.ts'
import { ripemd160Precompile } from './ripemd160.ts'
import { sha256Precompile } from './sha256.ts'
import type { Precompile } from './types.ts'

export { blake2fPrecompile } from './blake2f.ts'
export { bn254AddPrecompile } from './bn254-add.ts'
export { bn254MulPrecompile } from './bn254-mul.ts'
export { bn254PairingPrecompile } from './bn254-pairing.ts'
export { ecrecoverPrecompile } from './ecrecover.ts'
export { identityPrecompile } from './identity.ts'
export { KzgUnavailable, kzgPointEvaluationPrecompile, warmKzg } from './kzg-point-evaluation.ts'
export { modexpGas, modexpPrecompile } from './modexp.ts'
export { ripemd160Precompile } from './ripemd160.ts'
export { sha256Precompile } from './sha256.ts'
export type { Precompile, PrecompileResult } from './types.ts'

/** The Cancun precompiled contracts, keyed by address (0x01..0x0a as a number). */
export const cancunPrecompiles: ReadonlyMap<number, Precompile> = new Map<number, Precompile>([
  [0x01, ecrecoverPrecompile],
  [0x02, sha256Precompile],
  [0x03, ripemd160Precompile],
  [0x04, identityPrecompile],
  [0x05, modexpPrecompile],
  [0x06, bn254AddPrecompile],
  [0x07, bn254MulPrecompile],
  [0x08, bn254PairingPrecompile],
  [0x09, blake2fPrecompile],
  [0x0a, kzgPointEvaluationPrecompile],
])
