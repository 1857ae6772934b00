// Evidence built with the consensus package's own digest and signing code (what SPN nodes emit),
// shared by the unit, differential and anvil tests and the gas benchmark.
import {
  consensusDigest,
  type EquivocationEvidence,
  Phase,
  proposalHash,
  secp256k1Scheme,
  Validator,
  ValidatorSet,
} from '@spnkit/consensus'
import { keccak256, SECP256K1_N } from '@spnkit/crypto'
import type { Hex } from 'viem'

/** A deterministic consensus private key for index `i` (never use outside tests/benchmarks). */
export function testKey(label: string, i: number): Uint8Array {
  return keccak256(new TextEncoder().encode(`spnkit.restaking.test-key:${label}:${i}`))
}

export function labelHash(label: string): Hex {
  return `0x${Buffer.from(keccak256(new TextEncoder().encode(label))).toString('hex')}`
}

/** Two PROPOSE signatures by `key` for different values at (chainId, epoch, slot). */
export function equivocation(key: Uint8Array, chainId: number, epoch: number, slot: number): EquivocationEvidence {
  const proposer = secp256k1Scheme.address(key)
  const valueA = labelHash(`block A ${slot}`)
  const valueB = labelHash(`block B ${slot}`)
  const sign = (value: Hex) =>
    secp256k1Scheme.sign(consensusDigest(chainId, epoch, slot, proposer, Phase.PROPOSE, value), key)
  return {
    chainId,
    epoch,
    slot,
    proposer,
    phase: Phase.PROPOSE,
    valueA,
    sigA: sign(valueA),
    valueB,
    sigB: sign(valueB),
    signer: proposer,
  }
}

/** The malleable twin (n - s, flipped v) of a low-s signature: same signer, high s. */
export function highS(sig: Uint8Array): Uint8Array {
  let s = 0n
  for (let i = 32; i < 64; i++) s = (s << 8n) | BigInt(sig[i]!)
  let t = SECP256K1_N - s
  const out = Uint8Array.from(sig)
  for (let i = 63; i >= 32; i--) {
    out[i] = Number(t & 0xffn)
    t >>= 8n
  }
  out[64] = sig[64] === 27 ? 28 : 27
  return out
}

/** Deliberately broken variants of valid evidence, named by the rejection they must cause. */
export function brokenVariants(
  valid: EquivocationEvidence,
  otherKey: Uint8Array,
): Array<{ name: string; code: string; ev: EquivocationEvidence }> {
  const resignB = (key: Uint8Array) =>
    secp256k1Scheme.sign(
      consensusDigest(valid.chainId, valid.epoch, valid.slot, valid.proposer, valid.phase, valid.valueB),
      key,
    )
  const badV = Uint8Array.from(valid.sigA)
  badV[64] = 29
  const zeroR = Uint8Array.from(valid.sigA)
  zeroR.fill(0, 0, 32)
  return [
    { name: 'same value twice', code: 'SameValue', ev: { ...valid, valueB: valid.valueA, sigB: valid.sigA } },
    { name: 'short signature', code: 'BadSignatureLength', ev: { ...valid, sigA: valid.sigA.subarray(0, 64) } },
    { name: 'high-s twin', code: 'HighS', ev: { ...valid, sigB: highS(valid.sigB) } },
    { name: 'v = 29', code: 'BadV', ev: { ...valid, sigA: badV } },
    { name: 'r = 0', code: 'InvalidSignature', ev: { ...valid, sigA: zeroR } },
    { name: 'second value signed by another key', code: 'SignerMismatch', ev: { ...valid, sigB: resignB(otherKey) } },
    // Signed for another slot but presented as this one: recovers to a stranger, twice differently.
    { name: 'slot changed after signing', code: 'SignerMismatch', ev: { ...valid, slot: valid.slot + 1 } },
  ]
}

/**
 * Evidence as a running SPN node emits it: an honest consensus `Validator` (key `honest`) receives
 * two different PROPOSE messages for one slot from a Twin (key `twin`) and drains the evidence it
 * caught. `epoch` is the on-chain epoch; the node's first slot of that epoch is used.
 */
export function twinEvidence(
  members: Uint8Array[],
  honest: number,
  twin: number,
  chainId: number,
  epoch: number,
): EquivocationEvidence {
  const epochLength = 1000
  const addresses = members.map((k) => secp256k1Scheme.address(k))
  const set = ValidatorSet.equal(epoch, addresses)
  const node = new Validator({
    chainId,
    privateKey: members[honest]!,
    validatorSet: (e) => (e === epoch ? set : undefined),
    epochLength,
    committedSlot: epoch * epochLength,
    lastTimestamp: 0,
    window: 2,
  })
  const slot = epoch * epochLength + 1
  const proposer = addresses[twin]!
  for (const timestamp of [10, 11]) {
    const hash = proposalHash(chainId, epoch, slot, proposer, timestamp, [])
    const sig = secp256k1Scheme.sign(
      consensusDigest(chainId, epoch, slot, proposer, Phase.PROPOSE, hash),
      members[twin]!,
    )
    node.onMessage({ kind: 'propose', chainId, epoch, slot, proposer, timestamp, txs: [], hash, sig })
  }
  node.tick(1)
  const evidence = node.drain().evidence.find((e) => e.signer === proposer)
  if (!evidence) throw new Error(`the consensus node did not report the Twin ${proposer}`)
  return evidence
}
