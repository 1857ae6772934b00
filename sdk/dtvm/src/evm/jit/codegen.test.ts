// The compiled tier's code generator against the interpreter: random stack-heavy programs (DUP/SWAP
// shuffles over words that are still in the array, constants, inline arithmetic, in-place helpers,
// memory, storage, logs, branches and continued blocks), plus hand-picked folding and halt cases.
// Everything observable must be identical: status, gas left, halt reason, output, logs, storage.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import benchCases from '../../../bench/cases.generated.json' with { type: 'json' }
import { Rng } from '../../../fuzz/generate.ts'
import { analyze } from '../analysis.ts'
import { interpret } from '../interpreter.ts'
import { compile, compiledSource, SOURCE_BYTES_PER_CODE_BYTE } from './compile.ts'
import { callTarget, observed } from './testing.ts'
import { setEvmTier } from './tier.ts'

after(() => setEvmTier('lazy'))

function execute(code: Uint8Array, mode: 'off' | 'always', gas: number, isStatic = false) {
  const input = Uint8Array.from({ length: 40 }, (_, i) => i * 7)
  const { result, world } = callTarget(code, mode, { gas, isStatic, input, value: 5n })
  return observed(result, world)
}

function sameOnBothTiers(code: Uint8Array, gas: number, isStatic = false, label = ''): ReturnType<typeof execute> {
  const interpreted = execute(code, 'off', gas, isStatic)
  const compiled = execute(code, 'always', gas, isStatic)
  assert.deepEqual(compiled, interpreted, `${label} code ${Buffer.from(code).toString('hex')} gas ${gas}`)
  return compiled
}

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => Number.parseInt(b, 16)))

const EDGE = [
  0n,
  1n,
  2n,
  31n,
  32n,
  255n,
  256n,
  (1n << 32n) - 1n,
  1n << 32n,
  (1n << 53n) - 1n,
  1n << 53n,
  (1n << 64n) - 1n,
  1n << 160n,
  (1n << 255n) - 1n,
  1n << 255n,
  (1n << 256n) - 1n,
  (1n << 256n) - 2n,
]

/** PUSHn of v (PUSH0 for zero, sometimes padded to a longer PUSH). */
function push(rng: Rng, v: bigint): number[] {
  let n = 0
  for (let x = v; x > 0n; x >>= 8n) n++
  if (n === 0 && rng.next() < 0.5) return [0x5f]
  if (n < 32 && rng.next() < 0.2) n = rng.int(n, 32)
  n = Math.max(n, 1)
  const out = [0x5f + n]
  for (let i = n - 1; i >= 0; i--) out.push(Number((v >> BigInt(8 * i)) & 0xffn))
  return out
}

function randomValue(rng: Rng): bigint {
  if (rng.next() < 0.6) return rng.pick(EDGE)
  let v = 0n
  for (let i = rng.int(1, 32); i > 0; i--) v = (v << 8n) | BigInt(rng.int(0, 255))
  return v
}

// Ops by stack arity: [opcode, inputs, outputs]
const PURE: [number, number, number][] = [
  [0x01, 2, 1], // ADD
  [0x02, 2, 1], // MUL
  [0x03, 2, 1], // SUB
  [0x04, 2, 1], // DIV
  [0x05, 2, 1], // SDIV
  [0x06, 2, 1], // MOD
  [0x07, 2, 1], // SMOD
  [0x08, 3, 1], // ADDMOD
  [0x09, 3, 1], // MULMOD
  [0x0a, 2, 1], // EXP (stepped)
  [0x0b, 2, 1], // SIGNEXTEND
  [0x10, 2, 1],
  [0x11, 2, 1],
  [0x12, 2, 1],
  [0x13, 2, 1],
  [0x14, 2, 1],
  [0x15, 1, 1],
  [0x16, 2, 1],
  [0x17, 2, 1],
  [0x18, 2, 1],
  [0x19, 1, 1],
  [0x1a, 2, 1], // BYTE
  [0x1b, 2, 1], // SHL
  [0x1c, 2, 1], // SHR
  [0x1d, 2, 1], // SAR
]

