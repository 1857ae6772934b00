import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Anvil, startAnvil } from '@spnkit/contracts/anvil'
import { Redis } from 'ioredis'
import { createPublicClient, createWalletClient, http, type PublicClient, parseEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { validateConfig } from '../config/validate.ts'
import { type Database, openDatabase } from '../db/database.ts'
import { Repository } from '../db/repository.ts'
import { createLogger } from '../ops/logger.ts'
import { createMetrics } from '../ops/metrics.ts'
import { key } from '../testing/devnet.ts'
import { uniquePrefix } from '../testing/postgres.ts'
import { createChainClient } from './clients.ts'
import { ChainSender } from './sender.ts'

// The transaction sender against a real anvil: nonces continue across a restart, an out-of-band
// transaction ("nonce too low") is recovered from, a stuck transaction is replaced with bumped fees,
// and a key leased by one process is not used by another.

describe('ChainSender', () => {
  let anvil: Anvil
  let client: PublicClient
  let redis: Redis
  let database: Database
  const signerKey = key('sender-test')
  const account = privateKeyToAccount(signerKey)
  const to = '0x000000000000000000000000000000000000dEaD' as const

  before(async () => {
    // No automine: blocks only when the test mines, so a transaction can be "stuck".
    anvil = await startAnvil({ chainId: 4242, args: ['--no-mining', '--accounts', '0'] })
    client = createPublicClient({ transport: http(anvil.rpcUrl) })
    await client.request({
      method: 'anvil_setBalance' as never,
      params: [account.address, '0x56bc75e2d63100000'] as never,
    })
    redis = new Redis('redis://127.0.0.1:6379')
    database = await openDatabase('memory://')
  })
  after(async () => {
    redis?.disconnect()
    await database?.close()
    await anvil?.stop()
  })

  const mine = () => client.request({ method: 'evm_mine' as never, params: [] as never })

  function makeSender(prefix: string, stuckAfterMs = 60_000, minBalanceWei = '1', logs: string[] = []) {
    const config = validateConfig(
      {
        chains: [
          {
            name: 'hub',
            chainId: 4242,
            domain: 1,
            hub: true,
            adapter: to,
            rpcUrl: anvil.rpcUrl,
            mailbox: to,
            signerKeys: [signerKey],
            gas: { stuckAfterMs, minBalanceWei },
          },
          { name: 'x', chainId: 1, domain: 2, spnId: 1, rpcUrl: anvil.rpcUrl, mailbox: to, signerKeys: [signerKey] },
        ],
      },
      'test',
      {},
    )
    const chain = config.chains[0]!
    const metrics = createMetrics()
    const sender = new ChainSender(chain, createChainClient(chain), {
      redis,
      prefix,
      token: uniquePrefix('tok'),
      leaseMs: 2_000,
      signersPerProcess: 1,
      repo: new Repository(database.db),
      metrics,
      log: createLogger('warn', {}, (line) => logs.push(line)),
    })
    return { sender, metrics }
  }

  it('continues nonces after a restart and recovers from a nonce used behind its back', async () => {
    const prefix = uniquePrefix('nonce')
    const first = makeSender(prefix).sender
    await first.start()
    const request = { to, data: '0x' as const, messageId: null, stage: 'test' }
    const a = await first.send(request, 21_000n)
    await mine()
    assert.equal(a.nonce, 0)
    await first.stop()

    const second = makeSender(prefix).sender
    await second.start()
    const b = await second.send(request, 21_000n)
    assert.equal(b.nonce, 1, 'a restarted sender starts from the chain, not from zero')
    await mine()
    // Someone else uses the key (an operator's manual transaction): our next nonce is now too low.
    const wallet = createWalletClient({ account, transport: http(anvil.rpcUrl) })
    await wallet.sendTransaction({
      chain: null,
      to,
      value: 1n,
      nonce: 2,
      gas: 21_000n,
      maxFeePerGas: parseEther('0.0000001'),
      maxPriorityFeePerGas: 1n,
    })
    await mine()
    const c = await second.send(request, 21_000n)
    assert.equal(c.nonce, 3, 'after "nonce too low" the manager re-reads the pending nonce')
    await mine()
    assert.equal((await client.getTransactionReceipt({ hash: c.hash })).status, 'success')
    await second.stop()
  })

  it('replaces a stuck transaction with bumped fees', async () => {
    const { sender, metrics } = makeSender(uniquePrefix('bump'), 300)
    await sender.start()
    const request = { to, data: '0x' as const, messageId: null, stage: 'test' }
    const sent = await sender.send(request, 21_000n)
    // Nothing mines for a while: the sender must bump, then a block includes the replacement.
    setTimeout(() => void mine(), 900)
    const receipt = await sender.waitForReceipt(request, sent, 10_000)
    assert.equal(receipt.status, 'success')
    assert.notEqual(receipt.transactionHash, sent.hash, 'the replacement, not the original, was mined')
    const bumps = (await metrics.registry.getSingleMetricAsString('spnkit_relayer_fee_bumps_total')).match(
      /chain="hub"} (\d+)/,
    )
    assert.ok(Number(bumps?.[1]) >= 1)
    await sender.stop()
  })

  it('exports the signer balance and warns before the funds run out', async () => {
    const logs: string[] = []
    const { sender, metrics } = makeSender(uniquePrefix('balance'), 60_000, (10n ** 30n).toString(), logs)
    await sender.start()
    await sender.checkBalance()
    assert.ok(logs.some((l) => l.includes('"msg":"signer balance is low"') && l.includes(account.address)))
    assert.match(
      await metrics.registry.getSingleMetricAsString('spnkit_relayer_signer_balance_eth'),
      /chain="hub",signer="0x/,
    )
    await sender.stop()
  })

  it('never shares a leased key with another process', async () => {
    const prefix = uniquePrefix('lease')
    const one = makeSender(prefix).sender
    const two = makeSender(prefix).sender
    await one.start()
    await two.start()
    assert.equal(one.addresses.length, 1)
    assert.deepEqual(two.addresses, [])
    await assert.rejects(
      two.send({ to, data: '0x', messageId: null, stage: 'test' }, 21_000n),
      /no signer key available on hub/,
    )
    await one.stop()
    await two.stop()
  })
})
