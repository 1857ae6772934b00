// Deterministic, stake-weighted transaction ownership (Mir-BFT buckets + Sui's shuffle-by-stake).
// owners(tx) = a stake-weighted shuffle of the epoch's validators seeded by keccak(chainId, epoch,
// sender): position 0 is the primary owner, positions 1.. are backups. Keyed by sender so one
// sender's nonces stay with one proposer; the epoch in the seed rotates the assignment every epoch.
import { keccak256Concat } from '@spnkit/crypto'
import { hexToBytes } from './hex.ts'
import type { Hex } from './types.ts'
import type { ValidatorSet } from './validator-set.ts'

const tag = new TextEncoder().encode('spnkit.owner.v1')

function u64(value: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(value))
  return out
}

/**
 * The first `count` owners of `sender` in (chainId, epoch): weighted sampling without replacement,
 * each draw taking 8 fresh bytes of the keccak stream. Pure and deterministic.
 */
export function ownersOf(chainId: number, set: ValidatorSet, sender: Hex, count: number): Hex[] {
  const n = set.size
  const take = Math.min(count, n)
  const remaining = set.validators.map((address, i) => ({ address, power: set.powers[i]! }))
  let remainingTotal = set.total
  const seed = keccak256Concat(tag, u64(chainId), u64(set.epoch), hexToBytes(sender, 20, 'ownersOf sender'))
  let stream = seed
  let offset = 0
  const out: Hex[] = []
  for (let k = 0; k < take; k++) {
    if (offset + 16 > stream.length) {
      stream = keccak256Concat(stream, seed)
      offset = 0
    }
    let draw = 0n
    for (let i = 0; i < 16; i++) draw = (draw << 8n) | BigInt(stream[offset + i]!)
    offset += 16
    let pick = draw % remainingTotal
    let chosen = 0
    for (; chosen < remaining.length - 1; chosen++) {
      if (pick < remaining[chosen]!.power) break
      pick -= remaining[chosen]!.power
    }
    const c = remaining[chosen]!
    out.push(c.address)
    remainingTotal -= c.power
    remaining.splice(chosen, 1)
  }
  return out
}

/** Per-epoch memo of `ownersOf`, so the hot path pays one keccak per new sender per epoch. */
export class OwnershipCache {
  readonly #chainId: number
  readonly #count: (set: ValidatorSet) => number
  readonly #byEpoch = new Map<number, Map<Hex, Hex[]>>()

  constructor(chainId: number, count: (set: ValidatorSet) => number) {
    this.#chainId = chainId
    this.#count = count
  }

  owners(set: ValidatorSet, sender: Hex): Hex[] {
    let m = this.#byEpoch.get(set.epoch)
    if (!m) {
      m = new Map()
      this.#byEpoch.set(set.epoch, m)
      // Keep the two most recent epochs only: a tx is always judged in the epoch of its slot.
      for (const e of this.#byEpoch.keys()) if (e < set.epoch - 1) this.#byEpoch.delete(e)
    }
    let owners = m.get(sender)
    if (!owners) {
      owners = ownersOf(this.#chainId, set, sender, this.#count(set))
      m.set(sender, owners)
    }
    return owners
  }

  /** Owner rank of `who` for `sender` (0 = primary), or −1 if it is not an owner at all. */
  rank(set: ValidatorSet, sender: Hex, who: Hex): number {
    return this.owners(set, sender).indexOf(who)
  }
}

/** Number of owners per tx: f + 1 by count, so at least one owner is honest. */
export function defaultOwnerCount(set: ValidatorSet): number {
  return Math.floor((set.size - 1) / 3) + 1
}