/** A random program whose stack depth is tracked, ending by returning its top words. */
function randomProgram(rng: Rng): Uint8Array {
  const code: number[] = []
  let depth = 0
  const pending: { at: number; depth: number; minus: number }[] = [] // forward JUMPI targets to place
  const place = (p: { at: number; minus: number }) => {
    code[p.at] = (code.length - p.minus) >> 8
    code[p.at + 1] = (code.length - p.minus) & 0xff
    code.push(0x5b)
  }
  const emitOp = () => {
    const r = rng.next()
    if (depth < 3 || r < 0.2) {
      code.push(...push(rng, randomValue(rng)))
      depth++
    } else if (r < 0.35 && depth < 1000) {
      const n = rng.int(1, Math.min(16, depth))
      code.push(0x7f + n) // DUPn
      depth++
    } else if (r < 0.5 && depth >= 2) {
      const n = rng.int(1, Math.min(16, depth - 1))
      code.push(0x8f + n) // SWAPn
    } else if (r < 0.55) {
      code.push(0x50)
      depth--
    } else if (r < 0.62) {
      // A constant shift or byte index (the compile-time paths), then the op.
      code.push(...push(rng, BigInt(rng.pick([0, 1, 7, 8, 31, 32, 33, 63, 64, 100, 128, 224, 255, 256, 300]))))
      code.push(rng.pick([0x1a, 0x1b, 0x1c, 0x1d]))
    } else if (r < 0.8) {
      const [op, inputs, outputs] = rng.pick(PURE)
      if (depth < inputs) return
      code.push(op)
      depth += outputs - inputs
    } else if (r < 0.86) {
      // memory: MSTORE / MSTORE8 of the top word, or MLOAD, at a small constant offset
      const kind = rng.int(0, 2)
      code.push(...push(rng, BigInt(rng.int(0, 160))))
      code.push(kind === 0 ? 0x52 : kind === 1 ? 0x53 : 0x51)
      if (kind < 2) depth--
    } else if (r < 0.9) {
      // storage: SSTORE top word at a small slot, or SLOAD
      if (rng.next() < 0.5) {
        code.push(...push(rng, BigInt(rng.int(0, 4))), 0x55)
        depth--
      } else code.push(...push(rng, BigInt(rng.int(0, 4))), 0x54)
      if (rng.next() < 0.5) code.push(0x5a) // GAS (ends the block: the next one is continued)
      if (code[code.length - 1] === 0x5a) depth++
    } else if (r < 0.93) {
      code.push(rng.pick([0x58, 0x59, 0x36, 0x34, 0x33, 0x30, 0x3d]))
      depth++
    } else if (r < 0.96 && depth >= 1) {
      // JUMPI over a stretch on the top word's truth (the target is placed later at this depth)
      if (rng.next() < 0.5) {
        code.push(0x80, 0x61, 0, 0, 0x57) // DUP1 PUSH2 <target> JUMPI
        pending.push({ at: code.length - 3, depth, minus: 0 })
      } else {
        // a computed target (CALLVALUE is 5): DUP1 PUSH2 <target - 5> CALLVALUE ADD JUMPI
        code.push(0x80, 0x61, 0, 0, 0x34, 0x01, 0x57)
        pending.push({ at: code.length - 5, depth, minus: 5 })
      }
    } else if (pending.length > 0 && pending[pending.length - 1]!.depth === depth) {
      place(pending.pop()!)
    } else if (depth >= 2) {
      code.push(...push(rng, BigInt(rng.int(0, 64))), ...push(rng, BigInt(rng.int(0, 100))), 0xa1) // LOG1
      depth--
    }
  }
  const n = rng.int(5, 120)
  for (let i = 0; i < n; i++) emitOp()
  // Close open jumps at their depth (pad or pop to it).
  while (pending.length > 0) {
    const p = pending.pop()!
    while (depth > p.depth) {
      code.push(0x50)
      depth--
    }
    while (depth < p.depth) {
      code.push(0x5f)
      depth++
    }
    place(p)
  }
  // Return the memory scratch area and the top words so every value is observed.
  const shown = Math.min(depth, 24)
  for (let i = 0; i < shown; i++) code.push(0x61, (0x400 + 32 * i) >> 8, (0x400 + 32 * i) & 0xff, 0x52)
  const size = 0x400 + 32 * shown
  code.push(0x61, size >> 8, size & 0xff, 0x5f, 0xf3)
  return Uint8Array.from(code)
}

