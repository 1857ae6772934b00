// Equivocation evidence in the ABI form the restaking slasher takes (interfaces.md §1):
//   struct EquivocationEvidence { uint64 chainId; uint64 epoch; uint64 slot; address proposer;
//     uint8 phase; bytes32 valueA; bytes sigA; bytes32 valueB; bytes sigB; }
import { keccak256, toHex } from '@spnkit/crypto'
import { encodeAbiParameters } from 'viem'
import { consensusDigest } from './digest.ts'
import { isLowSignature } from './low-s.ts'
import { type SignatureScheme, secp256k1Scheme } from './signature.ts'
import type { EquivocationEvidence, Hex } from './types.ts'

export const EQUIVOCATION_EVIDENCE_ABI = [
  {
    type: 'tuple',
    components: [
      { name: 'chainId', type: 'uint64' },
      { name: 'epoch', type: 'uint64' },
      { name: 'slot', type: 'uint64' },
      { name: 'proposer', type: 'address' },
      { name: 'phase', type: 'uint8' },
      { name: 'valueA', type: 'bytes32' },
      { name: 'sigA', type: 'bytes' },
      { name: 'valueB', type: 'bytes32' },
      { name: 'sigB', type: 'bytes' },
    ],
  },
] as const

/** abi.encode(EquivocationEvidence) — what `slash(bytes)`-style entry points decode. */
export function encodeEquivocationEvidence(e: EquivocationEvidence): Hex {
  return encodeAbiParameters(EQUIVOCATION_EVIDENCE_ABI, [
    {
      chainId: BigInt(e.chainId),
      epoch: BigInt(e.epoch),
      slot: BigInt(e.slot),
      proposer: e.proposer,
      phase: e.phase,
      valueA: e.valueA,
      sigA: toHex(e.sigA),
      valueB: e.valueB,
      sigB: toHex(e.sigB),
    },
  ])
}

/** The struct as viem-typed arguments (for `writeContract({ args: [toEvidenceStruct(e)] })`). */
export function toEvidenceStruct(e: EquivocationEvidence) {
  return {
    chainId: BigInt(e.chainId),
    epoch: BigInt(e.epoch),
    slot: BigInt(e.slot),
    proposer: e.proposer,
    phase: e.phase,
    valueA: e.valueA,
    sigA: toHex(e.sigA),
    valueB: e.valueB,
    sigB: toHex(e.sigB),
  } as const
}

/** keccak256(abi.encode(chainId, epoch, slot, proposer, phase, signer)): slash at most once per key. */
export function offenceKey(e: EquivocationEvidence): Hex {
  const encoded = encodeAbiParameters(
    [
      { type: 'uint64' },
      { type: 'uint64' },
      { type: 'uint64' },
      { type: 'address' },
      { type: 'uint8' },
      { type: 'address' },
    ],
    [BigInt(e.chainId), BigInt(e.epoch), BigInt(e.slot), e.proposer, e.phase, e.signer],
  )
  return toHex(keccak256(Buffer.from(encoded.slice(2), 'hex')))
}

/**
 * Checks evidence the way the slasher does: different values, both signatures low-s and recovering
 * to the same signer. Returns that signer, or null. (Set membership is the caller's check.)
 */
export function verifyEquivocationEvidence(
  e: EquivocationEvidence,
  scheme: SignatureScheme = secp256k1Scheme,
): Hex | null {
  if (e.valueA === e.valueB) return null
  if (scheme === secp256k1Scheme && (!isLowSignature(e.sigA) || !isLowSignature(e.sigB))) return null
  const a = scheme.recover(consensusDigest(e.chainId, e.epoch, e.slot, e.proposer, e.phase, e.valueA), e.sigA)
  const b = scheme.recover(consensusDigest(e.chainId, e.epoch, e.slot, e.proposer, e.phase, e.valueB), e.sigB)
  return a !== null && a === b ? a : null
}
