// Tree edits over pages. The tree is canonical for its key set: below the root, the node for a
// nibble prefix p exists iff at least two keys start with p; a slot holding exactly one key holds
// that key's leaf. Nodes at even depth are page tops, nodes at odd depth live inside their page.
import { EMPTY, LEAF, NODE, nibble, PAGE_HASH, type Page } from './page.ts'

const HEX = '0123456789abcdef'

/** How tree edits get the pages of the version being built (copy-on-write). */
export interface WorkingPages {
  root(): Page
  /** The working copy of the existing child page under slot j of child node i of `parent`. */
  child(parent: Page, i: number, j: number): Page
  /** A brand-new, empty page under slot j of child node i of `parent` (the prefix had fewer than
   *  two keys before). */
  create(parent: Page, i: number, j: number): Page
  /** The child page under slot j of child node i of `parent` no longer exists in the version being built. */
  drop(parent: Page, i: number, j: number, page: Page): void
}

export function childPid(parent: Page, i: number, j: number): string {
  return parent.pid + HEX[i] + HEX[j]
}

/** Inserts or overwrites key → (leaf hash, value location); `src` holds the leaf hash at
 *  `hashOff` (the key comes from `key`). */
export function insertLeaf(
  ws: WorkingPages,
  key: Uint8Array,
  src: Uint8Array,
  hashOff: number,
  seg: number,
  off: number,
  len: number,
): void {
  let page = ws.root()
  let ni = 0
  let d = 0
  for (;;) {
    const s = nibble(key, d)
    const k = page.kind(ni, s)
    if (k === EMPTY || (k === LEAF && page.leafKeyEquals(ni, s, key))) {
      page.setLeaf(ni, s, src, hashOff, key, 0, seg, off, len)
      return
    }
    if (k === LEAF) {
      // Another key owns this slot: push it one level down and try again one level deeper.
      const eNibble = page.leafNibble(ni, s, d + 1)
      if (ni === 0) {
        page.addSubnode(s)
        page.moveLeafFrom(page, 0, s, 1 + s, eNibble)
        ni = 1 + s
      } else {
        const child = ws.create(page, ni - 1, s)
        child.moveLeafFrom(page, ni, s, 0, eNibble)
        page.setPageRef(ni, s)
        page = child
        ni = 0
      }
      d++
      continue
    }
    if (k === NODE) ni = 1 + s
    else {
      page = ws.child(page, ni - 1, s)
      ni = 0
    }
    d++
  }
}

/** Deletes key; returns false if it was absent. Collapses nodes left holding a single leaf. */
export function deleteLeaf(ws: WorkingPages, key: Uint8Array): boolean {
  const path: { page: Page; ni: number; s: number }[] = []
  let page = ws.root()
  let ni = 0
  let d = 0
  for (;;) {
    const s = nibble(key, d)
    const k = page.kind(ni, s)
    if (k === EMPTY) return false
    if (k === LEAF) {
      if (!page.leafKeyEquals(ni, s, key)) return false
      page.setEmpty(ni, s)
      break
    }
    path.push({ page, ni, s })
    if (k === NODE) ni = 1 + s
    else {
      page = ws.child(page, ni - 1, s)
      ni = 0
    }
    d++
  }
  // A non-root node must hold at least two keys: if only one leaf is left, it moves up a level.
  while (path.length > 0) {
    const { count, last } = page.occupancy(ni)
    if (count !== 1 || page.kind(ni, last) !== LEAF) break
    const parent = path.pop() as { page: Page; ni: number; s: number }
    parent.page.moveLeafFrom(page, ni, last, parent.ni, parent.s)
    if (ni > 0) page.removeSubnode(ni - 1)
    else ws.drop(parent.page, parent.ni - 1, parent.s, page)
    page = parent.page
    ni = parent.ni
  }
  return true
}

/** Rehashes every working page deepest first, feeding each page hash into its parent's slot, and
 *  hands each changed page to `done` once its hash (and so its content) is final. Returns the new
 *  root hash. */
export function hashWorkingPages(pages: Map<string, Page>, done: (page: Page) => void): Uint8Array {
  const ordered = [...pages.values()].sort((a, b) => b.depth - a.depth)
  let root: Uint8Array | null = null
  for (const page of ordered) {
    if (!page.modified) {
      if (page.depth === 0) root = page.pageHash().slice()
      continue
    }
    page.hash()
    if (page.depth === 0) {
      root = page.b.slice(PAGE_HASH, PAGE_HASH + 32)
      done(page)
      continue
    }
    const parent = pages.get(page.pid.slice(0, -2))
    if (!parent) throw new Error(`internal: working page ${page.pid} has no working parent`)
    const i = HEX.indexOf(page.pid[page.depth - 2] as string)
    const j = HEX.indexOf(page.pid[page.depth - 1] as string)
    parent.setChildHash(1 + i, j, page.b, PAGE_HASH)
    done(page)
  }
  if (!root) throw new Error('internal: no working root page')
  return root
}