test('random stack-heavy programs: compiled code matches the interpreter (with ample and tight gas)', () => {
  const rng = new Rng(20261126)
  for (let i = 0; i < 400; i++) {
    const code = randomProgram(rng)
    const full = sameOnBothTiers(code, 3_000_000, false, `program ${i}`)
    const used = 3_000_000 - full.gasLeft
    // Tight gas: run out at a random point (inside a block, at a continued block, in memory growth).
    if (used > 0) sameOnBothTiers(code, rng.int(0, used), false, `program ${i} (tight)`)
    if (i % 10 === 0) sameOnBothTiers(code, 3_000_000, true, `program ${i} (static)`)
  }
})

test('constant folding and limb paths: shifts, BYTE, comparisons, wrap-around', () => {
  const M = (1n << 256n) - 1n
  const word = (v: bigint) => `7f${v.toString(16).padStart(64, '0')}`
  const cases: [string, bigint][] = []
  // folded (both constant) vs. computed (one operand loaded from calldata, so not a constant)
  for (const [a, b] of [
    [M, 1n],
    [1n << 255n, M],
    [5n, 3n],
    [0n, M],
  ] as const) {
    for (const op of ['01', '03', '10', '11', '12', '13', '14', '16', '17', '18']) {
      cases.push([`${word(b)}${word(a)}${op}`, 0n])
      cases.push([`${word(b)}5f35${op}`, 0n]) // top from calldata: computed, not folded
      cases.push([`5f35${word(a)}${op}`, 0n])
    }
  }
  for (const n of [0n, 1n, 31n, 32n, 33n, 64n, 255n, 256n, 257n, M])
    for (const op of ['1a', '1b', '1c', '1d']) {
      cases.push([`${word((1n << 255n) | 0x8000n)}${word(n)}${op}`, 0n])
      cases.push([`5f35${word(n)}${op}`, 0n]) // value from calldata (not constant), constant shift
    }
  for (const [prefix] of cases) {
    const code = hex(`${prefix}5f5260205ff3`)
    sameOnBothTiers(code, 100_000)
  }
})

