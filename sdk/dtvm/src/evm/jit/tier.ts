// Chooses the execution tier for a frame at every start and resume. Modes:
//   'lazy'   (default) a code hash that has run HOT_THRESHOLD times is compiled in a later macrotask
//            (setImmediate), never blocking the current call; frames switch to it at their next
//            start or resume once it is ready.
//   'always' compile synchronously on first use (conformance, fuzzing and benchmarks force this).
//   'off'    interpreter only.
// Tracing always uses the interpreter (the trace needs per-instruction gas).
import type { CodeAnalysis } from '../analysis.ts'
import type { Env, Frame } from '../frame.ts'
import { interpret } from '../interpreter.ts'
import { type CompiledCode, compile } from './compile.ts'
import { resetSteppingEnv } from './step.ts'

export type EvmTierMode = 'off' | 'lazy' | 'always'

/** Frame starts/resumes of one code before the lazy mode compiles it. */
export const HOT_THRESHOLD = 16

let mode: EvmTierMode = 'lazy'

type TierState = { runs: number; compiled: CompiledCode | undefined; queued: boolean }
// Analyses are cached per code hash (analysis.ts), so this is per code hash too.
const states = new WeakMap<CodeAnalysis, TierState>()

export function setEvmTier(m: EvmTierMode): void {
  if (m !== 'off' && m !== 'lazy' && m !== 'always')
    throw new Error(`unknown EVM tier mode '${String(m)}': use 'off', 'lazy' or 'always'`)
  mode = m
}

export function evmTier(): EvmTierMode {
  return mode
}

/** Whether `a`'s compiled form is ready (for tests and diagnostics). */
export function isCompiled(a: CodeAnalysis): boolean {
  return states.get(a)?.compiled !== undefined
}

function stateOf(a: CodeAnalysis): TierState {
  let st = states.get(a)
  if (st === undefined) {
    st = { runs: 0, compiled: undefined, queued: false }
    states.set(a, st)
  }
  return st
}

/** The compiled form, or the interpreter itself if code generation fails (it never should). */
function compileOrInterpret(a: CodeAnalysis): CompiledCode {
  try {
    return compile(a)
  } catch {
    return interpret
  }
}

/** Runs `f` from its pc on the best ready tier; same contract as `interpret`. */
export function runFrame(env: Env, f: Frame): number {
  if (mode === 'off' || env.tracer !== undefined) return interpret(env, f)
  const a = f.analysis
  const st = stateOf(a)
  if (st.compiled === undefined) {
    // Forced mode lets a code-generation error surface (it exists to prove the tier); lazy mode
    // keeps the interpreter for such code.
    if (mode === 'always') st.compiled = compile(a)
    else {
      if (++st.runs >= HOT_THRESHOLD && !st.queued) {
        st.queued = true
        setImmediate(() => {
          st.compiled = compileOrInterpret(a)
        })
      }
      return interpret(env, f)
    }
  }
  resetSteppingEnv()
  return st.compiled(env, f)
}
