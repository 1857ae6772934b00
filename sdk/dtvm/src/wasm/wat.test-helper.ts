// Test helper: WAT text → WASM bytes through wabt (test tooling only), and a bare harness that runs
// an instrumented module's entry point with a given ink and stack budget.
import wabtInit from 'wabt'
import { INK_GLOBAL_EXPORT, instrument, STACK_GLOBAL_EXPORT, TRAP_GLOBAL_EXPORT } from './instrument.ts'
import { validateWasmContract } from './validate.ts'

const wabt = await wabtInit()

export function wat(source: string): Uint8Array {
  const parsed = wabt.parseWat('contract.wat', source, {
    bulk_memory: true,
    sign_extension: true,
    mutable_globals: true,
    simd: true,
    threads: true,
  })
  try {
    return parsed.toBinary({}).buffer
  } finally {
    parsed.destroy()
  }
}

export type RunOutcome = { inkLeft: bigint; trap: number; result: 'ok' | 'trap'; error?: string }

/** Instruments `bytes`, runs `entry` with `ink`, and reports the ink left and any trap code. */
export function runInstrumented(
  bytes: Uint8Array,
  ink: bigint,
  entry = 'call',
  imports: WebAssembly.Imports = {},
  stack = 16_384,
): RunOutcome {
  const instrumented = instrument(validateWasmContract(bytes))
  const instance = new WebAssembly.Instance(new WebAssembly.Module(instrumented as Uint8Array<ArrayBuffer>), imports)
  const exports = instance.exports as Record<string, WebAssembly.Global | ((...args: unknown[]) => unknown)>
  ;(exports[INK_GLOBAL_EXPORT] as WebAssembly.Global).value = ink
  ;(exports[STACK_GLOBAL_EXPORT] as WebAssembly.Global).value = stack
  try {
    ;(exports[entry] as () => void)()
    return { inkLeft: (exports[INK_GLOBAL_EXPORT] as WebAssembly.Global).value as bigint, trap: 0, result: 'ok' }
  } catch (error) {
    return {
      inkLeft: (exports[INK_GLOBAL_EXPORT] as WebAssembly.Global).value as bigint,
      trap: (exports[TRAP_GLOBAL_EXPORT] as WebAssembly.Global).value as number,
      result: 'trap',
      error: (error as Error).message,
    }
  }
}
