// The common coin of binary-agreement rounds ≥ 2 (rounds 0 and 1 use the fixed coins 1 and 0).
// `publicCoin` is a keccak of the instance and round: every validator computes the same bit with no
// messages, but the adversary can compute it too. That is enough for safety (which never depends on
// the coin) and for liveness under partial synchrony or an oblivious scheduler; against an adaptive
// network adversary it is not, and a threshold-signature coin must be plugged in (README).
import { keccak256 } from '@spnkit/crypto'
import type { Hex } from './types.ts'

export function publicCoin(chainId: number, epoch: number, slot: number, proposer: Hex, round: number): 0 | 1 {
  const text = `spnkit.coin.v1:${chainId}:${epoch}:${slot}:${proposer}:${round}`
  return (keccak256(Buffer.from(text, 'utf8'))[0]! & 1) as 0 | 1
}
