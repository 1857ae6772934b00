/** Why the mempool refused a transaction. Each reason maps to a JSON-RPC error with a fixed message. */
export type RejectionReason =
  | 'AlreadyKnown'
  | 'WrongChainId'
  | 'NonceTooLow'
  | 'NonceTooHigh'
  | 'FeeTooLow'
  | 'TipAboveFeeCap'
  | 'ReplacementUnderpriced'
  | 'InsufficientFunds'
  | 'IntrinsicGasTooLow'
  | 'GasLimitTooHigh'
  | 'InitcodeTooLarge'
  | 'OversizedTransaction'
  | 'BlobsUnsupported'
  | 'MissingChainId'
  | 'SenderLimitReached'
  | 'PoolFull'
  | 'InvalidSignature'

/** A refused transaction: `reason` for code, `message` for people (what, why, what to do). */
export class TransactionRejected extends Error {
  override readonly name = 'TransactionRejected'
  readonly reason: RejectionReason
  constructor(reason: RejectionReason, message: string) {
    super(message)
    this.reason = reason
  }
}
