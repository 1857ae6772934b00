// Proposal and block hashing. The proposal hash is the `value` a proposer signs (phase PROPOSE); it
// commits to the header and to every tx's (hash, sender, nonce). Block hashes only serve agreement
// checks between nodes (the chain computes its own header hash).
import { keccak256 } from '@spnkit/crypto'
import { bytesToHex } from './hex.ts'
import type { Hex, Tx } from './types.ts'

function u64Hex(value: number | bigint): string {
  return BigInt(value).toString(16).padStart(16, '0')
}

let proposalScratch = Buffer.alloc(1 << 16)
const MAX_U64 = 0xffffffffffffffffn

/**
 * keccak(chainId ‖ epoch ‖ slot ‖ proposer ‖ timestamp ‖ count ‖ (hash ‖ sender ‖ nonce)*), all
 * integers 8-byte big-endian. Throws RangeError on malformed hex or a nonce ≥ 2^64 (EIP-2681).
 */
export function proposalHash(
  chainId: number,
  epoch: number,
  slot: number,
  proposer: Hex,
  timestamp: number,
  txs: readonly Tx[],
): Hex {
  const need = 48 + 20 + txs.length * 60
  if (proposalScratch.length < need) proposalScratch = Buffer.alloc(need * 2)
  const b = proposalScratch
  b.writeBigUInt64BE(BigInt(chainId), 0)
  b.writeBigUInt64BE(BigInt(epoch), 8)
  b.writeBigUInt64BE(BigInt(slot), 16)
  writeHexField(b, proposer, 24, 20)
  b.writeBigUInt64BE(BigInt(timestamp), 44)
  b.writeBigUInt64BE(BigInt(txs.length), 52)
  let o = 60
  for (const tx of txs) {
    writeHexField(b, tx.hash, o, 32)
    writeHexField(b, tx.sender, o + 32, 20)
    if (typeof tx.nonce !== 'bigint' || tx.nonce < 0n || tx.nonce > MAX_U64)
      throw new RangeError(`proposalHash: nonce must be a bigint in [0, 2^64): ${String(tx.nonce)}`)
    b.writeBigUInt64BE(tx.nonce, o + 52)
    o += 60
  }
  return bytesToHex(keccak256(b.subarray(0, o)))
}

function writeHexField(b: Buffer, hex: string, offset: number, length: number): void {
  if (typeof hex !== 'string' || hex.length !== 2 + 2 * length || hex.charCodeAt(1) !== 120 /* x */)
    throw new RangeError(`proposalHash: expected 0x-prefixed ${length}-byte hex, got ${String(hex).slice(0, 24)}`)
  // Buffer stops at the first non-hex digit; lowercase is required so map keys are canonical.
  if (b.write(hex.slice(2), offset, length, 'hex') !== length || hex !== hex.toLowerCase())
    throw new RangeError(`proposalHash: invalid or non-lowercase hex ${hex.slice(0, 24)}`)
}

/** keccak(slot ‖ timestamp ‖ count ‖ proposal hashes ‖ tx hashes), for cross-node agreement checks. */
export function blockHash(slot: number, timestamp: number, proposalHashes: readonly Hex[], txs: readonly Tx[]): Hex {
  const need = 24 + 32 * (proposalHashes.length + txs.length)
  if (proposalScratch.length < need) proposalScratch = Buffer.alloc(need * 2)
  const b = proposalScratch
  b.writeBigUInt64BE(BigInt(slot), 0)
  b.writeBigUInt64BE(BigInt(timestamp), 8)
  b.writeBigUInt64BE(BigInt(proposalHashes.length), 16)
  let o = 24
  for (const h of proposalHashes) o += b.write(h.slice(2), o, 32, 'hex')
  for (const tx of txs) o += b.write(tx.hash.slice(2), o, 32, 'hex')
  return bytesToHex(keccak256(b.subarray(0, o)))
}

let batchScratch = Buffer.alloc(1 << 16)

/** keccak of a vote batch's votes and status: the `value` of the VOTE_BATCH signature. */
export function voteBatchHash(
  committed: number,
  votes: readonly {
    slot: number
    proposer: Hex
    phase: number
    value: Hex
    sig: Uint8Array
    psig?: Uint8Array | undefined
  }[],
): Hex {
  const need = 16 + votes.length * (8 + 20 + 1 + 32 + 1 + 65 + 1 + 65 + 4)
  if (batchScratch.length < need) batchScratch = Buffer.alloc(need * 2)
  const b = batchScratch
  let o = 0
  b.writeBigUInt64BE(BigInt(committed), o)
  o += 8
  b.writeBigUInt64BE(BigInt(votes.length), o)
  o += 8
  for (const v of votes) {
    b.writeBigUInt64BE(BigInt(v.slot), o)
    o += 8
    o += b.write(v.proposer.slice(2), o, 20, 'hex')
    b[o++] = v.phase
    o += b.write(v.value.slice(2), o, 32, 'hex')
    b[o++] = v.sig.length
    b.set(v.sig.subarray(0, 65), o)
    o += Math.min(65, v.sig.length)
    if (v.psig) {
      b[o++] = v.psig.length
      b.set(v.psig.subarray(0, 65), o)
      o += Math.min(65, v.psig.length)
    } else b[o++] = 0
  }
  return bytesToHex(keccak256(b.subarray(0, o)))
}

/** Output order of proposals within a slot: keccak(slot ‖ proposer), rotating who goes first. */
export function proposerOrderKey(slot: number, proposer: Hex): Hex {
  return bytesToHex(keccak256(Buffer.from(u64Hex(slot) + proposer.slice(2), 'hex')))
}
