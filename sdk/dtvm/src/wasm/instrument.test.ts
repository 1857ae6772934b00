import assert from 'node:assert/strict'
import { test } from 'node:test'
import { WasmValidationError } from './errors.ts'
import { instrument, TRAP_OUT_OF_INK, TRAP_STACK_EXHAUSTED } from './instrument.ts'
import { INK_BULK_BASE, INK_PER_BULK_BYTE, INK_PER_PAGE, WASM_LIMITS } from './limits.ts'
import { validateWasmContract } from './validate.ts'
import { runInstrumented, wat } from './wat.test-helper.ts'

const counter = (iterations: number) =>
  wat(`(module
    (memory (export "memory") 1 1)
    (global $n (mut i32) (i32.const 0))
    (func (export "call")
      (local $i i32)
      (loop $top
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $top (i32.lt_u (local.get $i) (i32.const ${iterations}))))
      (global.set $n (local.get $i))))`)

test('charges exactly the price of each executed basic block', () => {
  // Blocks: [loop] = 20, body = local.get 40 + i32.const 20 + add 70 + local.set 40 + local.get 40
  // + i32.const 20 + lt_u 70 + br_if 150 = 450 per iteration, the loop's end 20, then
  // local.get 40 + global.set 60 + end 20 = 120.
  for (const iterations of [1, 10, 1000]) {
    const outcome = runInstrumented(counter(iterations), 10_000_000n)
    assert.equal(outcome.result, 'ok')
    assert.equal(10_000_000n - outcome.inkLeft, BigInt(20 + 450 * iterations + 20 + 120), `${iterations} iterations`)
  }
})

test('runs out of ink deterministically: same trap, same ink, every run', () => {
  const outcomes = Array.from({ length: 5 }, () => runInstrumented(counter(1_000_000), 123_456n))
  for (const outcome of outcomes) {
    assert.equal(outcome.result, 'trap')
    assert.equal(outcome.trap, TRAP_OUT_OF_INK)
    assert.equal(outcome.inkLeft, outcomes[0]!.inkLeft)
  }
  // The header refuses a block it cannot pay for in full, so what is left is less than one iteration.
  assert.ok(outcomes[0]!.inkLeft < 450n)
})

test('unbounded recursion hits the instrumented depth limit, never the host stack', () => {
  const recursive = wat(`(module
    (memory (export "memory") 1)
    (func $f (param i32) (result i32) (call $f (i32.add (local.get 0) (i32.const 1))))
    (func (export "call") (drop (call $f (i32.const 0)))))`)
  const outcome = runInstrumented(recursive, 10n ** 15n)
  assert.equal(outcome.result, 'trap')
  assert.equal(outcome.trap, TRAP_STACK_EXHAUSTED)
  const again = runInstrumented(recursive, 10n ** 15n)
  assert.equal(again.inkLeft, outcome.inkLeft, 'depth trap happens at the same point every time')
})

test('memory.grow charges per page before growing and refuses growth past the page limit', () => {
  const grow = (pages: number) =>
    wat(`(module
      (memory (export "memory") 1 ${WASM_LIMITS.maxMemoryPages})
      (global $r (export "r") (mut i32) (i32.const 0))
      (func (export "call") (global.set $r (memory.grow (i32.const ${pages})))))`)
  const ok = runInstrumented(grow(3), 10n ** 12n)
  assert.equal(ok.result, 'ok')
  const blockInk = 20n + 100n + 60n + 20n // i32.const, memory.grow, global.set, end
  assert.equal(10n ** 12n - ok.inkLeft, blockInk + 3n * INK_PER_PAGE)
  const tooMuch = runInstrumented(grow(WASM_LIMITS.maxMemoryPages), 10n ** 12n)
  assert.equal(tooMuch.result, 'ok', 'growth past the limit returns -1 instead of trapping')
  assert.equal(10n ** 12n - tooMuch.inkLeft, blockInk, 'a refused growth is not charged per page')
  const poor = runInstrumented(grow(3), blockInk + INK_PER_PAGE)
  assert.equal(poor.trap, TRAP_OUT_OF_INK)
})

