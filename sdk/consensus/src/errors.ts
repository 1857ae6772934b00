// Typed errors: each says what went wrong, where, and what to do.

export class ConsensusConfigError extends Error {
  override readonly name = 'ConsensusConfigError'
}

/** A message failed validation; the validator drops it and counts it, never crashes on it. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError'
}

/** Raised by the signing guard: signing this would contradict a statement already signed (WAL). */
export class ConflictingSignatureError extends Error {
  override readonly name = 'ConflictingSignatureError'
}

export class WalError extends Error {
  override readonly name = 'WalError'
}

export class CodecError extends Error {
  override readonly name = 'CodecError'
}
