// The compile-time model of the EVM stack inside generated code. Words stay out of the frame's
// stack array while the code runs: a PUSH is a constant, DUP/SWAP/POP only rearrange the model, and
// inline arithmetic reads and produces JS constants (one per 32-bit limb). The array is written only
// where something outside the generated code looks at it (an exit, the interpreter, an in-place
// helper), and then only the slots whose word changed.
//
// Positions are stack slots relative to the height at function entry (`b = sp << 3` in the
// generated code): position p lives at s[b + 8p .. b + 8p + 7]; the entry's top is p = -1.

/** A word as 8 little-endian limb expressions: decimal literals or names of JS constants, each in [0, 2^32). */
export type Limbs = string[]

/** A stack entry: still the word in the array at `slot` (untouched since entry), or a value in JS constants. */
export type Entry = { kind: 'slot'; slot: number } | { kind: 'value'; limbs: Limbs }

export const isLiteral = (l: string): boolean => /^\d+$/.test(l)

/** Offset expression of limb k of position p. */
export function at(p: number, k = 0): string {
  const o = p * 8 + k
  return o === 0 ? 'b' : o > 0 ? `b+${o}` : `b-${-o}`
}

/** The generated function's body under construction: lines, fresh names and the stack model. */
export class Gen {
  readonly lines: string[] = []
  private names = 0
  /** Entries that differ from "the word already at my own position"; absent positions are untouched. */
  entries = new Map<number, Entry>()
  height = 0

  emit(line: string): void {
    this.lines.push(line)
  }

  fresh(): string {
    return `v${this.names++}`
  }

  /** `expr` as a literal or a constant's name (binding it to a new constant when it is neither). */
  bind(expr: string): string {
    if (isLiteral(expr) || /^v\d+$/.test(expr)) return expr
    const name = this.fresh()
    this.emit(`const ${name} = ${expr}`)
    return name
  }

  get(p: number): Entry {
    return this.entries.get(p) ?? { kind: 'slot', slot: p }
  }

  set(p: number, e: Entry): void {
    if (e.kind === 'slot' && e.slot === p) this.entries.delete(p)
    else this.entries.set(p, e)
  }

  /** The i-th entry from the top (0 = top). */
  peek(i: number): Entry {
    return this.get(this.height - 1 - i)
  }

  pop(): Entry {
    const p = --this.height
    const e = this.get(p)
    this.entries.delete(p)
    return e
  }

  push(e: Entry): void {
    this.set(this.height++, e)
  }

  /** Pushes a computed word; limbs that still read the array are bound first (values never alias it). */
  pushValue(limbs: Limbs): void {
    this.push({ kind: 'value', limbs: limbs.map((l) => this.bind(l)) })
  }

  /** Limb expressions of an entry (array reads for words still in the array: valid until it is written). */
  limbsOf(e: Entry): Limbs {
    if (e.kind === 'value') return e.limbs
    return [0, 1, 2, 3, 4, 5, 6, 7].map((k) => `s[${at(e.slot, k)}]`)
  }

  /** Reads a word still in the array into constants (before its slot is overwritten). */
  private load(slot: number): Entry {
    const limbs = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => this.bind(`s[${at(slot, k)}]`))
    return { kind: 'value', limbs }
  }

  /** Before slot q of the array is overwritten: every live entry elsewhere that still reads it loads it first. */
  protect(q: number): void {
    let loaded: Entry | undefined
    for (const [p, e] of this.entries) {
      if (p >= this.height || p === q || e.kind !== 'slot' || e.slot !== q) continue
      loaded ??= this.load(q)
      this.entries.set(p, loaded)
    }
  }

  /** Makes the array hold position p's word (for code that reads the array there). */
  materialize(p: number): void {
    const e = this.entries.get(p)
    if (e === undefined) return
    this.protect(p)
    this.write(p, e)
    this.entries.delete(p)
  }

  /** Writes a word to the array: limb by limb, or (`compact`, for cold exits) as one helper call. */
  private write(p: number, e: Entry, compact = false): void {
    const limbs = this.limbsOf(e)
    if (!compact) for (let k = 0; k < 8; k++) this.emit(`s[${at(p, k)}] = ${limbs[k]}`)
    else if (e.kind === 'slot') this.emit(`s.copyWithin(${at(p)}, ${at(e.slot)}, ${at(e.slot, 8)})`)
    else if (limbs.slice(1).every((l) => l === '0')) this.emit(`W.setSmall(s, ${at(p)}, ${limbs[0]})`)
    else this.emit(`W.setLimbs(s, ${at(p)}, ${limbs.join(', ')})`)
  }

  /** Writes every changed live position to the array; afterwards the model is "all untouched". */
  flush(compact = false): void {
    const written = new Set<number>()
    for (const p of this.entries.keys()) if (p < this.height) written.add(p)
    // Words that move onto a position that is itself overwritten are read first.
    for (const [p, e] of this.entries)
      if (p < this.height && e.kind === 'slot' && written.has(e.slot)) this.entries.set(p, this.load(e.slot))
    for (const [p, e] of this.entries) if (p < this.height) this.write(p, e, compact)
    this.entries.clear()
  }

  /** A copy of the model for one side of a branch (emitted lines stay shared). */
  fork(): { entries: Map<number, Entry>; height: number } {
    return { entries: new Map(this.entries), height: this.height }
  }

  restore(state: { entries: Map<number, Entry>; height: number }): void {
    this.entries = new Map(state.entries)
    this.height = state.height
  }
}
