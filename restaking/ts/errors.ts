// Typed errors carrying what went wrong, where, and what to do about it.

/** Why a piece of equivocation evidence is not slashable; `code` matches the Slashing contract's error name. */
export type EvidenceRejection =
  | 'UnknownChain'
  | 'UnknownEpoch'
  | 'EvidenceExpired'
  | 'ValidatorListMismatch'
  | 'SameValue'
  | 'BadSignatureLength'
  | 'HighS'
  | 'BadV'
  | 'InvalidSignature'
  | 'SignerMismatch'
  | 'NotInValidatorSet'
  | 'OffenceAlreadyReported'

export class EvidenceError extends Error {
  readonly code: EvidenceRejection
  readonly where: string
  readonly fix: string
  constructor(code: EvidenceRejection, where: string, detail: string, fix: string) {
    super(`evidence rejected (${code}) at ${where}: ${detail}. ${fix}`)
    this.name = 'EvidenceError'
    this.code = code
    this.where = where
    this.fix = fix
  }
}

/** A validator set read from chain failed verification (root, ordering, chaining) or could not be found. */
export class ValidatorSetError extends Error {
  readonly spnId: number
  readonly epoch: bigint
  constructor(spnId: number, epoch: bigint, detail: string, fix: string) {
    super(`validator set of SPN ${spnId} epoch ${epoch}: ${detail}. ${fix}`)
    this.name = 'ValidatorSetError'
    this.spnId = spnId
    this.epoch = epoch
  }
}

/** A slash request could not be followed to an outcome (reverted submission, unexpected status). */
export class SlashFollowError extends Error {
  readonly requestId: bigint | undefined
  constructor(requestId: bigint | undefined, detail: string, fix: string) {
    super(`slash request ${requestId ?? '(not created)'}: ${detail}. ${fix}`)
    this.name = 'SlashFollowError'
    this.requestId = requestId
  }
}
