export { LeaderBaseline } from './baseline/leader-bft.ts'
export { decodeMessage, decodeWalRecord, encodeMessage, encodeWalRecord } from './codec.ts'
export { publicCoin } from './coin.ts'
export { CONSENSUS_DOMAIN, consensusDigest, decodePhase, MAX_ROUND, Phase, phaseOf, type VoteKind } from './digest.ts'
export {
  CodecError,
  ConflictingSignatureError,
  ConsensusConfigError,
  InvalidMessageError,
  WalError,
} from './errors.ts'
export {
  EQUIVOCATION_EVIDENCE_ABI,
  encodeEquivocationEvidence,
  offenceKey,
  toEvidenceStruct,
  verifyEquivocationEvidence,
} from './evidence.ts'
export { defaultOwnerCount, OwnershipCache, ownersOf } from './ownership.ts'
export { blockHash, proposalHash } from './proposal.ts'
export { macSchemeForSimulation, type SignatureScheme, secp256k1Scheme } from './signature.ts'
export { type LoadOptions, type LoadResult, percentile, runLoad } from './sim/harness.ts'
export { Prng } from './sim/prng.ts'
export {
  FAULTS,
  type Fault,
  runScenario,
  runSeedRange,
  type ScenarioResult,
  type ScenarioSpec,
} from './sim/scenario.ts'
export { type Role, type SimConfig, type SimCopy, type SimNodeImpl, Simulator } from './sim/simulator.ts'
export { Workload } from './sim/workload.ts'
export { freeLoopbackPorts } from './tcp/free-ports.ts'
export { MAX_FRAME_BYTES, type PeerAddress, TcpTransport, type TcpTransportOptions } from './tcp/transport.ts'
export { ValidatorNode } from './tcp/validator-node.ts'
export * from './types.ts'
export { type DrainOutput, txKey, Validator, type ValidatorConfig, type ValidatorStats } from './validator.ts'
export { type ValidatorEntry, ValidatorSet } from './validator-set.ts'
export { FileWal } from './wal.ts'
