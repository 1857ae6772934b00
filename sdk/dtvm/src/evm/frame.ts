import type { Precompile } from '../precompiles/index.ts'
import type { Account, World } from '../state/world.ts'
import type { Address, BlockContext } from '../types.ts'
import type { CodeAnalysis } from './analysis.ts'

export const CALL = 0xf1
export const CALLCODE = 0xf2
export const DELEGATECALL = 0xf4
export const STATICCALL = 0xfa
export const CREATE = 0xf0
export const CREATE2 = 0xf5

/** Interpreter exit codes. */
export const EXIT_SUCCESS = 0
export const EXIT_REVERT = 1
export const EXIT_HALT = 2
/** The frame issued a CALL/CREATE and waits for it (the driver runs the child, then resumes). */
export const EXIT_SUSPEND = 3
/** A stepping tracer stopped the loop before an instruction (pc/sp/gas synced); only the compiled tier uses it. */
export const EXIT_YIELD = 4

export type TxContext = {
  origin: Address
  gasPrice: bigint
  blobHashes: Uint8Array[]
}

/** Hook called before every instruction when tracing (EIP-3155); returning true stops the loop (EXIT_YIELD). */
export type StepTracer = (
  frame: Frame,
  pc: number,
  op: number,
  gasBefore: number,
  gasCost: number,
  sp: number,
  // biome-ignore lint/suspicious/noConfusingVoidType: ordinary tracers return nothing; the compiled tier's stepper returns true
) => boolean | void

export type Env = {
  world: World
  block: BlockContext
  blobBaseFee: bigint
  tx: TxContext
  precompiles: ReadonlyMap<number, Precompile>
  tracer: StepTracer | undefined
}

/** A message to run: a call or a create, top-level or from an opcode. */
export type Message = {
  kind: number
  caller: Address
  /** The account whose storage and balance the code runs with (the new address for creates). */
  address: Address
  /** Whose code runs (differs from `address` for CALLCODE/DELEGATECALL). */
  codeAddress: Address
  /** CALLVALUE. */
  value: bigint
  /** Whether `value` moves from caller to address. */
  transfer: boolean
  input: Uint8Array
  gas: number
  isStatic: boolean
  depth: number
  /** Where the caller wants the output (calls from opcodes). */
  retOffset: number
  retSize: number
}

export type MessageResult = {
  status: 0 | 1 | 2
  gasLeft: number
  output: Uint8Array
  createdAddress?: Address
  haltReason?: string
}

export const EMPTY = new Uint8Array(0)
const EMPTY_VIEW = new DataView(EMPTY.buffer)

const STACK_WORDS = 1024
const stackPool: Uint32Array[] = []
// Memory buffers are reused the same way: a finished frame hands its buffer to the next frame at its
// depth, with how far it was used; growth zero-fills that stale part before exposing it. Big buffers
// are not kept.
const pooledMemory: (Uint8Array | undefined)[] = []
const pooledViews: DataView[] = []
const pooledDirty: number[] = []
const POOLED_MEMORY_LIMIT = 1 << 16

/** Called when a frame ends: its memory buffer goes to the next frame at the same depth. */
export function releaseMemory(f: Frame): void {
  if (f.mem.length === 0 || f.mem.length > POOLED_MEMORY_LIMIT) return
  pooledMemory[f.msg.depth] = f.mem
  pooledViews[f.msg.depth] = f.memView
  pooledDirty[f.msg.depth] = Math.max(f.memSize, f.memDirty)
}

/** One running call frame: everything the interpreter loop keeps between suspensions. */
export class Frame {
  readonly analysis: CodeAnalysis
  readonly msg: Message
  readonly account: Account
  readonly snapshot: number
  readonly isCreate: boolean
  pc = 0
  sp = 0
  gas: number
  readonly stack: Uint32Array
  /** Memory bytes; only the first `memSize` are in use. */
  mem: Uint8Array = EMPTY
  /** A view of `mem` (big-endian 32-bit access for the compiled tier's MLOAD/MSTORE); replaced with it. */
  memView: DataView = EMPTY_VIEW
  /** Active memory size in bytes (a multiple of 32). */
  memSize = 0
  /** Bytes of `mem` from here on are zero; between `memSize` and here a reused buffer may hold stale bytes. */
  memDirty = 0
  returnData: Uint8Array = EMPTY
  output: Uint8Array = EMPTY
  pending: Message | undefined = undefined
  haltReason = ''

  constructor(analysis: CodeAnalysis, msg: Message, account: Account, snapshot: number) {
    this.analysis = analysis
    this.msg = msg
    this.account = account
    this.snapshot = snapshot
    this.isCreate = msg.kind === CREATE || msg.kind === CREATE2
    this.gas = msg.gas
    // Frames at the same depth never live at the same time, so stacks are pooled by depth.
    let s = stackPool[msg.depth]
    if (s === undefined) {
      s = new Uint32Array(STACK_WORDS * 8 + 8)
      stackPool[msg.depth] = s
    }
    this.stack = s
    const pooled = pooledMemory[msg.depth]
    if (pooled !== undefined) {
      // Taken out of the pool: nothing else can hand it on while this frame uses it.
      pooledMemory[msg.depth] = undefined
      this.mem = pooled
      this.memView = pooledViews[msg.depth]!
      this.memDirty = pooledDirty[msg.depth]!
    }
  }
}
