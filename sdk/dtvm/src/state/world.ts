import { keccak256 } from '@spnkit/crypto'
import type { AccountDiff, Address, Log, StateDiff, StateReader } from '../types.ts'
import { EMPTY_CODE_HASH } from './memory-state.ts'

const RIPEMD_ADDRESS = '0x0000000000000000000000000000000000000003'

/** One account as the engine sees it: loaded once from the reader, then changed in place (journaled). */
export class Account {
  readonly address: Address
  exists: boolean
  nonce: bigint
  balance: bigint
  codeHash: Uint8Array
  private _code: Uint8Array | undefined
  /** Known slot values (reads are cached here, writes land here). */
  readonly storage = new Map<bigint, bigint>()
  /** Slots written since the overlay began (they go into the diff). */
  readonly written = new Set<bigint>()
  /** When true the reader's storage is ignored (the account was (re)created or destroyed). */
  storageCleared = false
  codeChanged = false
  /** Changed since the overlay began: goes into the diff. */
  dirty = false
  /** The reader has storage for this account (CREATE collision rule). */
  readonly hadStorage: boolean
  private readonly reader: StateReader

  constructor(reader: StateReader, address: Address) {
    this.reader = reader
    this.address = address
    const info = reader.getAccount(address)
    this.exists = info !== undefined
    this.nonce = info?.nonce ?? 0n
    this.balance = info?.balance ?? 0n
    this.codeHash = info?.codeHash ?? EMPTY_CODE_HASH
    this.hadStorage = info !== undefined && reader.hasStorage?.(address) === true
  }

  get code(): Uint8Array {
    if (this._code === undefined)
      this._code =
        this.codeHash === EMPTY_CODE_HASH || this.codeHash.length === 0
          ? new Uint8Array(0)
          : this.reader.getCode(this.address, this.codeHash)
    return this._code
  }

  setCodeRaw(code: Uint8Array, codeHash: Uint8Array): void {
    this._code = code
    this.codeHash = codeHash
  }

  getStorage(slot: bigint): bigint {
    const v = this.storage.get(slot)
    if (v !== undefined) return v
    const loaded = this.storageCleared ? 0n : this.reader.getStorage(this.address, slot)
    this.storage.set(slot, loaded)
    return loaded
  }

  /** EIP-161 empty: no nonce, no balance, no code. */
  isEmpty(): boolean {
    return this.nonce === 0n && this.balance === 0n && this.code.length === 0
  }

  /** EIP-7610 / EIP-684: a CREATE to this address collides. */
  hasCollision(): boolean {
    if (this.nonce !== 0n || this.code.length !== 0) return true
    if (this.storageCleared) {
      for (const v of this.storage.values()) if (v !== 0n) return true
      return false
    }
    return this.hadStorage
  }
}

type Undo = () => void

/**
 * The journaled world state: accounts over a {@link StateReader}, plus everything a transaction
 * tracks (warm sets, transient storage, refund, logs, touched/created/destroyed accounts).
 * Snapshots are positions in an undo log; reverting replays the undo entries backwards.
 */
export class World {
  readonly reader: StateReader
  private readonly accounts = new Map<Address, Account>()
  private readonly undo: Undo[] = []

  // Per-transaction state (reset by beginTx).
  private warmAddresses = new Set<Address>()
  private warmSlots = new Map<Address, Set<bigint>>()
  private transient = new Map<Address, Map<bigint, bigint>>()
  /** Slot values at the start of the transaction, recorded on first write (EIP-2200 "original"). */
  private originals = new Map<Account, Map<bigint, bigint>>()
  private touched = new Set<Address>()
  private createdInTx = new Set<Address>()
  private destroyed = new Set<Address>()
  logs: Log[] = []
  refund = 0

  constructor(reader: StateReader) {
    this.reader = reader
  }

  account(address: Address): Account {
    let a = this.accounts.get(address)
    if (a === undefined) {
      a = new Account(this.reader, address)
      this.accounts.set(address, a)
    }
    return a
  }

