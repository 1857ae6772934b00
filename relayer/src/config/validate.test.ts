import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError } from '../errors.ts'
import { validateConfig } from './validate.ts'

const key = `0x${'11'.repeat(32)}`
const chain = (over: Record<string, unknown> = {}) => ({
  name: 'hub',
  chainId: 1,
  domain: 1000,
  hub: true,
  adapter: `0x${'aa'.repeat(20)}`,
  rpcUrl: 'http://127.0.0.1:8545',
  mailbox: `0x${'bb'.repeat(20)}`,
  signerKeys: [key],
  ...over,
})
const spoke = (over: Record<string, unknown> = {}) =>
  chain({ name: 'spn1', chainId: 2, domain: 1001, hub: false, adapter: undefined, spnId: 1, ...over })

describe('validateConfig', () => {
  it('fills defaults for a minimal valid config', () => {
    const config = validateConfig({ chains: [chain(), spoke()] }, 'test', {})
    assert.equal(config.databaseUrl, 'pglite://.data/relayer')
    assert.equal(config.redis.url, 'redis://127.0.0.1:6379')
    assert.equal(config.maxAttempts, 66)
    assert.equal(config.chains[0]!.gas.bumpPercent, 15)
    assert.equal(config.chains[1]!.spnId, 1)
  })

  it('lists every problem with its path and what was expected', () => {
    try {
      validateConfig(
        {
          chains: [
            chain({ rpcUrl: 'ws://x', mailbox: '0x12', signerKeys: ['0x00'] }),
            spoke({ spnId: undefined, domain: 1000 }),
          ],
          redis: { url: 'http://x', prefix: 'a:b' },
          databaseUrl: 'mysql://x',
          logLevel: 'loud',
          backoffScale: -1,
        },
        'relayer.json',
        {},
      )
      assert.fail('expected a ConfigError')
    } catch (error) {
      assert.ok(error instanceof ConfigError)
      const text = error.message
      for (const expected of [
        'chains[0].rpcUrl: expected an http(s) URL, found "ws://x"',
        'chains[0].mailbox: expected a 20-byte hex address',
        'chains[0].signerKeys[0]: expected a private key',
        'chains[1].spnId: a spoke (non-hub) chain needs its SPN id',
        'two chains share domain 1000',
        'redis.url: expected redis://host:port',
        'redis.prefix: must not contain ":"',
        'databaseUrl: expected memory://, pglite://<dir> or postgres://',
        'logLevel: expected debug, info, warn or error, found "loud"',
        'backoffScale: expected a positive number, found -1',
      ]) {
        assert.ok(text.includes(expected), `missing: ${expected}\n${text}`)
      }
      assert.match(text, /where: relayer\.json/)
      assert.match(text, /fix: correct the listed fields/)
    }
  })

  it('reads keys from the environment and reports a missing variable', () => {
    const config = validateConfig({ chains: [chain({ signerKeys: ['env:HUB_KEY'] }), spoke()] }, 'test', {
      HUB_KEY: key,
    })
    assert.equal(config.chains[0]!.signerKeys[0], key)
    assert.throws(
      () => validateConfig({ chains: [chain({ signerKeys: ['env:NOPE'] }), spoke()] }, 'test', {}),
      /chains\[0\]\.signerKeys\[0\]: environment variable NOPE is not set/,
    )
  })

  it('needs exactly one hub and the hub adapter', () => {
    assert.throws(
      () => validateConfig({ chains: [spoke(), spoke({ name: 'b', chainId: 3, domain: 3, spnId: 2 })] }, 't', {}),
      /exactly one chain with "hub": true, found 0/,
    )
    assert.throws(
      () => validateConfig({ chains: [chain({ adapter: undefined }), spoke()] }, 't', {}),
      /hub chain needs the SPNAdapter address/,
    )
    assert.throws(() => validateConfig([], 't', {}), /expected a JSON object at the top level/)
  })
})
