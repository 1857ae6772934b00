import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { describe, it } from 'node:test'
import { CACHE_DIR, compileCached, compileSolidity, SolidityCompileError, solcVersion } from './index.ts'

const COUNTER = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
contract Counter {
    uint256 public count;
    function bump() external { count += 1; }
}
`

describe('compileSolidity', () => {
  it('compiles with the pinned solc and returns abi and both bytecodes by contract name', () => {
    const result = compileSolidity({ 'Counter.sol': COUNTER })
    assert.match(result.version, /^0\.8\.30\+/)
    const counter = result.contracts.Counter!
    assert.equal(counter.source, 'Counter.sol')
    assert.ok(counter.abi.some((e) => (e as { name?: string }).name === 'bump'))
    assert.match(counter.bytecode, /^0x60/)
    assert.ok(counter.deployedBytecode.length > 10 && counter.deployedBytecode.length < counter.bytecode.length)
  })

  it('resolves npm imports and returns only the caller’s contracts', () => {
    const source = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract Token is ERC20 { constructor() ERC20("T", "T") {} }
`
    const result = compileSolidity({ 'Token.sol': source }, { resolveFrom: import.meta.url })
    assert.deepEqual(Object.keys(result.contracts), ['Token'])
  })

  it('reports solc errors with file and line, and missing imports by name', () => {
    assert.throws(
      () => compileSolidity({ 'Broken.sol': 'pragma solidity ^0.8.24;\ncontract Broken { function f( }\n' }),
      (e: unknown) => e instanceof SolidityCompileError && /Broken\.sol:2/.test(e.message),
    )
    assert.throws(
      () => compileSolidity({ 'Lost.sol': 'pragma solidity ^0.8.24;\nimport "@nowhere/x.sol";\ncontract L {}\n' }),
      /import @nowhere\/x\.sol not found/,
    )
  })

  it('rejects two contracts of the same name instead of silently keeping one', () => {
    const a = 'pragma solidity ^0.8.24;\ncontract Same {}\n'
    assert.throws(() => compileSolidity({ 'A.sol': a, 'B.sol': a }), /contract Same is declared in A\.sol and B\.sol/)
  })
})

describe('compileCached', () => {
  it('returns the same artifacts as a fresh compile and keeps them in the temp cache', () => {
    const source = `${COUNTER}// cache probe ${solcVersion()}\n`
    const first = compileCached({ 'Counter.sol': source })
    assert.ok(existsSync(CACHE_DIR) && readdirSync(CACHE_DIR).some((f) => f.endsWith('.json')))
    const again = compileCached({ 'Counter.sol': source })
    assert.deepEqual(again, first)
    assert.deepEqual(again.contracts, compileSolidity({ 'Counter.sol': source }).contracts)
  })
})