  // ---- snapshots ----
  snapshot(): number {
    return this.undo.length
  }

  revert(snapshot: number): void {
    const u = this.undo
    for (let i = u.length - 1; i >= snapshot; i--) u[i]!()
    u.length = snapshot
  }

  private record(fn: Undo): void {
    this.undo.push(fn)
  }

  // ---- transaction lifecycle ----
  beginTx(): void {
    this.undo.length = 0
    this.warmAddresses = new Set()
    this.warmSlots = new Map()
    this.transient = new Map()
    this.originals = new Map()
    this.touched = new Set()
    this.createdInTx = new Set()
    this.destroyed = new Set()
    this.logs = []
    this.refund = 0
  }

  /** Ends the transaction: removes self-destructed accounts and touched empty accounts (EIP-161/6780). */
  finalizeTx(): void {
    for (const address of this.destroyed) this.deleteAccount(this.account(address))
    for (const address of this.touched) {
      const a = this.account(address)
      if (a.exists && a.isEmpty()) this.deleteAccount(a)
    }
    this.undo.length = 0
  }

  private deleteAccount(a: Account): void {
    a.exists = false
    a.nonce = 0n
    a.balance = 0n
    a.setCodeRaw(new Uint8Array(0), EMPTY_CODE_HASH)
    a.storage.clear()
    a.written.clear()
    a.storageCleared = true
    a.codeChanged = false
    a.dirty = true
  }

  // ---- warm/cold (EIP-2929) ----
  isWarmAddress(address: Address): boolean {
    return this.warmAddresses.has(address)
  }

  /** Marks warm; returns whether it was already warm. */
  warmAddress(address: Address): boolean {
    if (this.warmAddresses.has(address)) return true
    this.warmAddresses.add(address)
    this.record(() => this.warmAddresses.delete(address))
    return false
  }

  /** Marks the slot warm; returns whether it was already warm. */
  warmSlot(address: Address, slot: bigint): boolean {
    let set = this.warmSlots.get(address)
    if (set === undefined) {
      set = new Set()
      this.warmSlots.set(address, set)
    }
    if (set.has(slot)) return true
    set.add(slot)
    const s = set
    this.record(() => s.delete(slot))
    return false
  }

  // ---- accounts ----
  /** Makes the account exist (and marks it touched for the EIP-161 sweep). */
  touch(a: Account): void {
    if (!this.touched.has(a.address)) {
      this.touched.add(a.address)
      // The RIPEMD-160 precompile stays touched even on revert (mainnet block 2675119 quirk kept by every client).
      if (a.address !== RIPEMD_ADDRESS) this.record(() => this.touched.delete(a.address))
    }
    if (!a.exists) {
      a.exists = true
      const wasDirty = a.dirty
      a.dirty = true
      this.record(() => {
        a.exists = false
        a.dirty = wasDirty
      })
    }
  }

  setBalance(a: Account, balance: bigint): void {
    const old = a.balance
    const wasDirty = a.dirty
    a.balance = balance
    a.dirty = true
    this.record(() => {
      a.balance = old
      a.dirty = wasDirty
    })
  }

  addBalance(a: Account, amount: bigint): void {
    this.touch(a)
    if (amount !== 0n) this.setBalance(a, a.balance + amount)
  }

  setNonce(a: Account, nonce: bigint): void {
    const old = a.nonce
    const wasDirty = a.dirty
    a.nonce = nonce
    a.dirty = true
    this.record(() => {
      a.nonce = old
      a.dirty = wasDirty
    })
  }

  setCode(a: Account, code: Uint8Array): void {
    const oldCode = a.code
    const oldHash = a.codeHash
    const oldChanged = a.codeChanged
    const wasDirty = a.dirty
    a.setCodeRaw(code, code.length === 0 ? EMPTY_CODE_HASH : keccak256(code))
    a.codeChanged = true
    a.dirty = true
    this.record(() => {
      a.setCodeRaw(oldCode, oldHash)
      a.codeChanged = oldChanged
      a.dirty = wasDirty
    })
  }

