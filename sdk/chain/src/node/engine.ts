import type { BlockContext, TxInput } from '@spnkit/dtvm'
import type { StateDiff, StateReader } from '../state/types.ts'
import type { Address } from '../tx/transaction.ts'

// The execution engine as the chain sees it: DTVM's own public types, used directly.
export type { BlockContext, TxInput } from '@spnkit/dtvm'

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
