import type { Hex } from 'viem'
import type { Repository } from '../db/repository.ts'
import { RelayerError } from '../errors.ts'
import { encodeProofMetadata, MerkleTree } from './merkle.ts'

// Builds inclusion-proof metadata for a leaf of one chain's outbox tree at a checkpoint height. The
// tree is rebuilt from the observed leaves (blocks <= height) and its root must equal the root the
// verifier accepted; a mismatch means the observer is behind (retry) or the chain reorganized past
// the configured confirmations (an operator alert, like Hyperlane's merkle_root_mismatch).

export class RootMismatchError extends RelayerError {}

export class ProofBuilder {
  readonly #repo: Repository
  readonly #cache = new Map<string, MerkleTree>()

  constructor(repo: Repository) {
    this.#repo = repo
  }

  async metadata(domain: number, height: bigint, leafIndex: number, expectedRoot: Hex): Promise<Hex> {
    const key = `${domain}:${height}`
    let tree = this.#cache.get(key)
    if (!tree || tree.root() !== expectedRoot) {
      tree = new MerkleTree((await this.#repo.leavesUpTo(domain, height)) as Hex[])
      if (tree.root() !== expectedRoot) {
        throw new RootMismatchError(
          `rebuilt outbox tree of domain ${domain} at height ${height} (${tree.count} leaves) has root ${tree.root()}, the verifier holds ${expectedRoot}`,
          {
            where: `observer of domain ${domain}`,
            fix: 'usually the observer has not reached this height yet and the job retries; if it persists, raise `confirmations` (reorg) and check the mailbox address',
          },
        )
      }
      this.#cache.set(key, tree)
      // Keep only recent heights: proofs are always built against the latest checkpoint.
      if (this.#cache.size > 16) this.#cache.delete(this.#cache.keys().next().value!)
    }
    if (leafIndex >= tree.count) {
      throw new RootMismatchError(
        `leaf ${leafIndex} of domain ${domain} is not under the checkpoint at height ${height}`,
        {
          where: `domain ${domain}`,
          fix: 'wait for a newer checkpoint; the job retries',
        },
      )
    }
    return encodeProofMetadata(height, leafIndex, tree.proof(leafIndex))
  }
}