test('halts inside compiled code: invalid jumps, static writes, the SSTORE stipend, huge memory offsets', () => {
  // A jump target that a SWAP moved (it still reads the array slot the exit code then overwrites).
  const swapped = (jump: string) => hex(`6001600b6003` + `5b90${jump}0000` + `5b60005260205260405ff3`)
  assert.equal(sameOnBothTiers(swapped('56'), 100_000).status, 0)
  assert.equal(
    sameOnBothTiers(hex(`6001600d60036001` + `5b91${'57'}0000` + `5b60005260205260405ff3`), 100_000).status,
    0,
  )
  // computed jump to a non-JUMPDEST, and to a JUMPDEST
  assert.equal(sameOnBothTiers(hex('6005600201565b00'), 100_000).haltReason, 'InvalidJump')
  assert.equal(sameOnBothTiers(hex('6003600301565b00'), 100_000).status, 0)
  // JUMPI with a constant invalid target only halts when taken
  assert.equal(sameOnBothTiers(hex('5f600257' + '00'), 100_000).status, 0)
  assert.equal(sameOnBothTiers(hex('6001600257' + '00'), 100_000).haltReason, 'InvalidJump')
  // writes in a static call
  assert.equal(sameOnBothTiers(hex('6001600155' + '00'), 100_000, true).haltReason, 'WriteProtection')
  assert.equal(sameOnBothTiers(hex('5f5fa0' + '00'), 100_000, true).haltReason, 'WriteProtection')
  // SSTORE needs more than 2,300 gas left
  assert.equal(sameOnBothTiers(hex('6001600155'), 2_306).haltReason, 'OutOfGas')
  // MLOAD/MSTORE/MSTORE8/RETURN at offsets past any payable memory
  for (const op of ['51', '52', '53'])
    assert.equal(
      sameOnBothTiers(hex(`5f7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff${op}00`), 100_000)
        .haltReason,
      'OutOfGas',
    )
  assert.equal(sameOnBothTiers(hex('60206bfffffffffffffffffffffffff3'), 100_000).haltReason, 'OutOfGas')
  // RETURN/REVERT of nothing from any offset
  assert.equal(
    sameOnBothTiers(hex('5f7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff3'), 100_000).status,
    0,
  )
  assert.equal(sameOnBothTiers(hex('5f60fffd'), 100_000).status, 1)
  // out of gas exactly at a continued block (after JUMPI falls through, after SSTORE)
  const code = hex('5f600757' + '60016001015f5200')
  for (let gas = 0; gas < 40; gas++) sameOnBothTiers(code, gas)
  const afterStore = hex('60016001555a600101')
  for (let gas = 22_090; gas < 22_130; gas++) sameOnBothTiers(afterStore, gas)
})

test('generated code stays linear in the bytecode, whatever the bytecode (8 KiB of worst-case shapes)', () => {
  const fill = (unit: number[], prefix: number[] = []) => {
    const out = [...prefix]
    while (out.length + unit.length <= 8_192) out.push(...unit)
    return Uint8Array.from(out)
  }
  const shapes: [string, Uint8Array][] = [
    // every instruction a block whose fallthrough successor is continued into
    ['GAS', fill([0x5a])],
    ['SSTORE', fill([0x5f, 0x5f, 0x55])],
    ['JUMPI fallthrough', fill([0x5f, 0x15, 0x60, 0, 0x57])],
    ['CALL', fill([0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5a, 0xf1])],
    ['JUMPDEST', fill([0x5b])],
    // a deep stack of changed words written out at every exit
    ['PUSH1 DUP16', fill([0x60, 1, 0x8f])],
    ['DUP2 MSTORE', fill([0x81, 0x81, 0x52], [0x5f, 0x5f])],
  ]
  for (const [name, code] of shapes) {
    const a = analyze(code)
    // Past the budget generation stops early and the code stays on the interpreter.
    const chars = compiledSource(a)?.length ?? 0
    assert.ok(
      chars <= SOURCE_BYTES_PER_CODE_BYTE * code.length,
      `${name}: ${chars} chars of JS for ${code.length} bytes`,
    )
    assert.equal(typeof compile(a), 'function', name)
  }
  const gas = analyze(new Uint8Array(24_576).fill(0x5a))
  assert.equal(compiledSource(gas), undefined, '24 KiB of GAS is over the source budget')
  assert.equal(compile(gas), interpret, 'and runs on the interpreter')
})

test('real contracts stay well inside the source budget, so they do get compiled', () => {
  for (const [name, c] of Object.entries(benchCases.contracts)) {
    const code = Buffer.from(c.bytecode.slice(2), 'hex')
    const chars = compiledSource(analyze(code))?.length
    assert.ok(
      chars !== undefined && chars < (SOURCE_BYTES_PER_CODE_BYTE / 1.5) * code.length,
      `${name}: ${chars} chars`,
    )
  }
})
