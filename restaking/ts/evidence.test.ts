import assert from 'node:assert/strict'
import { test } from 'node:test'
import { secp256k1Scheme, verifyEquivocationEvidence } from '@spnkit/consensus'
import type { Address } from 'viem'
import { EvidenceError, ValidatorSetError } from './errors.ts'
import { checkEvidence } from './evidence.ts'
import { brokenVariants, equivocation, testKey } from './fixtures.ts'
import { headerHash, quorumFor, type ValidatorSet, validatorsRoot, verifyValidatorSet } from './validator-set.ts'

const keys = [0, 1, 2, 3].map((i) => testKey('unit', i))

function setOf(spnId: number, epoch: bigint, members: Uint8Array[], powers: bigint[]): ValidatorSet {
  const pairs = members
    .map((k, i) => ({ v: secp256k1Scheme.address(k) as Address, p: powers[i]! }))
    .sort((a, b) => (BigInt(a.v) < BigInt(b.v) ? -1 : 1))
  const validators = pairs.map((x) => x.v)
  const ps = pairs.map((x) => x.p)
  const total = ps.reduce((a, b) => a + b, 0n)
  const header = {
    spnId,
    epoch,
    captureBlock: 10n,
    validatorsRoot: validatorsRoot(validators, ps),
    totalPower: total,
    quorum: quorumFor(total),
    parentHash: `0x${'00'.repeat(32)}` as const,
  }
  return { header, headerHash: headerHash(header), validators, powers: ps }
}

const set = setOf(1, 3n, keys.slice(0, 3), [10n, 20n, 30n])

test('valid evidence from consensus signing is accepted with the signer power', () => {
  const ev = equivocation(keys[1]!, 1001, 3, 7)
  const checked = checkEvidence(ev, set)
  assert.equal(checked.signer, secp256k1Scheme.address(keys[1]!))
  assert.equal(checked.power, 20n)
  assert.equal(verifyEquivocationEvidence(ev), checked.signer, 'agrees with the consensus package verifier')
})

test('every deliberately broken variant is rejected with the contract error code', () => {
  const valid = equivocation(keys[0]!, 1001, 3, 7)
  for (const { name, code, ev } of brokenVariants(valid, keys[2]!)) {
    assert.throws(
      () => checkEvidence(ev, set),
      (e: unknown) => e instanceof EvidenceError && e.code === code,
      `${name} -> ${code}`,
    )
    assert.equal(verifyEquivocationEvidence(ev), null, `${name}: consensus verifier rejects it too`)
  }
})

test('a signer outside the epoch set is not slashable there', () => {
  const ev = equivocation(keys[3]!, 1001, 3, 7)
  assert.throws(
    () => checkEvidence(ev, set),
    (e: unknown) => e instanceof EvidenceError && e.code === 'NotInValidatorSet',
  )
  assert.throws(
    () => checkEvidence(equivocation(keys[0]!, 1001, 4, 7), set),
    (e: unknown) => e instanceof EvidenceError && e.code === 'UnknownEpoch',
  )
})

test('verifyValidatorSet catches unsorted lists, wrong roots, totals, quorums and hashes', () => {
  verifyValidatorSet(set)
  const swapped = { ...set, validators: [set.validators[1]!, set.validators[0]!, set.validators[2]!] }
  assert.throws(() => verifyValidatorSet(swapped), /not strictly ascending/)
  assert.throws(() => verifyValidatorSet({ ...set, powers: [1n, 2n, 3n] }), /validatorsRoot/)
  assert.throws(() => verifyValidatorSet({ ...set, header: { ...set.header, quorum: 1n } }), ValidatorSetError)
  assert.throws(() => verifyValidatorSet({ ...set, header: { ...set.header, totalPower: 1n } }), /sum to/)
  assert.throws(() => verifyValidatorSet({ ...set, headerHash: set.header.validatorsRoot }), /headerHash/)
  assert.throws(() => verifyValidatorSet({ ...set, powers: [1n] }), /3 validators but 1 powers/)
})
