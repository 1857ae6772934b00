import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { PooledTransaction } from '../mempool/mempool.ts'
import { nonceOrdered } from './execute-block.ts'

const tx = (from: string, nonce: number) =>
  ({ from, nonce: BigInt(nonce), hash: `${from}:${nonce}` }) as unknown as PooledTransaction

it('puts each sender in nonce order within its own positions, leaving the rest of the order alone', () => {
  const input = [tx('a', 3), tx('b', 7), tx('a', 1), tx('c', 0), tx('a', 2), tx('b', 6)]
  const out = nonceOrdered(input).map((t) => `${t.from}${t.nonce}`)
  assert.deepEqual(out, ['a1', 'b6', 'a2', 'c0', 'a3', 'b7'])
  assert.deepEqual(nonceOrdered([]), [])
})
