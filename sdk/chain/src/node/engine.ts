import type { StateDiff, StateReader } from '../state/types.ts'
import type { Address } from '../tx/transaction.ts'

// The execution engine as the chain sees it. Shapes match @spnkit/dtvm's public types exactly
// (BlockContext, TxInput, TxResult), so the DTVM adapter passes values straight through.

export type BlockContext = {
  chainId: bigint
  number: bigint
  timestamp: bigint
  coinbase: Address
  gasLimit: bigint
  baseFee: bigint
  prevRandao: bigint
  excessBlobGas: bigint
  blockHash(number: bigint): Uint8Array
}

export type TxInput = {
  type: 0 | 1 | 2 | 3
  from: Address
  to: Address | null
  nonce: bigint
  gasLimit: bigint
  gasPrice?: bigint
  maxFeePerGas?: bigint
  maxPriorityFeePerGas?: bigint
  value: bigint
  data: Uint8Array
  accessList?: { address: Address; storageKeys: bigint[] }[]
  maxFeePerBlobGas?: bigint
  blobVersionedHashes?: Uint8Array[]
}

export type EngineLog = { address: Address; topics: Uint8Array[]; data: Uint8Array }

export type EngineResult =
  | { included: false; rejection: { code: string; message: string } }
  | {
      included: true
      status: 'success' | 'revert' | 'halt'
      gasUsed: bigint
      effectiveGasPrice: bigint
      logs: EngineLog[]
      returnData: Uint8Array
      createdAddress?: Address
      haltReason?: string
    }

/** One block's execution: transactions run in order, each seeing the ones before; `diff` is against the reader. */
export interface BlockSession {
  execute(tx: TxInput): EngineResult
  diff(): StateDiff
}

/** The execution engine (DTVM): opens a block session over a synchronous state reader. */
export interface ExecutionEngine {
  readonly name: string
  begin(state: StateReader, block: BlockContext): BlockSession
}
