export * from './errors.ts'
export { PROOF_ABSENT_EMPTY, PROOF_ABSENT_OTHER, PROOF_INCLUSION, verifyProof } from './proof.ts'
export {
  type Op,
  openStore,
  type PruneResult,
  type Snapshot,
  Store,
  type StoreOptions,
  type StoreStats,
} from './store.ts'
