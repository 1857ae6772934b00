// Public types of @spnkit/dtvm. These are the contract between the engine and its hosts (sdk/chain,
// tests, the conformance runner): keep them stable and additive.

/** A 20-byte address as lowercase `0x`-prefixed hex (42 characters). */
export type Address = `0x${string}`

/** What the engine needs to know about an account that exists. */
export type AccountInfo = {
  nonce: bigint
  balance: bigint
  /** keccak256 of the code; keccak256 of the empty string for accounts without code. */
  codeHash: Uint8Array
}

/**
 * The synchronous state the engine executes over. Every call is synchronous on purpose: the
 * interpreter never awaits. Reads only; writes come back as a {@link StateDiff} to apply.
 */
export interface StateReader {
  /** The account at `address`, or `undefined` if it does not exist. */
  getAccount(address: Address): AccountInfo | undefined
  /** The code whose hash is `codeHash` (deployed at `address`). Empty for the empty-code hash. */
  getCode(address: Address, codeHash: Uint8Array): Uint8Array
  /** The storage word at `slot` of `address` (0n when unset). */
  getStorage(address: Address, slot: bigint): bigint
  /**
   * Whether the account has any non-zero storage slot. Used only by the CREATE collision rule
   * (EIP-7610); hosts that cannot answer cheaply may omit it (treated as `false`).
   */
  hasStorage?(address: Address): boolean
}

/** The state after a block or transaction, as changes against the {@link StateReader} it ran over. */
export type StateDiff = {
  /** Changed accounts; `undefined` means the account was deleted (with all its storage). */
  accounts: Map<Address, AccountDiff | undefined>
}

export type AccountDiff = {
  nonce: bigint
  balance: bigint
  codeHash: Uint8Array
  /** Present when the code changed (deployments). */
  code?: Uint8Array
  /** True when every previous storage slot was wiped before `storage` was applied (re-created account). */
  storageCleared: boolean
  /** Changed slots; a 0n value deletes the slot. */
  storage: Map<bigint, bigint>
}

/** Block-level context seen by the EVM (COINBASE, NUMBER, TIMESTAMP, ...). */
export type BlockContext = {
  chainId: bigint
  number: bigint
  timestamp: bigint
  coinbase: Address
  gasLimit: bigint
  baseFee: bigint
  /** PREVRANDAO (post-merge DIFFICULTY). */
  prevRandao: bigint
  /** The block's excess blob gas (EIP-4844); the blob base fee is derived from it. */
  excessBlobGas: bigint
  /** BLOCKHASH source: the hash of block `number` (only asked for the 256 blocks before this one). */
  blockHash(number: bigint): Uint8Array
}

export type AccessListEntry = { address: Address; storageKeys: bigint[] }

/** A transaction after decoding and signature recovery (types 0-3). */
export type TxInput = {
  type: 0 | 1 | 2 | 3
  from: Address
  /** `null` creates a contract. */
  to: Address | null
  nonce: bigint
  gasLimit: bigint
  /** Type 0/1: the gas price. Ignored for 2/3. */
  gasPrice?: bigint
  /** Type 2/3. */
  maxFeePerGas?: bigint
  maxPriorityFeePerGas?: bigint
  value: bigint
  data: Uint8Array
  accessList?: AccessListEntry[]
  /** Type 3 only. */
  maxFeePerBlobGas?: bigint
  blobVersionedHashes?: Uint8Array[]
}

export type Log = { address: Address; topics: Uint8Array[]; data: Uint8Array }

/** Why a transaction was not included (nothing changed, not even the nonce). */
export type RejectionCode =
  | 'NONCE_TOO_LOW'
  | 'NONCE_TOO_HIGH'
  | 'NONCE_IS_MAX'
  | 'SENDER_NOT_EOA'
  | 'INTRINSIC_GAS_TOO_LOW'
  | 'GAS_ALLOWANCE_EXCEEDED'
  | 'INSUFFICIENT_ACCOUNT_FUNDS'
  | 'INSUFFICIENT_MAX_FEE_PER_GAS'
  | 'PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS'
  | 'INITCODE_SIZE_EXCEEDED'
  | 'TYPE_3_TX_CONTRACT_CREATION'
  | 'TYPE_3_TX_ZERO_BLOBS'
  | 'TYPE_3_TX_BLOB_COUNT_EXCEEDED'
  | 'TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH'
  | 'INSUFFICIENT_MAX_FEE_PER_BLOB_GAS'
  | 'INVALID_FIELD'

export type TxRejection = { code: RejectionCode; message: string }

/** How the top-level call ended. */
export type TxStatus = 'success' | 'revert' | 'halt'

export type TxResult =
  | { included: false; rejection: TxRejection }
  | {
      included: true
      status: TxStatus
      /** Gas charged to the sender (after the refund), as in the receipt. */
      gasUsed: bigint
      /** Refund that was applied (already subtracted from gasUsed). */
      gasRefund: bigint
      /** Blob gas paid (type 3). */
      blobGasUsed: bigint
      /** Price per gas actually paid. */
      effectiveGasPrice: bigint
      /** Only on success. */
      logs: Log[]
      /** RETURN data on success, REVERT data on revert, empty on halt. */
      returnData: Uint8Array
      /** The address of the contract a create transaction deployed (on success). */
      createdAddress?: Address
      /** Exceptional-halt reason, e.g. 'OutOfGas', 'StackUnderflow', 'InvalidJump' (status 'halt'). */
      haltReason?: string
    }
