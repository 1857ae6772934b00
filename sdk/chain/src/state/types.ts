import type { Address, Hex } from '../tx/transaction.ts'

// The chain's view of state, shaped exactly like @spnkit/dtvm's StateReader / StateDiff so the
// engine reads the store through it with no copying (structural types; see interfaces.md §4).

export type AccountInfo = { nonce: bigint; balance: bigint; codeHash: Uint8Array }

export interface StateReader {
  getAccount(address: Address): AccountInfo | undefined
  getCode(address: Address, codeHash: Uint8Array): Uint8Array
  getStorage(address: Address, slot: bigint): bigint
  hasStorage?(address: Address): boolean
}

export type AccountDiff = {
  nonce: bigint
  balance: bigint
  codeHash: Uint8Array
  code?: Uint8Array
  storageCleared: boolean
  storage: Map<bigint, bigint>
}

export type StateDiff = { accounts: Map<Address, AccountDiff | undefined> }

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
