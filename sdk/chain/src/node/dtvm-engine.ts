import { BlockExecutor } from '@spnkit/dtvm'
import type { ExecutionEngine } from './engine.ts'

/** The chain's execution engine: @spnkit/dtvm's Cancun interpreter over the chain's state reader. */
export const dtvmEngine: ExecutionEngine = {
  name: 'dtvm',
  begin: (state, block) => new BlockExecutor(state, block),
}
