import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { it } from 'node:test'
import { HOST_FUNCTIONS } from './host-abi.ts'

// Contract authors read the host ABI in the package README and the C header: both must list every
// host function the runtime binds, so neither can fall behind the code.

const packageDir = path.resolve(import.meta.dirname, '../..')

it('the README and the C header document every host function', () => {
  const readme = readFileSync(path.join(packageDir, 'README.md'), 'utf8')
  const header = readFileSync(path.join(packageDir, 'wasm-sdk/c/dtvm.h'), 'utf8')
  for (const name of Object.keys(HOST_FUNCTIONS)) {
    assert.ok(readme.includes(`\`${name}\``), `README.md does not document host function ${name}`)
    assert.ok(header.includes(`DTVM_IMPORT(${name})`), `wasm-sdk/c/dtvm.h does not declare ${name}`)
  }
})
