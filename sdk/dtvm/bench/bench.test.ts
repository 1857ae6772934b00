import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { keccak256 } from '@spnkit/crypto'
import { type BenchCase, benchCases, encodeUintCall } from './cases.ts'
import { compileBenchContracts } from './compile.ts'
import { median, runOnEthereumjs } from './ethereumjs-runner.ts'

const byName = (name: string): BenchCase => benchCases.find((c) => c.name === name)!
const word = (data: Uint8Array, index: number) =>
  BigInt(`0x${Buffer.from(data.subarray(32 * index, 32 * index + 32)).toString('hex')}`)
const smoke = (c: BenchCase) => runOnEthereumjs(c, { calldata: c.smokeCalldata, repeats: 1, warmups: 0 })

describe('bench cases', () => {
  it('are the five evm-bench classics with calldata and repeats', () => {
    assert.deepEqual(
      benchCases.map((c) => c.name),
      ['snailtracer', 'erc20.transfer', 'erc20.mint', 'erc20.approval-transfer', 'ten-thousand-hashes'],
    )
    for (const c of benchCases) {
      assert.ok(c.bytecode.length > 100, `${c.name} bytecode`)
      assert.ok(c.calldata.length >= 36 && c.repeats >= 1, `${c.name} calldata/repeats`)
    }
  })

  it('encodes uint256 calls like the ABI', () => {
    // run(uint256) selector is keccak("run(uint256)")[0:4] = 0xa444f5e9
    assert.equal(Buffer.from(encodeUintCall('run(uint256)', 258n)).toString('hex'), `a444f5e9${'0'.repeat(60)}0102`)
  })

  it('cases.generated.json matches a fresh solc 0.8.30 compile of bench/contracts', () => {
    const committed = JSON.parse(readFileSync(new URL('./cases.generated.json', import.meta.url), 'utf8'))
    assert.deepEqual(compileBenchContracts(), committed)
  })
})

describe('ethereumjs runner (smoke workloads)', () => {
  it('ten-thousand-hashes returns the keccak chain', async () => {
    const result = await smoke(byName('ten-thousand-hashes'))
    let h: Uint8Array = new Uint8Array(32)
    for (let i = 0n; i < 3n; i++) h = keccak256(new Uint8Array([...h, ...encodeUintCall('x()', i).subarray(4)]))
    assert.equal(Buffer.from(result.returnData).toString('hex'), Buffer.from(h).toString('hex'))
    assert.ok(result.gasUsed > 0n && result.ms >= 0)
  })

  it('erc20 cases move the expected amounts (1 + 2 + 3 tokens)', async () => {
    const initial = 10n ** 30n
    assert.equal(word((await smoke(byName('erc20.transfer'))).returnData, 0), initial - 6n)
    assert.equal(word((await smoke(byName('erc20.mint'))).returnData, 0), 6n)
    const approval = await smoke(byName('erc20.approval-transfer'))
    assert.equal(word(approval.returnData, 0), initial - 6n)
    assert.ok(approval.gasRefund > 0n, 'spent allowances refund their cleared slots')
  })

  it('snailtracer renders a 4x3 RGB image that is not flat', async () => {
    const result = await smoke(byName('snailtracer'))
    assert.equal(word(result.returnData, 0), 32n) // ABI offset of the bytes
    assert.equal(word(result.returnData, 1), 36n) // 4 × 3 pixels × RGB
    const pixels = result.returnData.subarray(64, 100)
    assert.ok(new Set(pixels).size > 4, 'the scene has several colors')
  })

  it('reports the median and identical gas on every repeat', async () => {
    const result = await runOnEthereumjs(byName('erc20.mint'), {
      calldata: encodeUintCall('run(uint256)', 5n),
      repeats: 3,
    })
    assert.equal(result.samplesMs.length, 3)
    assert.equal(result.ms, median(result.samplesMs))
    assert.equal(median([3, 1, 2]), 2)
    assert.equal(median([4, 1, 2, 3]), 2.5)
  })

  it('fails loudly when the measured call reverts', async () => {
    // an unknown selector reverts (the contracts have no fallback)
    await assert.rejects(
      runOnEthereumjs(byName('erc20.mint'), { calldata: encodeUintCall('nope()'), repeats: 1, warmups: 0 }),
      /the measured call failed on ethereumjs/,
    )
  })
})
