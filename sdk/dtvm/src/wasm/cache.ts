// Compiled-module cache keyed by code hash. Deploy calls `prepare`, which validates and instruments
// synchronously (cheap) and starts V8's compilation in the background; a call that arrives before
// it finishes compiles on demand (`new WebAssembly.Module`, synchronous), so execution never waits
// on the background job and the result never depends on its timing.
import { instrument } from './instrument.ts'
import { validateWasmContract } from './validate.ts'

export type PreparedModule = {
  module: WebAssembly.Module
  hasDeploy: boolean
  initialPages: number
}

type Entry = {
  instrumented: Uint8Array
  hasDeploy: boolean
  initialPages: number
  compiled: WebAssembly.Module | undefined
  background: Promise<void> | undefined
}

export type CacheStats = { hits: number; onDemand: number; background: number }

export class ModuleCache {
  private readonly entries = new Map<string, Entry>()
  private readonly maxEntries: number
  readonly stats: CacheStats = { hits: 0, onDemand: 0, background: 0 }

  constructor(maxEntries = 4_096) {
    this.maxEntries = maxEntries
  }

  /** Validates and instruments `bytes` (throws WasmValidationError) and starts a background compile. */
  prepare(codeHash: string, bytes: Uint8Array): void {
    const entry = this.entry(codeHash, bytes)
    if (entry.compiled || entry.background) return
    entry.background = WebAssembly.compile(entry.instrumented as Uint8Array<ArrayBuffer>).then(
      (module) => {
        if (!entry.compiled) {
          entry.compiled = module
          this.stats.background++
        }
      },
      () => {
        // A module that validated but failed to compile in the background compiles again on
        // demand, where the error surfaces synchronously with the call that needs it.
      },
    )
  }

  /** What a frame needs to know before instantiating (validates and instruments on a miss, never compiles). */
  describe(codeHash: string, bytes: Uint8Array): { hasDeploy: boolean; initialPages: number } {
    const entry = this.entry(codeHash, bytes)
    return { hasDeploy: entry.hasDeploy, initialPages: entry.initialPages }
  }

  /** The compiled module, compiling on demand if the background job has not finished. */
  get(codeHash: string, bytes: Uint8Array): PreparedModule {
    const entry = this.entry(codeHash, bytes)
    if (entry.compiled) this.stats.hits++
    else {
      entry.compiled = new WebAssembly.Module(entry.instrumented as Uint8Array<ArrayBuffer>)
      this.stats.onDemand++
    }
    return { module: entry.compiled, hasDeploy: entry.hasDeploy, initialPages: entry.initialPages }
  }

  /** Resolves once every background compile started so far has settled (tests, benchmarks). */
  async settled(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.background))
  }

  private entry(codeHash: string, bytes: Uint8Array): Entry {
    let entry = this.entries.get(codeHash)
    if (!entry) {
      const validated = validateWasmContract(bytes)
      entry = {
        instrumented: instrument(validated),
        hasDeploy: validated.hasDeploy,
        initialPages: validated.module.memories[0]!.min,
        compiled: undefined,
        background: undefined,
      }
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
      this.entries.set(codeHash, entry)
    }
    return entry
  }
}
