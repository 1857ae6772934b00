import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { privateKeyToAccount } from 'viem/accounts'
import { DEV_KEYS, type DevNode, startDevNode } from '../testing/dev-node.ts'

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC replies are inspected field by field
type Reply = any
let dev: DevNode
before(async () => {
  dev = await startDevNode({ rpc: { host: '127.0.0.1', port: 0, maxBodyBytes: 64 * 1024, maxBatch: 100 } })
})
after(() => dev.stop())

const post = async (body: string) => {
  const res = await fetch(dev.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  return { status: res.status, json: (await res.json().catch(() => undefined)) as Reply }
}
const call = async (method: string, params: unknown[] = []) =>
  (await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }))).json

const alice = privateKeyToAccount(DEV_KEYS[2])
const to = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'
const sign = (nonce: number, extra: { maxFeePerGas?: bigint; chainId?: number } = {}) =>
  alice.signTransaction({
    type: 'eip1559',
    chainId: extra.chainId ?? 31337,
    nonce,
    gas: 21000n,
    maxFeePerGas: extra.maxFeePerGas ?? 3_000_000_000n,
    maxPriorityFeePerGas: 1n,
    to,
    value: 1n,
  })

describe('JSON-RPC faults get the right error codes and the node keeps going', () => {
  it('malformed bodies', async () => {
    assert.equal((await post('{"jsonrpc":')).json.error.code, -32700)
    assert.equal((await post('[]')).json.error.code, -32600)
    assert.equal((await post('"hello"')).json.error.code, -32600)
    assert.equal((await post('{"jsonrpc":"2.0","id":1}')).json.error.code, -32600)
    assert.equal((await call('eth_nope')).error.code, -32601)
    assert.equal((await call('eth_getBalance', ['0x12'])).error.code, -32602)
    assert.equal((await post('{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":{}}')).json.error.code, -32602)
  })

  it('batches answer per call, in order; notifications get no reply', async () => {
    const { json } = await post(
      JSON.stringify([
        { jsonrpc: '2.0', id: 'a', method: 'eth_chainId' },
        { jsonrpc: '2.0', id: 'b', method: 'eth_nope' },
        { jsonrpc: '2.0', method: 'eth_chainId' },
        { jsonrpc: '2.0', id: 'c', method: 'eth_blockNumber' },
      ]),
    )
    assert.deepEqual(
      json.map((r: { id: string }) => r.id),
      ['a', 'b', 'c'],
    )
    assert.equal(json[0].result, '0x7a69')
    assert.equal(json[1].error.code, -32601)
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_chainId' }))
    assert.equal((await post(JSON.stringify(tooMany))).json.error.code, -32600)
  })

  it('oversized requests get 413', async () => {
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'eth_call',
      params: [{ data: '0x' + '00'.repeat(40_000) }],
    })
    const res = await post(big)
    assert.equal(res.status, 413)
    assert.equal(res.json.error.code, -32600)
  })

  it('transaction refusals: bad encoding, bad signature, wrong chain, fee too low, nonce gap and reuse', async () => {
    assert.equal((await call('eth_sendRawTransaction', ['0x02c0'])).error.code, -32602)
    const good = await sign(0)
    // flip a byte inside s so the signature recovers to nobody (or someone else with no funds)
    const tampered = good.slice(0, -10) + (good.slice(-10, -8) === 'ff' ? '00' : 'ff') + good.slice(-8)
    const bad = await call('eth_sendRawTransaction', [tampered])
    assert.equal(bad.error.code, -32000)
    assert.match(bad.error.message, /invalid signature|insufficient funds/)
    const wrong = await call('eth_sendRawTransaction', [await sign(0, { chainId: 1 })])
    assert.match(wrong.error.message, /invalid chain id/)
    const cheap = await call('eth_sendRawTransaction', [await sign(0, { maxFeePerGas: 10n })])
    assert.match(cheap.error.message, /max fee per gas less than block base fee/)
    const gap = await call('eth_sendRawTransaction', [await sign(5000)])
    assert.match(gap.error.message, /nonce too high/)
    const ok = await call('eth_sendRawTransaction', [good])
    assert.match(ok.result, /^0x[0-9a-f]{64}$/)
    const again = await call('eth_sendRawTransaction', [good])
    assert.match(again.error.message, /already known|nonce too low/)
    // wait until it is mined, then the same nonce is too low
    for (let i = 0; i < 100 && (await call('eth_getTransactionReceipt', [ok.result])).result === null; i++)
      await new Promise((r) => setTimeout(r, 20))
    const replay = await call('eth_sendRawTransaction', [await sign(0, { maxFeePerGas: 4_000_000_000n })])
    assert.match(replay.error.message, /nonce too low/)
    assert.equal((await call('eth_chainId')).result, '0x7a69')
  })

  it('WebSocket: bad frames get errors, the socket stays usable', async () => {
    const ws = new WebSocket(dev.wsUrl)
    await new Promise((r) => ws.addEventListener('open', r, { once: true }))
    const replies: Reply[] = []
    ws.addEventListener('message', (e) => replies.push(JSON.parse(String(e.data))))
    ws.send('not json')
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'eth_chainId' }))
    for (let i = 0; i < 100 && replies.length < 2; i++) await new Promise((r) => setTimeout(r, 10))
    assert.equal(replies[0].error.code, -32700)
    assert.equal(replies[1].result, '0x7a69')
    ws.close()
  })
})
