// An independent, deliberately naive model of the store for tests: a plain Map for values and a
// recursive root computation straight from the tree's definition (no pages, no caching).
import { keccak256, toHex } from '@spnkit/crypto'

const ZERO = new Uint8Array(32)

function inner(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.every((x) => x === 0) && b.every((x) => x === 0)) return ZERO
  const buf = new Uint8Array(64)
  buf.set(a, 0)
  buf.set(b, 32)
  return keccak256(buf)
}

function leaf(key: Uint8Array, value: Uint8Array): Uint8Array {
  const buf = new Uint8Array(65)
  buf.set(key, 1)
  buf.set(keccak256(value), 33)
  return keccak256(buf)
}

function nib(key: Uint8Array, d: number): number {
  const b = key[d >> 1] as number
  return d & 1 ? b & 15 : b >> 4
}

function nodeHash(entries: [Uint8Array, Uint8Array][], depth: number): Uint8Array {
  const groups: [Uint8Array, Uint8Array][][] = Array.from({ length: 16 }, () => [])
  for (const e of entries) groups[nib(e[0], depth)]?.push(e)
  let level = groups.map((g) => {
    if (g.length === 0) return ZERO
    if (g.length === 1) return leaf((g[0] as [Uint8Array, Uint8Array])[0], (g[0] as [Uint8Array, Uint8Array])[1])
    return nodeHash(g, depth + 1)
  })
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) next.push(inner(level[i] as Uint8Array, level[i + 1] as Uint8Array))
    level = next
  }
  return level[0] as Uint8Array
}

/** The root of a key → value map, from the definition: the root node always exists; below it a
 *  node exists for a nibble prefix shared by ≥ 2 keys; 16 slots hashed as a 4-level binary tree. */
export function referenceRoot(map: Map<string, { key: Uint8Array; value: Uint8Array }>): Uint8Array {
  return nodeHash(
    [...map.values()].map((e) => [e.key, e.value]),
    0,
  )
}

/** Reference model: apply ops to a plain map, keyed by hex. */
export class ReferenceModel {
  readonly versions = new Map<number, Map<string, { key: Uint8Array; value: Uint8Array }>>([[0, new Map()]])
  latest = 0
  apply(version: number, ops: { key: Uint8Array; value: Uint8Array | null }[]): void {
    const next = new Map(this.versions.get(this.latest))
    for (const op of ops) {
      const k = toHex(op.key)
      if (op.value) next.set(k, { key: op.key, value: op.value })
      else next.delete(k)
    }
    this.versions.set(version, next)
    this.latest = version
  }
  get(key: Uint8Array, version = this.latest): Uint8Array | undefined {
    return this.versions.get(version)?.get(toHex(key))?.value
  }
  root(version = this.latest): Uint8Array {
    return referenceRoot(this.versions.get(version) as Map<string, { key: Uint8Array; value: Uint8Array }>)
  }
}
