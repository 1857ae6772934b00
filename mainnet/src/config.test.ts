import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { it } from 'node:test'
import { ConfigError, resolveConfig } from './config.ts'
import { DEV_BALANCE, devAccounts, devGenesis, devValidatorKeys, MAINNET_CHAIN_ID } from './genesis.ts'
import { genesisDiff } from './settings.ts'

it('resolves flags over environment over file over defaults', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'spnkit-cfg-'))
  try {
    const file = path.join(dir, 'node.json')
    writeFileSync(file, JSON.stringify({ rpcPort: 1, logLevel: 'debug', validators: 4 }))
    const c = resolveConfig(['--config', file, '--rpc-port', '3'], { SPN_RPC_PORT: '2', SPN_VALIDATORS: '7' })
    assert.equal(c.rpcPort, 3)
    assert.equal(c.validators, 7)
    assert.equal(c.logLevel, 'debug')
    assert.equal(c.rpcHost, '127.0.0.1')
    writeFileSync(file, JSON.stringify({ rpcprot: 1 }))
    assert.throws(() => resolveConfig(['--config', file], {}), /unknown key "rpcprot"/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

it('refuses bad values and unknown flags with a clear message', () => {
  assert.throws(
    () => resolveConfig(['--rpc-port', 'abc'], {}),
    (e: unknown) => e instanceof ConfigError && /rpcPort must be a non-negative integer/.test(e.message),
  )
  assert.throws(() => resolveConfig(['--nope'], {}), /Unknown option '--nope'/)
  assert.throws(() => resolveConfig([], { SPN_LOG_LEVEL: 'loud' }), /logLevel must be one of/)
})

it('genesis: the standard dev accounts (as anvil has them) and sorted validator keys', () => {
  const accounts = devAccounts(20)
  assert.equal(accounts[0]!.address, '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266')
  assert.equal(accounts[1]!.address, '0x70997970c51812dc3a010c7d01b50e0d17dc79c8')
  assert.equal(accounts[19]!.address, '0x8626f6940e2eb28930efb4cef49b2d1f2c9c1199')
  const genesis = devGenesis({ validators: 4 })
  assert.equal(genesis.chainId, MAINNET_CHAIN_ID)
  assert.equal(Object.keys(genesis.alloc).length, 20)
  const addresses = genesis.validators.map((v) => v.address)
  assert.deepEqual(addresses, [...addresses].sort())
  assert.deepEqual(new Set(addresses), new Set(devValidatorKeys(4).map((k) => k.address)))
  const diff = genesisDiff(genesis)
  assert.equal(diff.accounts.get(accounts[0]!.address)!.balance, DEV_BALANCE)
})
