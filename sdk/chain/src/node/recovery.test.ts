import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, it } from 'node:test'
import { createPublicClient, createWalletClient, defineChain, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { DEV_KEYS, startDevNode } from '../testing/dev-node.ts'

const chain = defineChain({
  id: 31337,
  name: 'dev',
  nativeCurrency: { name: 'E', symbol: 'E', decimals: 18 },
  rpcUrls: { default: { http: [] } },
})
const dataDir = mkdtempSync(path.join(tmpdir(), 'spnkit-recovery-'))
after(() => rmSync(dataDir, { recursive: true, force: true }))

it('restarts from disk, and rebuilds a block whose state was committed but whose record was lost', async () => {
  const first = await startDevNode({ dataDir })
  const wallet = createWalletClient({ account: privateKeyToAccount(DEV_KEYS[0]), chain, transport: http(first.url) })
  const client = createPublicClient({ chain, transport: http(first.url), pollingInterval: 20 })
  await client.waitForTransactionReceipt({
    hash: await wallet.sendTransaction({ to: privateKeyToAccount(DEV_KEYS[1]).address, value: 1n }),
  })
  const hash = await wallet.sendTransaction({ to: privateKeyToAccount(DEV_KEYS[1]).address, value: 2n })
  const receipt = await client.waitForTransactionReceipt({ hash })
  await first.stop()

  // Simulate a crash after the state store committed the last block but before its block record was written.
  const log = path.join(dataDir, 'blocks.log')
  const text = readFileSync(log, 'utf8')
  const cut = text.lastIndexOf('{"pending"')
  const lines = text.slice(cut).split('\n')
  writeFileSync(log, text.slice(0, cut) + lines[0] + '\n' + '{"h":{"trunc') // plus a torn tail

  const second = await startDevNode({ dataDir })
  try {
    const again = createPublicClient({ chain, transport: http(second.url) })
    const rebuilt = await again.getTransactionReceipt({ hash })
    assert.equal(rebuilt.blockHash, receipt.blockHash)
    assert.equal(rebuilt.status, 'success')
    assert.equal(await again.getBlockNumber(), receipt.blockNumber)
  } finally {
    await second.stop()
  }
})
