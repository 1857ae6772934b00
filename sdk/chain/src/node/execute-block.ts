import { toHex } from '@spnkit/crypto'
import type { TxOutcome } from '../block/receipts.ts'
import type { PooledTransaction } from '../mempool/mempool.ts'
import type { StateDiff, StateReader } from '../state/types.ts'
import type { Hex } from '../tx/transaction.ts'
import type { BlockContext, ExecutionEngine, TxInput } from './engine.ts'

export function toTxInput(tx: PooledTransaction): TxInput {
  const input: TxInput = {
    type: tx.type,
    from: tx.from,
    to: tx.to,
    nonce: tx.nonce,
    gasLimit: tx.gasLimit,
    value: tx.value,
    data: tx.data,
    accessList: tx.accessList.map((e) => ({ address: e.address, storageKeys: e.storageKeys.map((k) => BigInt(k)) })),
  }
  if (tx.type === 0 || tx.type === 1) input.gasPrice = tx.maxFeePerGas
  else {
    input.maxFeePerGas = tx.maxFeePerGas
    input.maxPriorityFeePerGas = tx.maxPriorityFeePerGas
  }
  return input
}

export type ExecutedBlock = {
  /** Transactions that made it into the block (ordered ones the engine refused are dropped). */
  included: PooledTransaction[]
  dropped: { tx: PooledTransaction; reason: string }[]
  outcomes: TxOutcome[]
  diff: StateDiff
  gasUsed: bigint
  touched: Set<Hex>
}

/**
 * Executes an ordered transaction list on top of `base`, transaction by transaction, each reading
 * the writes of the ones before it. A transaction the engine refuses (stale nonce, no funds: this
 * can happen when proposers' views differ) is left out of the block, exactly as on every validator.
 */
export function executeBlock(
  engine: ExecutionEngine,
  base: StateReader,
  context: BlockContext,
  txs: readonly PooledTransaction[],
): ExecutedBlock {
  txs = nonceOrdered(txs)
  const session = engine.begin(base, context)
  const included: PooledTransaction[] = []
  const dropped: ExecutedBlock['dropped'] = []
  const outcomes: TxOutcome[] = []
  let gasUsed = 0n
  for (const tx of txs) {
    if (gasUsed + tx.gasLimit > context.gasLimit) {
      dropped.push({ tx, reason: 'block gas limit reached' })
      continue
    }
    const result = session.execute(toTxInput(tx))
    if (!result.included) {
      dropped.push({ tx, reason: `${result.rejection.code}: ${result.rejection.message}` })
      continue
    }
    gasUsed += result.gasUsed
    included.push(tx)
    outcomes.push({
      status: result.status === 'success' ? 1 : 0,
      gasUsed: result.gasUsed,
      effectiveGasPrice: result.effectiveGasPrice,
      contractAddress: result.status === 'success' ? (result.createdAddress ?? null) : null,
      logs:
        result.status === 'success'
          ? result.logs.map((l) => ({ address: l.address, topics: l.topics.map((t) => toHex(t)), data: toHex(l.data) }))
          : [],
      output: toHex(result.returnData),
    })
  }
  const diff = session.diff()
  return { included, dropped, outcomes, diff, gasUsed, touched: new Set(diff.accounts.keys()) }
}

/**
 * The block's order, except that each sender's transactions take that sender's positions in nonce
 * order. Several proposers may carry one sender's transactions in a slot (the owner and, after a
 * wait, a backup), so their concatenation can put nonce n+1 before n; every node applies this same
 * rule, so execution stays deterministic and such a block loses nothing.
 */
export function nonceOrdered(txs: readonly PooledTransaction[]): PooledTransaction[] {
  const bySender = new Map<string, PooledTransaction[]>()
  for (const tx of txs) {
    const list = bySender.get(tx.from)
    if (list) list.push(tx)
    else bySender.set(tx.from, [tx])
  }
  for (const list of bySender.values())
    if (list.length > 1) list.sort((a, b) => (a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : 0))
  const taken = new Map<string, number>()
  return txs.map((tx) => {
    const i = taken.get(tx.from) ?? 0
    taken.set(tx.from, i + 1)
    return bySender.get(tx.from)![i]!
  })
}
