// A stake-weighted validator set for one epoch, with the quorum math of interfaces.md §2:
// quorum = floor(2·total/3) + 1. Any two quorums then overlap in more than total − quorum power, i.e.
// in at least one honest validator while Byzantine power stays ≤ total − quorum.
import { keccak256, toHex } from '@spnkit/crypto'
import { encodeAbiParameters } from 'viem'
import { ConsensusConfigError } from './errors.ts'
import type { Hex } from './types.ts'

export interface ValidatorEntry {
  readonly address: Hex
  readonly power: bigint
}

export class ValidatorSet {
  readonly epoch: number
  /** Ascending, unique, lowercase. */
  readonly validators: readonly Hex[]
  readonly powers: readonly bigint[]
  readonly total: bigint
  /** Power needed for a quorum: floor(2·total/3) + 1. */
  readonly quorum: bigint
  /** Power that certainly includes an honest validator: total − quorum + 1 ("f + 1"). */
  readonly weak: bigint
  readonly #index = new Map<Hex, number>()

  constructor(epoch: number, entries: readonly ValidatorEntry[]) {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new ConsensusConfigError(`ValidatorSet: bad epoch ${epoch}`)
    if (entries.length === 0) throw new ConsensusConfigError(`ValidatorSet(epoch ${epoch}): no validators`)
    const sorted = entries
      .map((e) => ({ address: e.address.toLowerCase() as Hex, power: e.power }))
      .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))
    for (let i = 0; i < sorted.length; i++) {
      const e = sorted[i]!
      if (!/^0x[0-9a-f]{40}$/.test(e.address))
        throw new ConsensusConfigError(`ValidatorSet(epoch ${epoch}): bad address ${e.address}`)
      if (typeof e.power !== 'bigint' || e.power <= 0n)
        throw new ConsensusConfigError(`ValidatorSet(epoch ${epoch}): power of ${e.address} must be a positive bigint`)
      if (i > 0 && sorted[i - 1]!.address === e.address)
        throw new ConsensusConfigError(`ValidatorSet(epoch ${epoch}): duplicate validator ${e.address}`)
      this.#index.set(e.address, i)
    }
    this.epoch = epoch
    this.validators = sorted.map((e) => e.address)
    this.powers = sorted.map((e) => e.power)
    this.total = this.powers.reduce((a, b) => a + b, 0n)
    this.quorum = (2n * this.total) / 3n + 1n
    this.weak = this.total - this.quorum + 1n
  }

  get size(): number {
    return this.validators.length
  }

  indexOf(address: Hex): number {
    return this.#index.get(address) ?? -1
  }

  has(address: Hex): boolean {
    return this.#index.has(address)
  }

  powerOf(address: Hex): bigint {
    const i = this.#index.get(address)
    return i === undefined ? 0n : this.powers[i]!
  }

  /** keccak256(abi.encode(address[] validators, uint256[] powers)), as in the set header. */
  root(): Hex {
    const encoded = encodeAbiParameters(
      [{ type: 'address[]' }, { type: 'uint256[]' }],
      [this.validators as Hex[], this.powers as bigint[]],
    )
    return toHex(keccak256(Buffer.from(encoded.slice(2), 'hex')))
  }

  /** Equal-power set, handy for tests and benchmarks. */
  static equal(epoch: number, addresses: readonly Hex[]): ValidatorSet {
    return new ValidatorSet(
      epoch,
      addresses.map((address) => ({ address, power: 1n })),
    )
  }
}
