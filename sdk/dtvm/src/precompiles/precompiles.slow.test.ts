import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { blake2fPrecompile } from './blake2f.ts'

type Vector = { name: string; input: string; expected: string | null; gas?: number }
const vectors = JSON.parse(
  readFileSync(new URL('./testdata/official-vectors.json', import.meta.url), 'utf8'),
) as Record<string, Vector[]>

describe('0x09 blake2f (slow)', () => {
  it('EIP-152 vector 8: 8,000,000 rounds for 8,000,000 gas', () => {
    const vector = vectors.blake2f!.find((v) => v.name === 'vector 8')!
    const input = Uint8Array.from(Buffer.from(vector.input, 'hex'))
    const result = blake2fPrecompile(input, 8_000_000n)
    assert.ok(result.ok)
    assert.equal(result.gasUsed, 8_000_000n)
    assert.equal(Buffer.from(result.output).toString('hex'), vector.expected)
    assert.deepEqual(blake2fPrecompile(input, 7_999_999n), { ok: false })
  })
})
