import type { StateDiff, StateReader } from '@spnkit/dtvm'
import type { Address, Hex } from '../tx/transaction.ts'

// The chain reads and writes state through DTVM's own interface (interfaces.md §4).
export type { AccountDiff, AccountInfo, StateDiff, StateReader } from '@spnkit/dtvm'

/** A proof of one key against a state root, in the store's format (interfaces.md §3). */
export type StateProof = { key: Hex; value: Hex; proof: Hex }

/** Versioned authenticated state: version = block number. */
export interface StateBackend {
  /** Newest committed version. */
  latestVersion(): bigint
  /** Synchronous reads at `version` (any retained version). */
  reader(version: bigint): StateReader
  /** Applies `diff` as `version` (= latest + 1), durably, and returns the state root. */
  commit(version: bigint, diff: StateDiff): Promise<Hex>
  /** State root of a committed version. */
  root(version: bigint): Hex
  /** Proofs for the account and the given storage slots at `version`. */
  proveAccount(version: bigint, address: Address, slots: bigint[]): { account: StateProof; storage: StateProof[] }
  close(): Promise<void>
}
