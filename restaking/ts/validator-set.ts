// Validator-set headers (interfaces.md §2): hashing, verification, and reading them from mainnet.

import { headerHash, type ValidatorSetHeader } from '@spnkit/contracts'
import { type Address, encodeAbiParameters, type Hex, type PublicClient, keccak256 as viemKeccak } from 'viem'
import { ValidatorSetsAbi } from '../abi/ValidatorSets.ts'
import { ValidatorSetError } from './errors.ts'

// The header type and its hash are the protocol's (contracts/ts/checkpoint.ts); one definition.
export { headerHash, type ValidatorSetHeader } from '@spnkit/contracts'

/** One epoch's committed set: the header, its hash, and the list the root commits to. */
export type ValidatorSet = {
  header: ValidatorSetHeader
  headerHash: Hex
  /** Consensus-key addresses, ascending, unique (lowercase hex). */
  validators: Address[]
  powers: bigint[]
}

/** keccak256(abi.encode(address[] validators, uint256[] powers)). */
export function validatorsRoot(validators: readonly Address[], powers: readonly bigint[]): Hex {
  return viemKeccak(encodeAbiParameters([{ type: 'address[]' }, { type: 'uint256[]' }], [validators, powers]))
}

/** floor(2 * totalPower / 3) + 1. */
export function quorumFor(totalPower: bigint): bigint {
  return (2n * totalPower) / 3n + 1n
}

/** Throws ValidatorSetError unless the list is sorted, unique, matches the root, total and quorum. */
export function verifyValidatorSet(set: ValidatorSet): void {
  const { header, validators, powers } = set
  const fail = (detail: string) =>
    new ValidatorSetError(header.spnId, header.epoch, detail, 'Re-read the set from the ValidatorSets contract')
  if (validators.length !== powers.length) throw fail(`${validators.length} validators but ${powers.length} powers`)
  let total = 0n
  for (let i = 0; i < validators.length; i++) {
    if (i > 0 && BigInt(validators[i - 1]!) >= BigInt(validators[i]!))
      throw fail(`validators not strictly ascending at index ${i}`)
    if (powers[i]! <= 0n) throw fail(`validator ${validators[i]} has non-positive power`)
    total += powers[i]!
  }
  if (validatorsRoot(validators, powers) !== header.validatorsRoot) throw fail('list does not match validatorsRoot')
  if (total !== header.totalPower) throw fail(`powers sum to ${total}, header says ${header.totalPower}`)
  if (quorumFor(total) !== header.quorum) throw fail(`quorum ${header.quorum} != floor(2*${total}/3)+1`)
  if (headerHash(header) !== set.headerHash) throw fail('headerHash does not match the header')
}

/** Power of `signer` in the set (0n when absent), by binary search over the sorted list. */
export function powerOf(set: ValidatorSet, signer: Address): bigint {
  const target = BigInt(signer)
  let lo = 0
  let hi = set.validators.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const v = BigInt(set.validators[mid]!)
    if (v === target) return set.powers[mid]!
    if (v < target) lo = mid + 1
    else hi = mid
  }
  return 0n
}

/**
 * Reads the set of (spnId, epoch) from the ValidatorSets contract: the stored header plus the list
 * from its `ValidatorSetPublished` event, verified against the root before it is returned.
 */
export async function readValidatorSet(
  client: PublicClient,
  address: Address,
  spnId: number,
  epoch: bigint,
): Promise<ValidatorSet> {
  let header: ValidatorSetHeader
  try {
    header = await client.readContract({ address, abi: ValidatorSetsAbi, functionName: 'header', args: [spnId, epoch] })
  } catch (error) {
    throw new ValidatorSetError(
      spnId,
      epoch,
      `no header on chain (${(error as Error).message.split('\n')[0]})`,
      'Check the SPN id and that the epoch was published (latestEpoch)',
    )
  }
  const hash = headerHash(header)
  const logs = await client.getContractEvents({
    address,
    abi: ValidatorSetsAbi,
    eventName: 'ValidatorSetPublished',
    args: { spnId, epoch, headerHash: hash },
    fromBlock: header.captureBlock,
    toBlock: header.captureBlock,
  })
  const log = logs[0]
  if (!log) {
    throw new ValidatorSetError(
      spnId,
      epoch,
      `no ValidatorSetPublished event in block ${header.captureBlock}`,
      'Use an RPC node that keeps logs for that block (archive or non-pruned)',
    )
  }
  const set: ValidatorSet = {
    header,
    headerHash: hash,
    validators: log.args.validators!.map((v) => v.toLowerCase() as Address),
    powers: [...log.args.powers!],
  }
  verifyValidatorSet(set)
  return set
}

export async function latestEpoch(client: PublicClient, address: Address, spnId: number): Promise<bigint> {
  return client.readContract({ address, abi: ValidatorSetsAbi, functionName: 'latestEpoch', args: [spnId] })
}

export type EpochWatcherOptions = {
  client: PublicClient
  address: Address
  spnId: number
  /** First epoch to deliver (default 1). */
  fromEpoch?: bigint
  /** Poll interval in ms (default 1000). */
  pollMs?: number
  onSet: (set: ValidatorSet) => void | Promise<void>
  onError?: (error: Error) => void
}

/**
 * Delivers every epoch's set of one SPN to `onSet`, in order, exactly once, checking that each
 * header's parentHash is the previous header's hash (a gap or fork stops delivery with an error).
 * Polls `latestEpoch`, so it catches up after restarts and missed blocks. `stop()` ends it.
 */
export function watchEpochs(options: EpochWatcherOptions): { stop: () => Promise<void> } {
  const pollMs = options.pollMs ?? 1000
  let next = options.fromEpoch ?? 1n
  let previousHash: Hex | undefined
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()

  const tick = async () => {
    const latest = await latestEpoch(options.client, options.address, options.spnId)
    while (!stopped && next <= latest) {
      const set = await readValidatorSet(options.client, options.address, options.spnId, next)
      if (previousHash !== undefined && set.header.parentHash !== previousHash) {
        throw new ValidatorSetError(
          options.spnId,
          next,
          `parentHash ${set.header.parentHash} does not chain to ${previousHash}`,
          'Stop using this source: the header chain is broken',
        )
      }
      previousHash = set.headerHash
      next++
      await options.onSet(set)
    }
  }
  const loop = () => {
    if (stopped) return
    running = tick().then(
      () => {
        if (!stopped) timer = setTimeout(loop, pollMs)
      },
      (error: Error) => {
        if (error instanceof ValidatorSetError && error.message.includes('does not chain')) {
          stopped = true
          options.onError?.(error)
          return
        }
        options.onError?.(error)
        if (!stopped) timer = setTimeout(loop, pollMs)
      },
    )
  }
  loop()
  return {
    stop: async () => {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
