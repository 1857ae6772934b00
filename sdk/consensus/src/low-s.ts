import { isLowS } from '@spnkit/crypto'

/** 65-byte signature with v ∈ {27, 28} and low s: the only shape `ecrecover`-based checks accept. */
export function isLowSignature(sig: Uint8Array): boolean {
  return sig instanceof Uint8Array && sig.length === 65 && (sig[64] === 27 || sig[64] === 28) && isLowS(sig)
}
