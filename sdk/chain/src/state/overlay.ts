import type { Address } from '../tx/transaction.ts'
import type { AccountDiff, AccountInfo, StateDiff, StateReader } from './types.ts'

/**
 * State = base reader + diffs not yet committed. Execution of block N reads through an overlay of
 * block N-1's diff while N-1 is still being merklized, and the transactions of one block read each
 * other's writes the same way. `merged()` is the combined diff to commit.
 */
export class OverlayState implements StateReader {
  readonly #base: StateReader
  readonly #accounts = new Map<Address, AccountDiff | undefined>()

  constructor(base: StateReader, diffs: readonly StateDiff[] = []) {
    this.#base = base
    for (const d of diffs) this.apply(d)
  }

  apply(diff: StateDiff): void {
    for (const [address, change] of diff.accounts) {
      if (change === undefined) {
        this.#accounts.set(address, undefined)
        continue
      }
      const prev = this.#accounts.get(address)
      if (prev === undefined || change.storageCleared) {
        // First change here (or a re-creation): take it as is; base storage stays visible unless cleared,
        // or unless a previous overlay entry deleted the account.
        const deletedBefore = this.#accounts.has(address) && prev === undefined
        this.#accounts.set(address, {
          nonce: change.nonce,
          balance: change.balance,
          codeHash: change.codeHash,
          code: change.code,
          storageCleared: change.storageCleared || deletedBefore,
          storage: new Map(change.storage),
        })
        continue
      }
      prev.nonce = change.nonce
      prev.balance = change.balance
      if (change.code !== undefined) prev.code = change.code
      prev.codeHash = change.codeHash
      for (const [slot, value] of change.storage) prev.storage.set(slot, value)
    }
  }

  getAccount(address: Address): AccountInfo | undefined {
    if (this.#accounts.has(address)) {
      const a = this.#accounts.get(address)
      return a === undefined ? undefined : { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash }
    }
    return this.#base.getAccount(address)
  }

  getCode(address: Address, codeHash: Uint8Array): Uint8Array {
    const a = this.#accounts.get(address)
    if (a?.code !== undefined) return a.code
    return this.#base.getCode(address, codeHash)
  }

  getStorage(address: Address, slot: bigint): bigint {
    if (this.#accounts.has(address)) {
      const a = this.#accounts.get(address)
      if (a === undefined) return 0n
      const v = a.storage.get(slot)
      if (v !== undefined) return v
      if (a.storageCleared) return 0n
    }
    return this.#base.getStorage(address, slot)
  }

  hasStorage(address: Address): boolean {
    if (this.#accounts.has(address)) {
      const a = this.#accounts.get(address)
      if (a === undefined) return false
      for (const v of a.storage.values()) if (v !== 0n) return true
      if (a.storageCleared) return false
    }
    return this.#base.hasStorage?.(address) ?? false
  }

  /** Every change since the base, as one diff. */
  merged(): StateDiff {
    return { accounts: new Map(this.#accounts) }
  }

  /** Senders/accounts touched (the mempool drops stale nonces of these after the block). */
  touched(): Iterable<Address> {
    return this.#accounts.keys()
  }
}
