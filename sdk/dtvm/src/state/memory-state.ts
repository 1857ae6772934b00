import { keccak256, toHex } from '@spnkit/crypto'
import type { AccountInfo, Address, StateDiff, StateReader } from '../types.ts'

export const EMPTY_CODE_HASH: Uint8Array = keccak256(new Uint8Array(0))

type StoredAccount = {
  nonce: bigint
  balance: bigint
  code: Uint8Array
  codeHash: Uint8Array
  storage: Map<bigint, bigint>
}

/** A plain in-memory {@link StateReader} for tests, tools and the conformance runner. */
export class InMemoryState implements StateReader {
  readonly accounts = new Map<Address, StoredAccount>()

  getAccount(address: Address): AccountInfo | undefined {
    const a = this.accounts.get(address)
    return a === undefined ? undefined : { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash }
  }

  getCode(address: Address): Uint8Array {
    return this.accounts.get(address)?.code ?? new Uint8Array(0)
  }

  getStorage(address: Address, slot: bigint): bigint {
    return this.accounts.get(address)?.storage.get(slot) ?? 0n
  }

  hasStorage(address: Address): boolean {
    const a = this.accounts.get(address)
    return a !== undefined && a.storage.size > 0
  }

  /** Creates or replaces an account (tests and genesis). */
  setAccount(
    address: Address,
    account: {
      nonce?: bigint
      balance?: bigint
      code?: Uint8Array
      storage?: Map<bigint, bigint> | Record<string, bigint>
    },
  ): void {
    const code = account.code ?? new Uint8Array(0)
    const storage = new Map<bigint, bigint>()
    if (account.storage instanceof Map) {
      for (const [k, v] of account.storage) if (v !== 0n) storage.set(k, v)
    } else if (account.storage) {
      for (const k of Object.keys(account.storage).sort()) {
        const v = account.storage[k]!
        if (v !== 0n) storage.set(BigInt(k), v)
      }
    }
    this.accounts.set(address.toLowerCase() as Address, {
      nonce: account.nonce ?? 0n,
      balance: account.balance ?? 0n,
      code,
      codeHash: code.length === 0 ? EMPTY_CODE_HASH : keccak256(code),
      storage,
    })
  }

  /** Applies the changes the engine returned. */
  applyDiff(diff: StateDiff): void {
    for (const [address, change] of diff.accounts) {
      if (change === undefined) {
        this.accounts.delete(address)
        continue
      }
      const prev = this.accounts.get(address)
      const storage = change.storageCleared || prev === undefined ? new Map<bigint, bigint>() : prev.storage
      for (const [k, v] of change.storage) {
        if (v === 0n) storage.delete(k)
        else storage.set(k, v)
      }
      this.accounts.set(address, {
        nonce: change.nonce,
        balance: change.balance,
        code: change.code ?? prev?.code ?? new Uint8Array(0),
        codeHash: change.codeHash,
        storage,
      })
    }
  }

  /** A readable dump for debugging (sorted, hex). */
  dump(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const address of [...this.accounts.keys()].sort()) {
      const a = this.accounts.get(address)!
      const storage: Record<string, string> = {}
      for (const k of [...a.storage.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)))
        storage[`0x${k.toString(16)}`] = `0x${a.storage.get(k)!.toString(16)}`
      out[address] = { nonce: a.nonce, balance: a.balance, code: toHex(a.code), storage }
    }
    return out
  }
}