  /** Prepares a fresh contract account at a CREATE target: storage wiped, nonce 1 (balance kept). */
  createAccount(a: Account): void {
    const oldStorage = new Map(a.storage)
    const oldWritten = new Set(a.written)
    const oldCleared = a.storageCleared
    const wasDirty = a.dirty
    a.storage.clear()
    a.storageCleared = true
    a.dirty = true
    this.record(() => {
      a.storage.clear()
      for (const [k, v] of oldStorage) a.storage.set(k, v)
      a.written.clear()
      for (const k of oldWritten) a.written.add(k)
      a.storageCleared = oldCleared
      a.dirty = wasDirty
    })
    this.touch(a)
    this.setNonce(a, 1n)
    if (!this.createdInTx.has(a.address)) {
      this.createdInTx.add(a.address)
      this.record(() => this.createdInTx.delete(a.address))
    }
  }

  wasCreatedInTx(address: Address): boolean {
    return this.createdInTx.has(address)
  }

  markDestroyed(address: Address): void {
    if (this.destroyed.has(address)) return
    this.destroyed.add(address)
    this.record(() => this.destroyed.delete(address))
  }

  // ---- storage ----
  /** The slot's value at the start of the transaction. */
  originalStorage(a: Account, slot: bigint): bigint {
    const m = this.originals.get(a)
    if (m !== undefined) {
      const v = m.get(slot)
      if (v !== undefined) return v
    }
    return a.getStorage(slot)
  }

  setStorage(a: Account, slot: bigint, value: bigint): void {
    const old = a.getStorage(slot)
    let m = this.originals.get(a)
    if (m === undefined) {
      m = new Map()
      this.originals.set(a, m)
    }
    if (!m.has(slot)) m.set(slot, old) // originals are never reverted: the value at tx start does not change
    const wasWritten = a.written.has(slot)
    const wasDirty = a.dirty
    a.storage.set(slot, value)
    a.written.add(slot)
    a.dirty = true
    this.record(() => {
      a.storage.set(slot, old)
      if (!wasWritten) a.written.delete(slot)
      a.dirty = wasDirty
    })
  }

  getTransient(address: Address, slot: bigint): bigint {
    return this.transient.get(address)?.get(slot) ?? 0n
  }

  setTransient(address: Address, slot: bigint, value: bigint): void {
    let m = this.transient.get(address)
    if (m === undefined) {
      m = new Map()
      this.transient.set(address, m)
    }
    const had = m.has(slot)
    const old = m.get(slot) ?? 0n
    m.set(slot, value)
    const mm = m
    this.record(() => {
      if (had) mm.set(slot, old)
      else mm.delete(slot)
    })
  }

  // ---- refund & logs ----
  addRefund(delta: number): void {
    if (delta === 0) return
    this.refund += delta
    this.record(() => {
      this.refund -= delta
    })
  }

  addLog(log: Log): void {
    this.logs.push(log)
    this.record(() => {
      this.logs.pop()
    })
  }

  // ---- output ----
  /** Every change since this World was created, against its reader. */
  diff(): StateDiff {
    const accounts = new Map<Address, AccountDiff | undefined>()
    const addresses = [...this.accounts.keys()].sort()
    for (const address of addresses) {
      const a = this.accounts.get(address)!
      if (!a.dirty) continue
      if (!a.exists) {
        if (this.reader.getAccount(address) !== undefined) accounts.set(address, undefined)
        continue
      }
      const storage = new Map<bigint, bigint>()
      for (const slot of a.written) storage.set(slot, a.storage.get(slot) ?? 0n)
      const d: AccountDiff = {
        nonce: a.nonce,
        balance: a.balance,
        codeHash: a.codeHash,
        storageCleared: a.storageCleared,
        storage,
      }
      if (a.codeChanged) d.code = a.code
      accounts.set(address, d)
    }
    return { accounts }
  }

  /** Accounts loaded or changed (for tooling such as the conformance runner). */
  loadedAccounts(): Iterable<Account> {
    return this.accounts.values()
  }
}
