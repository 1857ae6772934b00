import assert from 'node:assert/strict'
import { test } from 'node:test'
import { keccak256, privateKeyToAddress, toHex } from '@spnkit/crypto'
import { decodeAbiParameters, encodeAbiParameters, recoverAddress } from 'viem'
import { CONSENSUS_DOMAIN, consensusDigest, decodePhase, MAX_ROUND, Phase, phaseOf } from './digest.ts'
import {
  EQUIVOCATION_EVIDENCE_ABI,
  encodeEquivocationEvidence,
  offenceKey,
  verifyEquivocationEvidence,
} from './evidence.ts'
import { secp256k1Scheme } from './signature.ts'
import type { EquivocationEvidence, Hex } from './types.ts'

const key = keccak256(new TextEncoder().encode('digest-test-key'))
const signer = toHex(privateKeyToAddress(key))
const proposer = '0x00000000000000000000000000000000000000aa' as Hex
const valueA = toHex(keccak256(new TextEncoder().encode('a')))
const valueB = toHex(keccak256(new TextEncoder().encode('b')))

test('digest is keccak256(abi.encode(domain, chainId, epoch, slot, proposer, phase, value)) as in interfaces.md', () => {
  assert.equal(CONSENSUS_DOMAIN, toHex(keccak256(new TextEncoder().encode('spnkit.consensus.v1'))))
  const viemEncoded = encodeAbiParameters(
    [
      { type: 'bytes32' },
      { type: 'uint64' },
      { type: 'uint64' },
      { type: 'uint64' },
      { type: 'address' },
      { type: 'uint8' },
      { type: 'bytes32' },
    ],
    [CONSENSUS_DOMAIN, 7n, 3n, 12345n, proposer, 2, valueA],
  )
  const expected = toHex(keccak256(Buffer.from(viemEncoded.slice(2), 'hex')))
  assert.equal(toHex(consensusDigest(7, 3, 12345, proposer, Phase.ECHO, valueA)), expected)
  assert.equal(toHex(consensusDigest(7n, 3n, 12345n, proposer, Phase.ECHO, valueA)), expected)
})

test('signatures recover with ecrecover semantics (viem recoverAddress over the raw digest)', async () => {
  const digest = consensusDigest(1, 0, 5, signer, Phase.PROPOSE, valueA)
  const sig = secp256k1Scheme.sign(digest, key)
  assert.equal(sig.length, 65)
  assert.ok(sig[64] === 27 || sig[64] === 28)
  const recovered = await recoverAddress({ hash: toHex(digest), signature: toHex(sig) })
  assert.equal(recovered.toLowerCase(), signer)
})

test('digest rejects malformed fields with a clear error', () => {
  assert.throws(() => consensusDigest(1, 0, 1, '0x1234' as Hex, 1, valueA), /proposer must be 0x-prefixed 20-byte hex/)
  assert.throws(() => consensusDigest(1, 0, 1, proposer, 256, valueA), /uint8/)
  assert.throws(() => consensusDigest(-1, 0, 1, proposer, 1, valueA), /uint64/)
  assert.throws(() => consensusDigest(1, 0, 1, proposer, 1, `0x${'zz'.repeat(32)}` as Hex), /invalid hex/)
})

test('phases: round 0 maps to ECHO/ECHO_NONE/READY and later rounds round-trip', () => {
  assert.equal(phaseOf(0, 'bval1'), Phase.ECHO)
  assert.equal(phaseOf(0, 'bval0'), Phase.ECHO_NONE)
  assert.equal(phaseOf(0, 'aux'), Phase.READY)
  for (let r = 0; r <= MAX_ROUND; r++)
    for (const kind of ['bval0', 'bval1', 'aux'] as const) {
      const p = phaseOf(r, kind)
      assert.ok(p < 253)
      assert.deepEqual(decodePhase(p), { round: r, kind })
    }
  assert.equal(decodePhase(Phase.PROPOSE), null)
  assert.equal(decodePhase(Phase.VOTE_BATCH), null)
  assert.throws(() => phaseOf(MAX_ROUND + 1, 'aux'), RangeError)
})

function evidence(): EquivocationEvidence {
  const sigA = secp256k1Scheme.sign(consensusDigest(9, 2, 40, signer, Phase.PROPOSE, valueA), key)
  const sigB = secp256k1Scheme.sign(consensusDigest(9, 2, 40, signer, Phase.PROPOSE, valueB), key)
  return { chainId: 9, epoch: 2, slot: 40, proposer: signer, phase: Phase.PROPOSE, valueA, sigA, valueB, sigB, signer }
}

test('evidence ABI-encodes as the EquivocationEvidence struct and verifies', () => {
  const e = evidence()
  const encoded = encodeEquivocationEvidence(e)
  const [decoded] = decodeAbiParameters(EQUIVOCATION_EVIDENCE_ABI, encoded)
  assert.equal(decoded.chainId, 9n)
  assert.equal(decoded.epoch, 2n)
  assert.equal(decoded.slot, 40n)
  assert.equal(decoded.proposer.toLowerCase(), signer)
  assert.equal(decoded.phase, 1)
  assert.equal(decoded.valueA, valueA)
  assert.equal(decoded.sigB, toHex(e.sigB))
  assert.equal(verifyEquivocationEvidence(e), signer)
  const expectedKey = toHex(
    keccak256(
      Buffer.from(
        encodeAbiParameters(
          [
            { type: 'uint64' },
            { type: 'uint64' },
            { type: 'uint64' },
            { type: 'address' },
            { type: 'uint8' },
            { type: 'address' },
          ],
          [9n, 2n, 40n, signer, 1, signer],
        ).slice(2),
        'hex',
      ),
    ),
  )
  assert.equal(offenceKey(e), expectedKey)
})

test('evidence with equal values, a foreign signature or a high-s signature does not verify', () => {
  const e = evidence()
  assert.equal(verifyEquivocationEvidence({ ...e, valueB: e.valueA, sigB: e.sigA }), null)
  const other = keccak256(new TextEncoder().encode('someone else'))
  const foreign = secp256k1Scheme.sign(consensusDigest(9, 2, 40, signer, Phase.PROPOSE, valueB), other)
  assert.equal(verifyEquivocationEvidence({ ...e, sigB: foreign }), null)
  // Flip s to n − s (and v): same signer for ecrecover, but malleable, so the slasher rejects it.
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
  const s = BigInt(toHex(e.sigB.subarray(32, 64)))
  const high = new Uint8Array(e.sigB)
  high.set(Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'), 32)
  high[64] = e.sigB[64] === 27 ? 28 : 27
  assert.equal(verifyEquivocationEvidence({ ...e, sigB: high }), null)
})
