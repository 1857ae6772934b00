import { toHex } from '@spnkit/crypto'
import { type Op, openStore, type Store, type StoreOptions } from '@spnkit/store'
import type { Address, Hex } from '../tx/transaction.ts'
import {
  accountKey,
  decodeAccount,
  EMPTY_CODE_HASH,
  encodeAccount,
  storageKey,
  wordBytes,
  wordValue,
} from './account-codec.ts'
import type { AccountInfo, StateBackend, StateDiff, StateProof, StateReader } from './types.ts'

/**
 * Ethereum state (accounts, storage, code) over @spnkit/store (layout in account-codec.ts).
 * The store's version 0 is its empty state, so block n is stored as version n + 1.
 */
export class StoreStateBackend implements StateBackend {
  readonly #store: Store

  constructor(store: Store) {
    this.#store = store
  }

  static open(dir: string, options?: StoreOptions): StoreStateBackend {
    return new StoreStateBackend(openStore(dir, options))
  }

  /** Newest committed block number (-1 when not even genesis is committed). */
  latestVersion(): bigint {
    return BigInt(this.#store.latestVersion) - 1n
  }

  reader(block: bigint): StateReader {
    const store = this.#store
    const version = Number(block) + 1
    store.root(version) // fail fast (UnknownVersionError / VersionPrunedError) on a version that is not retained
    return {
      getAccount(address: Address): AccountInfo | undefined {
        const v = store.get(accountKey(address), version)
        return v === undefined ? undefined : decodeAccount(v)
      },
      getCode(_address: Address, codeHash: Uint8Array): Uint8Array {
        if (toHex(codeHash) === toHex(EMPTY_CODE_HASH)) return new Uint8Array(0)
        return store.get(codeHash, version) ?? new Uint8Array(0)
      },
      getStorage(address: Address, slot: bigint): bigint {
        const v = store.get(storageKey(address, slot), version)
        return v === undefined ? 0n : wordValue(v)
      },
    }
  }

  async commit(block: bigint, diff: StateDiff): Promise<Hex> {
    const writes = new Map<string, Op>()
    const put = (key: Uint8Array, value: Uint8Array | undefined) =>
      writes.set(toHex(key), { key, value: value ?? null })
    // Sorted by address so the write set (and anything order-sensitive in the store) is deterministic.
    for (const address of [...diff.accounts.keys()].sort()) {
      const change = diff.accounts.get(address)
      if (change === undefined) {
        // Cancun (EIP-6780): only an account created in the same transaction can be destroyed, so
        // its storage exists only in this diff; there are no older slots to enumerate.
        put(accountKey(address), undefined)
        continue
      }
      put(accountKey(address), encodeAccount(change))
      if (change.code !== undefined && change.code.length > 0) put(change.codeHash, change.code)
      for (const [slot, value] of change.storage)
        put(storageKey(address, slot), value === 0n ? undefined : wordBytes(value))
    }
    return toHex(await this.#store.apply(Number(block) + 1, [...writes.values()]))
  }

  root(block: bigint): Hex {
    return toHex(this.#store.root(Number(block) + 1))
  }

  proveAccount(block: bigint, address: Address, slots: bigint[]): { account: StateProof; storage: StateProof[] } {
    const version = Number(block) + 1
    const prove = (key: Uint8Array): StateProof => {
      const value = this.#store.get(key, version)
      return { key: toHex(key), value: value ? toHex(value) : '0x', proof: toHex(this.#store.proof(key, version)) }
    }
    return { account: prove(accountKey(address)), storage: slots.map((s) => prove(storageKey(address, s))) }
  }

  close(): Promise<void> {
    return this.#store.close()
  }
}
