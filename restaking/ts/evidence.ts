// Local check of equivocation evidence, mirroring Slashing.verifyEvidence rule for rule, so the
// submitter never pays gas for evidence the contract would reject (and says why).
import { consensusDigest, type EquivocationEvidence, toEvidenceStruct } from '@spnkit/consensus'
import { recoverAddress, SECP256K1_HALF_N, toHex } from '@spnkit/crypto'
import type { Address, Hex } from 'viem'
import { EvidenceError } from './errors.ts'
import { powerOf, type ValidatorSet } from './validator-set.ts'

export type { EquivocationEvidence }

/** What a valid piece of evidence proves. */
export type CheckedEvidence = { signer: Address; power: bigint }

function sValue(sig: Uint8Array): bigint {
  let s = 0n
  for (let i = 32; i < 64; i++) s = (s << 8n) | BigInt(sig[i]!)
  return s
}

function recoverOne(ev: EquivocationEvidence, which: 0 | 1): Address {
  const sig = which === 0 ? ev.sigA : ev.sigB
  const value = which === 0 ? ev.valueA : ev.valueB
  const where = which === 0 ? 'sigA' : 'sigB'
  if (sig.length !== 65)
    throw new EvidenceError('BadSignatureLength', where, `${sig.length} bytes`, 'Signatures are 65 bytes r‖s‖v')
  if (sValue(sig) > SECP256K1_HALF_N)
    throw new EvidenceError('HighS', where, 's is above n/2', 'Use the low-s form the signer produced')
  const v = sig[64]!
  if (v !== 27 && v !== 28) throw new EvidenceError('BadV', where, `v = ${v}`, 'v must be 27 or 28')
  const digest = consensusDigest(ev.chainId, ev.epoch, ev.slot, ev.proposer, ev.phase, value)
  try {
    return toHex(recoverAddress(digest, sig)) as Address
  } catch (error) {
    throw new EvidenceError('InvalidSignature', where, (error as Error).message, 'The signature does not recover')
  }
}

/**
 * Checks `ev` against the validator set of its (chain's SPN, epoch). Throws EvidenceError with the
 * same code the contract would revert with; returns the signer and its captured power.
 */
export function checkEvidence(ev: EquivocationEvidence, set: ValidatorSet): CheckedEvidence {
  if (BigInt(ev.epoch) !== set.header.epoch)
    throw new EvidenceError(
      'UnknownEpoch',
      'epoch',
      `evidence epoch ${ev.epoch}, set epoch ${set.header.epoch}`,
      'Check against the set of the evidence epoch',
    )
  if (ev.valueA.toLowerCase() === ev.valueB.toLowerCase())
    throw new EvidenceError('SameValue', 'valueA/valueB', `both are ${ev.valueA}`, 'Equivocation needs two values')
  const a = recoverOne(ev, 0)
  const b = recoverOne(ev, 1)
  if (a !== b) throw new EvidenceError('SignerMismatch', 'sigB', `${a} vs ${b}`, 'Both must be by one validator')
  const power = powerOf(set, a)
  if (power === 0n)
    throw new EvidenceError(
      'NotInValidatorSet',
      'signer',
      `${a} is not in SPN ${set.header.spnId} epoch ${set.header.epoch}`,
      'Only validators of that epoch can be slashed for it',
    )
  return { signer: a, power }
}

/** The struct viem passes to `Slashing.submitEvidence`. */
export function evidenceArgs(ev: EquivocationEvidence) {
  return toEvidenceStruct(ev)
}

/** Maps a contract revert (viem error) to the EvidenceError code it carries, if any. */
export function rejectionFromRevert(error: unknown): string | undefined {
  const walk = (e: unknown): string | undefined => {
    if (!e || typeof e !== 'object') return undefined
    const data = (e as { data?: { errorName?: string } }).data
    if (data?.errorName) return data.errorName
    return walk((e as { cause?: unknown }).cause)
  }
  return walk(error)
}

export type { Hex }
