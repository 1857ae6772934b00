import type { FinalityStatus, FinalityTier } from '../rpc/api.ts'
import type { Hex } from '../tx/transaction.ts'

/**
 * Tier of each transaction the node has seen: ordered → executed → finalized. Ordered/executed
 * entries are held in memory only until the block is finalized (then the block index answers).
 */
export class FinalityTracker {
  readonly #tiers = new Map<Hex, { tier: FinalityTier; blockNumber: bigint }>()

  mark(hashes: readonly Hex[], tier: FinalityTier, blockNumber: bigint): void {
    for (const h of hashes) {
      if (tier === 'finalized') this.#tiers.delete(h)
      else this.#tiers.set(h, { tier, blockNumber })
    }
  }

  forget(hashes: readonly Hex[]): void {
    for (const h of hashes) this.#tiers.delete(h)
  }

  get(hash: Hex): FinalityStatus | undefined {
    return this.#tiers.get(hash)
  }
}
