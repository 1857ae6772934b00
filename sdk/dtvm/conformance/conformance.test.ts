import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { runSubtest, type StateTestJson } from './statetest.ts'

const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures/ethereum-tests/GeneralStateTests')
const GROUPS = ['stExample', 'Cancun/stEIP1153-transientStorage', 'Cancun/stEIP5656-MCOPY', 'stEIP2930', 'stSStoreTest']

for (const group of GROUPS) {
  test(`GeneralStateTests/${group} (Cancun) all pass`, async () => {
    assert.ok(
      existsSync(join(FIXTURES, group)),
      `fixtures missing at ${FIXTURES}: the shared/ folder must sit beside the checkout`,
    )
    let count = 0
    for (const file of readdirSync(join(FIXTURES, group)).filter((f) => f.endsWith('.json'))) {
      const json = JSON.parse(readFileSync(join(FIXTURES, group, file), 'utf8')) as Record<string, StateTestJson>
      for (const [name, t] of Object.entries(json)) {
        for (let i = 0; i < (t.post.Cancun ?? []).length; i++) {
          const o = await runSubtest(name, t, 'Cancun', i)
          assert.ok(o.pass, `${file} ${name}[${i}]: root ${o.stateRoot} != ${o.expectedStateRoot} ${o.error ?? ''}`)
          count++
        }
      }
    }
    assert.ok(count > 0)
  })
}
