import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { keccak256 } from '@spnkit/crypto'
import { compare, runOurs } from '../../../fuzz/differential.ts'
import { generateCase } from '../../../fuzz/generate.ts'
import { InMemoryState } from '../../state/memory-state.ts'
import { analyze, analyzeCached } from '../analysis.ts'
import type { MessageResult } from '../frame.ts'
import { bytesToHex } from '../word.ts'
import { compile } from './compile.ts'
import { callTarget, observed, TARGET } from './testing.ts'
import { evmTier, HOT_THRESHOLD, isCompiled, setEvmTier } from './tier.ts'

after(() => setEvmTier('lazy'))

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!.map((b) => Number.parseInt(b, 16)))
}

/** Runs `code` at TARGET on a fresh world with the given tier; returns what the call lets anyone see. */
function run(code: Uint8Array, mode: 'off' | 'always', gas = 100_000, input = new Uint8Array(0)) {
  const { result, world } = callTarget(code, mode, { gas, input })
  return observed(result, world)
}

function sameOnBothTiers(code: string, gas?: number): ReturnType<typeof run> {
  const bytes = hex(code)
  const interpreted = run(bytes, 'off', gas)
  const compiled = run(bytes, 'always', gas)
  assert.deepEqual(compiled, interpreted, `code ${code}`)
  return compiled
}

test('compiled code matches the interpreter: arithmetic, memory, storage, loops, return', () => {
  // for (i = 10; i != 0; i--) sum += i * i; sstore(0, sum); mstore(0, sum); return(0, 32)
  const loop =
    '600a6000' + // i=10, sum=0  [sum, i] stack: i then sum
    '5b' + // 4: JUMPDEST
    '81' +
    '80' +
    '02' +
    '01' + // sum += i*i
    '90' +
    '6001' +
    '90' +
    '03' +
    '90' + // i -= 1
    '81' +
    '6004' +
    '57' + // if (i) goto 4
    '80' +
    '6000' +
    '55' + // sstore(0, sum)
    '6000' +
    '52' +
    '60206000f3' // mstore(0, sum); return(0, 32)
  const ok = sameOnBothTiers(loop)
  assert.equal(ok.status, 0)
  assert.equal(BigInt(`0x${ok.output}`), 385n)
})

test('compiled code reports the same halts and gas: underflow, invalid jump, OOG in a block and in memory growth', () => {
  assert.equal(sameOnBothTiers('6001' + '01').haltReason, 'StackUnderflow')
  assert.equal(sameOnBothTiers('6003' + '56' + '00').haltReason, 'InvalidJump')
  assert.equal(sameOnBothTiers('6001600101' + '00', 5).haltReason, 'OutOfGas')
  assert.equal(sameOnBothTiers('6001' + '63ffffffff' + '52' + '00', 50_000).haltReason, 'OutOfGas')
  assert.equal(sameOnBothTiers('fe').haltReason, 'InvalidOpcode(0xfe)')
  // GAS reads the gas left after its block; SLOAD cold/warm; KECCAK of memory; REVERT with data
  sameOnBothTiers('5a' + '6001' + '54' + '6001' + '54' + '01' + '60205f' + '20' + '5f52' + '60205ff3')
  const reverted = sameOnBothTiers('6001' + '5f' + '52' + '6020' + '5f' + 'fd')
  assert.equal(reverted.status, 1)
})

test('compiled code matches the interpreter on 300 fuzz cases (state, logs, gas, refunds)', () => {
  for (let seed = 2_000_000; seed < 2_000_300; seed++) {
    const c = generateCase(seed)
    for (const a of c.accounts) if (a.code.length > 0) assert.doesNotThrow(() => compile(analyze(a.code)))
    setEvmTier('off')
    const interpreted = runOurs(c)
    setEvmTier('always')
    const compiled = runOurs(c)
    assert.equal(compare(compiled, interpreted), undefined, `seed ${seed}`)
  }
})

test('lazy mode compiles a hot code hash in a later macrotask and switches in', async () => {
  const code = hex('6001600201' + '5f52' + '60205ff3')
  // The same cache entry runMessage uses (analyses are cached per code hash).
  const analysis = analyzeCached(() => bytesToHex(keccak256(code)), code)
  for (let i = 0; i < HOT_THRESHOLD + 2; i++) {
    setEvmTier('lazy')
    const state = new InMemoryState()
    state.setAccount(TARGET, { code })
    const r = runLazy(state, code)
    assert.equal(r.status, 0)
    assert.equal(isCompiled(analysis), false, 'compilation never blocks the current call')
  }
  await new Promise((resolve) => setImmediate(resolve))
  assert.equal(isCompiled(analysis), true)
  assert.equal(evmTier(), 'lazy')
  const r = runLazy(new InMemoryState(), code)
  assert.equal(BigInt(`0x${Buffer.from(r.output).toString('hex')}`), 3n)
})

function runLazy(state: InMemoryState, code: Uint8Array): MessageResult {
  return callTarget(code, 'lazy', {}, state).result
}

test('setEvmTier rejects an unknown mode', () => {
  assert.throws(() => setEvmTier('fast' as 'off'), /unknown EVM tier mode 'fast'/)
})
