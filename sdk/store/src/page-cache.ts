// The page cache: decoded pages by `${pid}@${version}`, least recently used evicted first, within a
// byte budget. Each page's size is taken when it enters, so leaving subtracts exactly what entering
// added even if the page changed in between (its node hashes are built lazily).
import type { Page } from './page.ts'

export class PageCache {
  private readonly map = new Map<string, Page>()
  bytes = 0
  readonly budget: number

  constructor(budget: number) {
    this.budget = budget
  }

  get size(): number {
    return this.map.size
  }

  get(key: string): Page | undefined {
    const p = this.map.get(key)
    if (p) {
      // Recently used moves to the back, so eviction takes the least recently used first.
      this.map.delete(key)
      this.map.set(key, p)
    }
    return p
  }

  set(key: string, page: Page): void {
    this.delete(key)
    this.map.set(key, page)
    const size = page.memoryBytes()
    page.cachedBytes = size
    this.bytes += size
    if (this.bytes <= this.budget) return
    // Evict in a batch down to 90% of the budget, so the scan from the oldest end is amortised.
    const target = this.budget * 0.9
    for (const [k, p] of this.map) {
      if (this.bytes <= target || p === page) break
      this.map.delete(k)
      this.bytes -= p.cachedBytes
    }
  }

  /** Whether `key` is cached (without counting as a use). */
  has(key: string): boolean {
    return this.map.has(key)
  }

  /** The page under `key`, without counting as a use. */
  peek(key: string): Page | undefined {
    return this.map.get(key)
  }

  /** Removes and returns the page under `key` (a page taken out to be edited). */
  take(key: string): Page | undefined {
    const p = this.map.get(key)
    if (p) {
      this.map.delete(key)
      this.bytes -= p.cachedBytes
    }
    return p
  }

  delete(key: string): void {
    const old = this.map.get(key)
    if (!old) return
    this.bytes -= old.cachedBytes
    this.map.delete(key)
  }
}
