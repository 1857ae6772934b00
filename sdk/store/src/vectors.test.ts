// The Solidity verifier's test vectors (contracts/test/vectors/state-proofs.json) are produced by
// scripts/gen-vectors.ts from this store; they must keep verifying here too, so the TypeScript and
// Solidity verifiers agree on every case.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { it } from 'node:test'
import { fromHex } from '@spnkit/crypto'
import { verifyProof } from './index.ts'

type Case = { name: string; root: string; key: string; present: number; value: string; proof: string }
const file = path.join(import.meta.dirname, '../../../contracts/test/vectors/state-proofs.json')

it('the shared Solidity test vectors verify in TypeScript, and tampered ones do not', () => {
  const { count, cases } = JSON.parse(readFileSync(file, 'utf8')) as { count: number; cases: Case[] }
  assert.equal(cases.length, count)
  const kinds = new Set<number>()
  for (const c of cases) {
    const proof = fromHex(c.proof)
    const value = c.present ? fromHex(c.value) : null
    kinds.add(proof[0] as number)
    assert.ok(verifyProof(fromHex(c.root), fromHex(c.key), value, proof), c.name)
    const t = proof.slice()
    t[t.length - 1] = (t[t.length - 1] as number) ^ 1
    assert.equal(verifyProof(fromHex(c.root), fromHex(c.key), value, t), false, `${c.name} (tampered)`)
  }
  assert.deepEqual([...kinds].sort(), [0, 1, 2])
})
