import { isWasmCode, runWasmCall, runWasmCreate } from '../wasm/evm-bridge.ts'
import { analyze, analyzeCached } from './analysis.ts'
import {
  CALL,
  CREATE,
  CREATE2,
  EMPTY,
  type Env,
  EXIT_HALT,
  EXIT_REVERT,
  EXIT_SUCCESS,
  EXIT_SUSPEND,
  Frame,
  type Message,
  type MessageResult,
  releaseMemory,
  STATICCALL,
} from './frame.ts'
import { MAX_CODE_SIZE, precompileIndex } from './interpreter.ts'
// Tier hook: runFrame picks the compiled tier or the interpreter at every frame start/resume
// (setEvmTier('off') turns the compiled tier off).
import { runFrame } from './jit/tier.ts'
import { bytesToHex, fromAddress, setSmall, setZero } from './word.ts'

function fail(reason: string): MessageResult {
  return { status: 2, gasLeft: 0, output: EMPTY, haltReason: reason }
}

/**
 * Starts a message: moves value, runs a precompile or sets up a frame. Returns a finished result
 * when no bytecode needs to run.
 */
function begin(env: Env, msg: Message): Frame | MessageResult {
  const world = env.world
  const isCreate = msg.kind === CREATE || msg.kind === CREATE2
  const target = world.account(msg.address)
  if (isCreate) {
    if (target.hasCollision()) return fail('CreateCollision')
    const snapshot = world.snapshot()
    world.createAccount(target)
    if (msg.value !== 0n) {
      const from = world.account(msg.caller)
      world.setBalance(from, from.balance - msg.value)
      world.setBalance(target, target.balance + msg.value)
    }
    // Initcode runs as code with empty calldata.
    if (isWasmCode(msg.input)) return runWasmCreate(env, msg, target, snapshot, runMessage)
    return new Frame(analyze(msg.input), { ...msg, input: EMPTY }, target, snapshot)
  }
  const snapshot = world.snapshot()
  const pre = precompileIndex(env, msg.codeAddress)
  if (msg.kind === CALL) {
    if (!target.exists && pre === 0 && msg.value === 0n) return { status: 0, gasLeft: msg.gas, output: EMPTY }
    if (msg.value !== 0n) {
      const from = world.account(msg.caller)
      world.setBalance(from, from.balance - msg.value)
    }
    world.addBalance(target, msg.value)
  } else if (msg.kind === STATICCALL) {
    world.addBalance(target, 0n)
  }
  if (pre !== 0) {
    const r = env.precompiles.get(pre)!(msg.input, BigInt(msg.gas))
    if (!r.ok || r.gasUsed > BigInt(msg.gas)) {
      world.revert(snapshot)
      return fail('PrecompileFailure')
    }
    return { status: 0, gasLeft: msg.gas - Number(r.gasUsed), output: r.output }
  }
  const codeAccount = msg.codeAddress === msg.address ? target : world.account(msg.codeAddress)
  const code = codeAccount.code
  if (code.length === 0) return { status: 0, gasLeft: msg.gas, output: EMPTY }
  if (isWasmCode(code)) return runWasmCall(env, msg, code, codeAccount.codeHash, snapshot, runMessage)
  return new Frame(
    analyzeCached(() => bytesToHex(codeAccount.codeHash), code),
    msg,
    target,
    snapshot,
  )
}

/** Ends a frame: code deposit for creates, revert of the frame's changes on failure. */
function finish(env: Env, f: Frame, exit: number): MessageResult {
  const world = env.world
  releaseMemory(f)
  if (exit === EXIT_SUCCESS) {
    if (!f.isCreate) return { status: 0, gasLeft: f.gas, output: f.output }
    const code = f.output
    if (code.length > MAX_CODE_SIZE) {
      world.revert(f.snapshot)
      return fail('CodeSizeExceeded')
    }
    if (code.length > 0 && code[0] === 0xef) {
      world.revert(f.snapshot)
      return fail('InvalidCodePrefix')
    }
    const deposit = 200 * code.length
    if (f.gas < deposit) {
      world.revert(f.snapshot)
      return fail('CodeStoreOutOfGas')
    }
    if (code.length > 0) world.setCode(f.account, code)
    return { status: 0, gasLeft: f.gas - deposit, output: EMPTY, createdAddress: f.msg.address }
  }
  world.revert(f.snapshot)
  if (exit === EXIT_REVERT) return { status: 1, gasLeft: f.gas, output: f.output }
  return { status: 2, gasLeft: 0, output: EMPTY, haltReason: f.haltReason }
}

/** Hands a finished child's result back to the suspended parent (push status, copy output, refund gas). */
function resume(f: Frame, child: Message, r: MessageResult): void {
  f.gas += r.gasLeft
  const o = f.sp << 3
  if (child.kind === CREATE || child.kind === CREATE2) {
    f.returnData = r.status === 1 ? r.output : EMPTY
    if (r.status === 0) fromAddress(f.stack, o, child.address)
    else setZero(f.stack, o)
  } else {
    f.returnData = r.output
    const n = Math.min(child.retSize, r.output.length)
    if (n > 0) f.mem.set(r.output.subarray(0, n), child.retOffset)
    setSmall(f.stack, o, r.status === 0 ? 1 : 0)
  }
  f.sp++
  f.pending = undefined
}

/**
 * Runs a message to completion with an explicit frame stack (no JS recursion, so depth 1,024 can
 * never overflow the host stack).
 */
export function runMessage(env: Env, msg: Message): MessageResult {
  const first = begin(env, msg)
  if (!(first instanceof Frame)) return first
  const frames: Frame[] = [first]
  for (;;) {
    const f = frames[frames.length - 1]!
    const exit = runFrame(env, f)
    if (exit === EXIT_SUSPEND) {
      const child = f.pending!
      const started = begin(env, child)
      if (started instanceof Frame) frames.push(started)
      else resume(f, child, started)
      continue
    }
    const result = finish(env, f, exit === EXIT_HALT ? EXIT_HALT : exit)
    frames.pop()
    if (frames.length === 0) return result
    const parent = frames[frames.length - 1]!
    resume(parent, parent.pending!, result)
  }
}
