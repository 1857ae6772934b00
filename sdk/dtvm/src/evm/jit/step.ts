// The compiled tier's bridge to the interpreter. Instructions the compiled code doesn't inline run in
// the interpreter one at a time: a stepping tracer lets exactly one instruction execute and then
// stops the loop (EXIT_YIELD) with pc/sp/gas synced to the frame. In tracing mode the interpreter
// charges each instruction's static gas itself, so the caller hands back that instruction's share
// of the block gas it already charged: the total is unchanged.
import { type Env, EXIT_YIELD, type Frame, type StepTracer } from '../frame.ts'
import { interpret } from '../interpreter.ts'

let executed = false
const stopAfterOne: StepTracer = () => {
  if (executed) return true
  executed = true
  return false
}

let lastEnv: Env | undefined
let lastStepEnv: Env | undefined

/** Forgets the stepping copy (called before every compiled run, as callers may reuse and mutate an env). */
export function resetSteppingEnv(): void {
  lastEnv = undefined
}

function steppingEnv(env: Env): Env {
  // Nothing mutates an env during one compiled run, so one stepping copy per run is enough.
  if (lastEnv !== env) {
    lastEnv = env
    lastStepEnv = { ...env, tracer: stopAfterOne }
  }
  return lastStepEnv!
}

/**
 * Executes the single instruction at `pc` in the interpreter. Returns EXIT_YIELD (the frame's
 * pc/sp/gas now describe the next instruction) or the frame's exit code.
 */
export function stepInterpreter(env: Env, f: Frame, pc: number, sp: number, gas: number): number {
  f.pc = pc
  f.sp = sp
  f.gas = gas
  executed = false
  const r = interpret(steppingEnv(env), f)
  return r
}

/** Hands the rest of this frame's run to the interpreter from a block start (nothing charged yet). */
export function deferToInterpreter(env: Env, f: Frame, pc: number, sp: number, gas: number): number {
  f.pc = pc
  f.sp = sp
  f.gas = gas
  return interpret(env, f)
}

export { EXIT_YIELD }
