// The signed-statement format of interfaces.md §1, byte for byte, so Solidity can check every
// consensus signature with `ecrecover(digest, v, r, s)`:
//   digest = keccak256(abi.encode(CONSENSUS_DOMAIN, uint64 chainId, uint64 epoch, uint64 slot,
//                                 address proposer, uint8 phase, bytes32 value))
import { keccak256, toHex } from '@spnkit/crypto'
import { hexToBytes } from './hex.ts'
import type { Hex } from './types.ts'

export const CONSENSUS_DOMAIN: Hex = toHex(keccak256(new TextEncoder().encode('spnkit.consensus.v1')))
const domainBytes = hexToBytes(CONSENSUS_DOMAIN, 32, 'CONSENSUS_DOMAIN')

/**
 * Phases. 1–3 are fixed by interfaces.md. The binary-agreement (slow path) phases are ours:
 *   4            ECHO_NONE: round-0 vote for "no proposal" (value = 0). Constant value: never equivocation.
 *   5 + 3(r-1)   BVAL0 of round r ≥ 1 (value = 0), constant value
 *   6 + 3(r-1)   BVAL1 of round r ≥ 1 (value = the one proposal hash that gathered a quorum of ECHOs)
 *   7 + 3(r-1)   AUX   of round r ≥ 1 (value = that hash or 0); one per round, so two values = equivocation
 *   253          COMMIT statement (reserved, not signed by this version)
 *   255          VOTE_BATCH: the signature over a whole batch (proposer = signer, slot = batch seq)
 * An honest validator signs at most one value per (chainId, epoch, slot, proposer, phase) in every
 * phase, so any two different signed values are slashable — no phase needs an exception.
 */
export const Phase = {
  PROPOSE: 1,
  ECHO: 2,
  READY: 3,
  ECHO_NONE: 4,
  VOTE_BATCH: 255,
} as const

/** Highest binary-agreement round a phase byte can express (7 + 3·(r−1) ≤ 252). */
export const MAX_ROUND = 82

export type VoteKind = 'bval0' | 'bval1' | 'aux'

/** Phase byte of a binary-agreement vote; round 0 maps onto ECHO / ECHO_NONE / READY. */
export function phaseOf(round: number, kind: VoteKind): number {
  if (round === 0) return kind === 'bval1' ? Phase.ECHO : kind === 'bval0' ? Phase.ECHO_NONE : Phase.READY
  if (round > MAX_ROUND) throw new RangeError(`phaseOf: round ${round} exceeds MAX_ROUND ${MAX_ROUND}`)
  return 5 + 3 * (round - 1) + (kind === 'bval0' ? 0 : kind === 'bval1' ? 1 : 2)
}

/** Inverse of `phaseOf`; null for PROPOSE, batch, reserved and out-of-range phases. */
export function decodePhase(phase: number): { round: number; kind: VoteKind } | null {
  if (phase === Phase.ECHO) return { round: 0, kind: 'bval1' }
  if (phase === Phase.ECHO_NONE) return { round: 0, kind: 'bval0' }
  if (phase === Phase.READY) return { round: 0, kind: 'aux' }
  if (!Number.isInteger(phase) || phase < 5 || phase > 7 + 3 * (MAX_ROUND - 1)) return null
  const k = (phase - 5) % 3
  return { round: 1 + Math.floor((phase - 5) / 3), kind: k === 0 ? 'bval0' : k === 1 ? 'bval1' : 'aux' }
}

const scratch = Buffer.alloc(7 * 32)

function writeUint64(wordIndex: number, value: number | bigint): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`uint64 out of range: ${value}`)
    scratch.writeUIntBE(Math.floor(value / 2 ** 32), wordIndex * 32 + 24, 4)
    scratch.writeUInt32BE(value >>> 0, wordIndex * 32 + 28)
    return
  }
  if (value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`uint64 out of range: ${value}`)
  scratch.writeBigUInt64BE(value, wordIndex * 32 + 24)
}

function writeHex(hex: string, offset: number, length: number, what: string): void {
  if (typeof hex !== 'string' || hex.length !== 2 + 2 * length || hex[0] !== '0' || hex[1] !== 'x')
    throw new RangeError(
      `consensusDigest: ${what} must be 0x-prefixed ${length}-byte hex, got ${String(hex).slice(0, 24)}`,
    )
  if (scratch.write(hex.slice(2), offset, length, 'hex') !== length)
    throw new RangeError(`consensusDigest: ${what} has invalid hex digits: ${hex.slice(0, 24)}`)
}

/** The 32-byte digest every consensus signature signs (see the file comment). */
export function consensusDigest(
  chainId: number | bigint,
  epoch: number | bigint,
  slot: number | bigint,
  proposer: Hex,
  phase: number,
  value: Hex,
): Uint8Array {
  scratch.fill(0, 32)
  scratch.set(domainBytes, 0)
  writeUint64(1, chainId)
  writeUint64(2, epoch)
  writeUint64(3, slot)
  writeHex(proposer, 4 * 32 + 12, 20, 'proposer')
  if (!Number.isInteger(phase) || phase < 0 || phase > 255) throw new RangeError(`phase must be a uint8: ${phase}`)
  scratch[5 * 32 + 31] = phase
  writeHex(value, 6 * 32, 32, 'value')
  return keccak256(scratch)
}