test('bulk memory operations are charged by length', () => {
  const fill = wat(`(module
    (memory (export "memory") 1)
    (func (export "call") (memory.fill (i32.const 0) (i32.const 7) (i32.const 1000))))`)
  const outcome = runInstrumented(fill, 10n ** 9n)
  assert.equal(outcome.result, 'ok')
  const blockInk = 20n * 3n + 3_000n + 20n
  assert.equal(10n ** 9n - outcome.inkLeft, blockInk + INK_BULK_BASE + 1000n * INK_PER_BULK_BYTE)
})

test('instrumentation is deterministic and keeps exports, tables and indirect calls working', () => {
  const source = wat(`(module
    (type $t (func (result i32)))
    (memory (export "memory") 1)
    (table 2 funcref)
    (elem (i32.const 0) $a $b)
    (global $out (export "out") (mut i32) (i32.const 0))
    (func $a (result i32) (i32.const 11))
    (func $b (result i32) (i32.const 31))
    (func (export "call") (global.set $out (i32.add (call_indirect (type $t) (i32.const 0)) (call_indirect (type $t) (i32.const 1))))))`)
  const first = instrument(validateWasmContract(source))
  assert.deepEqual(instrument(validateWasmContract(source)), first)
  const instance = new WebAssembly.Instance(new WebAssembly.Module(first as Uint8Array<ArrayBuffer>))
  const exports = instance.exports as Record<string, WebAssembly.Global | (() => void)>
  ;(exports.__dtvm_ink as WebAssembly.Global).value = 10n ** 9n
  ;(exports.__dtvm_stack as WebAssembly.Global).value = 1000
  ;(exports.call as () => void)()
  assert.equal((exports.out as WebAssembly.Global).value, 42)
  assert.equal((exports.__dtvm_stack as WebAssembly.Global).value, 1000, 'frames are credited back on return')
})

const rejects = (source: string, pattern: RegExp) =>
  assert.throws(
    () => validateWasmContract(wat(source)),
    (error: unknown) => error instanceof WasmValidationError && pattern.test(error.message),
  )

test('rejects floats, SIMD, threads and foreign imports with the section, function and opcode', () => {
  rejects(
    `(module (memory (export "memory") 1) (func (export "call") (drop (i32.trunc_f32_s (f32.const 1)))))`,
    /floats are not allowed \(section code, function 0, opcode 0x43/,
  )
  rejects(
    `(module (memory (export "memory") 1) (func (export "call") (local f64)))`,
    /value type 0x7c: floats are not allowed \(section code/,
  )
  rejects(`(module (memory (export "memory") 1) (func (export "call") (drop (v128.const i64x2 0 0))))`, /SIMD/)
  rejects(
    `(module (memory (export "memory") 1 1 shared) (func (export "call")))`,
    /shared or 64-bit limits are not allowed/,
  )
  rejects(
    `(module (import "env" "abort" (func)) (memory (export "memory") 1) (func (export "call")))`,
    /import env.abort: only the "dtvm" host module may be imported \(section import, function 0\)/,
  )
  rejects(
    `(module (import "dtvm" "gas_left" (func (result i32))) (memory (export "memory") 1) (func (export "call")))`,
    /import dtvm.gas_left has type \(\) -> \(i32\); the host provides \(\) -> \(i64\)/,
  )
  rejects(
    `(module (import "dtvm" "sleep" (func)) (memory (export "memory") 1) (func (export "call")))`,
    /no such host function/,
  )
})

test('rejects modules without the required exports, with a start function or with oversized memory', () => {
  rejects(`(module (memory (export "memory") 1) (func (export "main")))`, /must export the entry point "call"/)
  rejects(`(module (memory 1) (func (export "call")))`, /must export its memory as "memory"/)
  rejects(
    `(module (memory (export "memory") 1) (func $s) (start $s) (func (export "call")))`,
    /start function is not allowed/,
  )
  rejects(`(module (memory (export "memory") 129) (func (export "call")))`, /memory limits exceed 128 pages/)
  rejects(
    `(module (memory (export "memory") 1) (func (export "call") (param i32)))`,
    /export "call" must have type \(\) -> \(\)/,
  )
  rejects(
    `(module (memory (export "memory") 1) (func (export "call")) (func (export "__dtvm_ink")))`,
    /reserved for the runtime/,
  )
  assert.throws(() => validateWasmContract(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /not a WASM module/)
  assert.throws(() => validateWasmContract(new Uint8Array(WASM_LIMITS.maxModuleBytes + 1)), /the limit is/)
})
