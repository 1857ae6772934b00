import { World } from './state/world.ts'
import { type ExecuteOptions, executeTransaction } from './tx.ts'
import type { BlockContext, StateDiff, StateReader, TxInput, TxResult } from './types.ts'

/**
 * Executes the transactions of one block, in order, over a synchronous {@link StateReader}. Each
 * transaction sees the effects of the ones before it; {@link diff} returns the block's changes.
 */
export class BlockExecutor {
  readonly world: World
  readonly block: BlockContext
  private readonly options: ExecuteOptions

  constructor(reader: StateReader, block: BlockContext, options: ExecuteOptions = {}) {
    this.world = new World(reader)
    this.block = block
    this.options = options
  }

  /** Validates and runs `tx`. A rejected transaction (`included: false`) leaves the state untouched. */
  execute(tx: TxInput): TxResult {
    return executeTransaction(this.world, this.block, tx, this.options)
  }

  /** All state changes so far, against the reader. */
  diff(): StateDiff {
    return this.world.diff()
  }
}
