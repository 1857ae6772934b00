import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { check } from './differential.ts'
import { generateCase } from './generate.ts'
import { deserializeCase } from './minimize.ts'

test('differential fuzz: 300 seeded cases agree with @ethereumjs/evm', async () => {
  for (let seed = 1_000_000; seed < 1_000_300; seed++) {
    const diff = await check(generateCase(seed))
    assert.equal(diff, undefined, `seed ${seed}: ${diff}`)
  }
})

test('saved fuzz regressions agree with @ethereumjs/evm', async () => {
  const dir = join(import.meta.dirname, 'regressions')
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const diff = await check(deserializeCase(readFileSync(join(dir, file), 'utf8')))
    assert.equal(diff, undefined, `${file}: ${diff}`)
  }
})
