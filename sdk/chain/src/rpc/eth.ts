import { keccak256, toHex } from '@spnkit/crypto'
import { TransactionRejected } from '../mempool/rejection.ts'
import type { Hex } from '../tx/transaction.ts'
import { TransactionDecodeError } from '../tx/transaction.ts'
import type { ChainApi } from './api.ts'
import { invalidParams, RpcError, RpcErrorCode } from './errors.ts'
import { estimateGas, revertError } from './estimate.ts'
import { FilterRegistry } from './filters.ts'
import { formatBlock, formatHeader, formatLog, formatReceipt, formatTransaction } from './format.ts'
import { collectLogs } from './logs.ts'
import * as p from './params.ts'
import type { RpcHandlers } from './server.ts'
import { Subscriptions } from './subscriptions.ts'

const EMPTY_CODE_HASH = toHex(keccak256(new Uint8Array(0)))

/** The Ethereum JSON-RPC methods (plus `spn_*`) over a `ChainApi`. */
export function ethHandlers(chain: ChainApi): { handlers: RpcHandlers; close: () => void } {
  const resolve = (ref: p.BlockRef): bigint => {
    if ('hash' in ref) {
      const block = chain.db.byHash(ref.hash)
      if (!block) throw new RpcError(RpcErrorCode.resourceNotFound, `header not found: no block with hash ${ref.hash}`)
      return block.header.number
    }
    if ('number' in ref) {
      if (ref.number > chain.latest())
        throw new RpcError(
          RpcErrorCode.resourceNotFound,
          `header not found: block ${ref.number} is beyond the head ${chain.latest()}`,
        )
      return ref.number
    }
    switch (ref.tag) {
      case 'earliest':
        return 0n
      case 'finalized':
        return chain.finalized()
      // `safe`: ordering is BFT-final, so an executed block cannot be reorganised; it only lacks the
      // quorum's signatures on its state root, which is what `finalized` adds.
      default:
        return chain.latest()
    }
  }
  // Unknown block numbers return null (not an error) for block/tx getters, as geth does.
  const blockOrNull = (ref: p.BlockRef) => {
    if ('hash' in ref) return chain.db.byHash(ref.hash)
    if ('number' in ref) return ref.number > chain.latest() ? undefined : chain.db.byNumber(ref.number)
    return chain.db.byNumber(resolve(ref))
  }
  const stateAt = (ref: p.BlockRef) => chain.state.reader(resolve(ref))
  const blockJson = (block: ReturnType<typeof blockOrNull>, full: boolean) =>
    block
      ? formatBlock(
          {
            ...block,
            size: 600 + block.transactions.reduce((n, tx) => n + tx.raw.length, 0),
          },
          full,
        )
      : null

  const filters = new FilterRegistry(chain)
  const subscriptions = new Subscriptions(chain)

  const handlers: RpcHandlers = {
    web3_clientVersion: () => chain.clientVersion,
    web3_sha3: ([value]) => toHex(keccak256(p.data(value, 'data'))),
    net_version: () => chain.chainId.toString(),
    net_listening: () => true,
    net_peerCount: () => BigInt(chain.peerCount()),
    eth_chainId: () => chain.chainId,
    eth_blockNumber: () => chain.latest(),
    eth_syncing: () => false,
    eth_accounts: () => chain.accounts(),
    eth_coinbase: () => chain.db.byNumber(chain.latest())?.header.miner,
    eth_mining: () => false,
    eth_hashrate: () => 0n,
    eth_protocolVersion: () => '0x41',

    eth_getBalance: ([addr, block]) => stateAt(p.blockRef(block)).getAccount(p.address(addr))?.balance ?? 0n,
    eth_getTransactionCount: ([addr, block]) => {
      const a = p.address(addr)
      const ref = p.blockRef(block)
      if ('tag' in ref && ref.tag === 'pending') return chain.mempool.pendingNonce(a)
      return stateAt(ref).getAccount(a)?.nonce ?? 0n
    },
    eth_getCode: ([addr, block]) => {
      const a = p.address(addr)
      const state = stateAt(p.blockRef(block))
      const account = state.getAccount(a)
      if (!account || toHex(account.codeHash) === EMPTY_CODE_HASH) return '0x'
      return toHex(state.getCode(a, account.codeHash))
    },
    eth_getStorageAt: ([addr, slot, block]) => {
      const value = stateAt(p.blockRef(block)).getStorage(p.address(addr), p.quantity(slot, 'slot'))
      return `0x${value.toString(16).padStart(64, '0')}`
    },
    eth_getProof: ([addr, slots, block]) => {
      const a = p.address(addr)
      if (!Array.isArray(slots)) throw invalidParams('storageKeys: expected an array of 32-byte keys')
      const keys = slots.map((s, i) => p.quantity(s, `storageKeys[${i}]`))
      const version = resolve(p.blockRef(block))
      const reader = chain.state.reader(version)
      const account = reader.getAccount(a)
      const proof = chain.state.proveAccount(version, a, keys)
      return {
        address: a,
        balance: account?.balance ?? 0n,
        nonce: account?.nonce ?? 0n,
        codeHash: account ? toHex(account.codeHash) : EMPTY_CODE_HASH,
        // This chain has one flat tree (no per-account storage trie): storageHash is the state root.
        storageHash: chain.state.root(version),
        accountProof: [proof.account.proof],
        storageProof: keys.map((k, i) => ({
          key: `0x${k.toString(16).padStart(64, '0')}`,
          value: reader.getStorage(a, k),
          proof: [proof.storage[i]!.proof],
        })),
      }
    },

    eth_call: ([call, block]) => {
      const request = p.callRequest(call)
      const outcome = chain.call(request, resolve(p.blockRef(block)))
      if (!outcome.success) throw revertError(outcome)
      return toHex(outcome.output)
    },
    eth_estimateGas: ([call, block]) => estimateGas(chain, p.callRequest(call), resolve(p.blockRef(block))),
    eth_gasPrice: () => (chain.db.byNumber(chain.latest())?.header.baseFeePerGas ?? 0n) + chain.priorityFee(),
    eth_maxPriorityFeePerGas: () => chain.priorityFee(),
    eth_blobBaseFee: () => 1n,
    eth_feeHistory: ([count, newest, percentiles]) => {
      const n = p.quantity(count, 'blockCount')
      const last = resolve(p.blockRef(newest, 'newestBlock'))
      const blocks = n > 1024n ? 1024n : n
      const first = last - blocks + 1n < 0n ? 0n : last - blocks + 1n
      const pct = Array.isArray(percentiles) ? percentiles : []
      const baseFees: bigint[] = []
      const ratios: number[] = []
      const rewards: bigint[][] = []
      for (let b = first; b <= last; b++) {
        const h = chain.db.byNumber(b)!.header
        baseFees.push(h.baseFeePerGas)
        ratios.push(Number(h.gasUsed) / Number(h.gasLimit))
        rewards.push(pct.map(() => chain.priorityFee()))
      }
      const tip = chain.db.byNumber(last)!.header
      baseFees.push(tip.baseFeePerGas) // the next block's, as geth reports
      return {
        oldestBlock: first,
        baseFeePerGas: baseFees,
        gasUsedRatio: ratios,
        reward: pct.length ? rewards : undefined,
      }
    },

    eth_sendRawTransaction: async ([raw]) => {
      const bytes = p.data(raw, 'transaction')
      try {
        return await chain.submit(bytes)
      } catch (e) {
        if (e instanceof TransactionRejected) throw new RpcError(RpcErrorCode.server, e.message, { reason: e.reason })
        if (e instanceof TransactionDecodeError)
          throw new RpcError(RpcErrorCode.invalidParams, `invalid params: ${e.message}`, { reason: 'DecodeError' })
        throw e
      }
    },
    eth_sendTransaction: () => {
      throw new RpcError(
        RpcErrorCode.methodNotFound,
        'eth_sendTransaction is not available: this node holds no keys; sign locally and use eth_sendRawTransaction',
      )
    },

    eth_getTransactionByHash: ([h]) => {
      const txHash = p.hash(h, 'transactionHash')
      const found = chain.db.transaction(txHash)
      if (found)
        return formatTransaction(found.tx, {
          blockHash: found.block.hash,
          blockNumber: found.block.header.number,
          index: found.index,
          baseFee: found.block.header.baseFeePerGas,
        })
      const pooled = chain.mempool.get(txHash)
      return pooled ? formatTransaction(pooled) : null
    },
    eth_getTransactionReceipt: ([h]) => {
      const found = chain.db.transaction(p.hash(h, 'transactionHash'))
      return found ? formatReceipt(found.receipt) : null
    },
    eth_getTransactionByBlockNumberAndIndex: ([block, index]) => txAt(blockOrNull(p.blockRef(block)), index),
    eth_getTransactionByBlockHashAndIndex: ([block, index]) => txAt(chain.db.byHash(p.hash(block, 'blockHash')), index),
    eth_getBlockReceipts: ([block]) => blockOrNull(p.blockRef(block))?.receipts.map(formatReceipt) ?? null,

    eth_getBlockByNumber: ([block, full]) => blockJson(blockOrNull(p.blockRef(block)), full === true),
    eth_getBlockByHash: ([h, full]) => blockJson(chain.db.byHash(p.hash(h, 'blockHash')), full === true),
    eth_getBlockTransactionCountByNumber: ([block]) => countOrNull(blockOrNull(p.blockRef(block))),
    eth_getBlockTransactionCountByHash: ([h]) => countOrNull(chain.db.byHash(p.hash(h, 'blockHash'))),
    eth_getUncleCountByBlockNumber: () => 0n,
    eth_getUncleCountByBlockHash: () => 0n,
    eth_getUncleByBlockNumberAndIndex: () => null,
    eth_getUncleByBlockHashAndIndex: () => null,

    eth_getLogs: ([f]) => {
      const filter = p.logFilter(f)
      if (filter.blockHash) {
        const block = chain.db.byHash(filter.blockHash)
        if (!block) throw new RpcError(RpcErrorCode.resourceNotFound, `unknown block ${filter.blockHash}`)
        return collectLogs(chain.db, block.header.number, block.header.number, filter).map((l) => formatLog(l))
      }
      const from = resolveRange(filter.fromBlock)
      const to = resolveRange(filter.toBlock)
      if (from > to) return []
      return collectLogs(chain.db, from, to, filter).map((l) => formatLog(l))
    },
    eth_newFilter: ([f]) => filters.newLogFilter(p.logFilter(f)),
    eth_newBlockFilter: () => filters.newBlockFilter(),
    eth_newPendingTransactionFilter: () => filters.newPendingFilter(),
    eth_getFilterChanges: ([id]) => filters.changes(filterId(id)),
    eth_getFilterLogs: ([id]) => filters.logs(filterId(id)),
    eth_uninstallFilter: ([id]) => filters.uninstall(filterId(id)),

    eth_subscribe: ([kind, options], connection) => subscriptions.subscribe(kind, options, connection),
    eth_unsubscribe: ([id]) => subscriptions.unsubscribe(filterId(id)),

    spn_getFinality: ([h]) => {
      const status = chain.finality(p.hash(h, 'transactionHash'))
      return { status: status.tier, blockNumber: status.blockNumber ?? null, blockHash: status.blockHash ?? null }
    },
    spn_finalizedBlockNumber: () => chain.finalized(),
    spn_getBlockSeal: ([block]) => {
      const entry = blockOrNull(p.blockRef(block))
      return entry ? { number: entry.header.number, hash: entry.hash, signatures: entry.seal } : null
    },
    // Everything a follower needs to re-execute a block and check it: raw transactions with their
    // senders (recovery is skipped only after the block hash and seal check out), header and seal.
    spn_getRawBlock: ([block]) => {
      const entry = blockOrNull(p.blockRef(block))
      if (!entry) return null
      return {
        number: entry.header.number,
        hash: entry.hash,
        timestamp: entry.header.timestamp,
        miner: entry.header.miner,
        mixHash: entry.header.mixHash,
        stateRoot: entry.header.stateRoot,
        transactions: entry.transactions.map((t) => ({ raw: toHex(t.raw), from: t.from })),
        seal: entry.seal,
      }
    },
    spn_addBlockSignatures: ([number, signatures]) => {
      if (!Array.isArray(signatures)) throw invalidParams('signatures: expected an array of { validator, signature }')
      return chain.addBlockSignatures(
        p.quantity(number, 'number'),
        signatures.map((s, i) => {
          const o = s as { validator?: unknown; signature?: unknown }
          return {
            validator: p.address(o.validator, `signatures[${i}].validator`),
            signature: toHex(p.data(o.signature, `signatures[${i}].signature`)),
          }
        }),
      )
    },
    txpool_status: () => ({ pending: BigInt(chain.mempool.size), queued: 0n }),
  }

  function resolveRange(ref: p.BlockRef): bigint {
    if ('number' in ref && ref.number <= chain.latest()) return ref.number
    if ('number' in ref) return chain.latest()
    return resolve(ref)
  }
  function txAt(block: ReturnType<typeof blockOrNull>, index: unknown) {
    if (!block) return null
    const i = Number(p.quantity(index, 'index'))
    const tx = block.transactions[i]
    return tx
      ? formatTransaction(tx, {
          blockHash: block.hash,
          blockNumber: block.header.number,
          index: i,
          baseFee: block.header.baseFeePerGas,
        })
      : null
  }
  return {
    handlers,
    close: () => {
      filters.close()
      subscriptions.close()
    },
  }
}

const countOrNull = (block: { transactions: unknown[] } | undefined) =>
  block ? BigInt(block.transactions.length) : null

function filterId(value: unknown): Hex {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]+$/.test(value)) throw invalidParams('id: expected a hex filter id')
  return value.toLowerCase() as Hex
}

export { formatHeader }
