import { fromHex, keccak256, keccak256Concat, toHex } from '@spnkit/crypto'
import { encodeBytes, encodeList, encodeUint } from '../tx/rlp.ts'
import type { Hex } from '../tx/transaction.ts'
import type { BlockHeader } from './types.ts'

/** keccak256(rlp([])) : the "no uncles" hash every post-merge header carries. */
export const EMPTY_UNCLES_HASH: Hex = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347'
/** keccak256(rlp('')) : the root of an empty trie, used here for empty lists too. */
export const EMPTY_ROOT: Hex = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421'
export const ZERO_HASH: Hex = `0x${'00'.repeat(32)}`

/** The header RLP in Ethereum's Cancun field order. */
export function encodeHeader(h: BlockHeader): Uint8Array {
  return encodeList([
    encodeBytes(fromHex(h.parentHash)),
    encodeBytes(fromHex(EMPTY_UNCLES_HASH)),
    encodeBytes(fromHex(h.miner)),
    encodeBytes(fromHex(h.stateRoot)),
    encodeBytes(fromHex(h.transactionsRoot)),
    encodeBytes(fromHex(h.receiptsRoot)),
    encodeBytes(h.logsBloom),
    encodeUint(0n), // difficulty
    encodeUint(h.number),
    encodeUint(h.gasLimit),
    encodeUint(h.gasUsed),
    encodeUint(h.timestamp),
    encodeBytes(fromHex(h.extraData)),
    encodeBytes(fromHex(h.mixHash)),
    encodeBytes(new Uint8Array(8)), // nonce
    encodeUint(h.baseFeePerGas),
    encodeBytes(fromHex(h.withdrawalsRoot)),
    encodeUint(h.blobGasUsed),
    encodeUint(h.excessBlobGas),
    encodeBytes(fromHex(h.parentBeaconBlockRoot)),
  ])
}

export function headerHash(h: BlockHeader): Hex {
  return toHex(keccak256(encodeHeader(h)))
}

/**
 * Commitment to an ordered list of 32-byte hashes (transactions, receipts): keccak256 of their
 * concatenation, or EMPTY_ROOT for an empty list. This chain does not build Ethereum's Patricia
 * tries for these lists; proofs of inclusion use the state store instead (documented in README).
 */
export function listRoot(hashes: readonly Uint8Array[]): Hex {
  if (hashes.length === 0) return EMPTY_ROOT
  return toHex(keccak256Concat(...hashes))
}

/** EIP-1559 base fee of the child of a block with (`gasUsed`, `gasLimit`, `baseFee`), floored at `minBaseFee`. */
export function nextBaseFee(
  parent: Pick<BlockHeader, 'gasUsed' | 'gasLimit' | 'baseFeePerGas'>,
  minBaseFee: bigint,
): bigint {
  const target = parent.gasLimit / 2n
  const base = parent.baseFeePerGas
  let next = base
  if (parent.gasUsed > target) {
    const delta = (base * (parent.gasUsed - target)) / target / 8n
    next = base + (delta > 1n ? delta : 1n)
  } else if (parent.gasUsed < target) {
    next = base - (base * (target - parent.gasUsed)) / target / 8n
  }
  return next < minBaseFee ? minBaseFee : next
}
