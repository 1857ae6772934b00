import { toHex } from '@spnkit/crypto'
import { EMPTY_UNCLES_HASH } from '../block/header.ts'
import type { BlockHeader, Log, Receipt } from '../block/types.ts'
import type { PooledTransaction } from '../mempool/mempool.ts'
import type { Hex } from '../tx/transaction.ts'

// Ethereum JSON-RPC shapes (execution-apis): quantities as minimal hex via toJson's bigint rule,
// data as hex. Field names follow geth so viem's formatters and cast's serde accept them.

const q = (n: bigint | number) => BigInt(n)

export function formatTransaction(
  tx: PooledTransaction,
  where?: { blockHash: Hex; blockNumber: bigint; index: number; baseFee: bigint },
) {
  const out: Record<string, unknown> = {
    type: q(tx.type),
    hash: tx.hash,
    nonce: q(tx.nonce),
    blockHash: where?.blockHash ?? null,
    blockNumber: where ? q(where.blockNumber) : null,
    transactionIndex: where ? q(where.index) : null,
    from: tx.from,
    to: tx.to,
    value: tx.value,
    gas: tx.gasLimit,
    input: toHex(tx.data),
    v: tx.v,
    r: tx.r,
    s: tx.s,
  }
  if (tx.chainId !== undefined) out.chainId = tx.chainId
  if (tx.type === 0 || tx.type === 1) out.gasPrice = tx.maxFeePerGas
  else {
    out.maxFeePerGas = tx.maxFeePerGas
    out.maxPriorityFeePerGas = tx.maxPriorityFeePerGas
    const tip = tx.maxFeePerGas - (where?.baseFee ?? 0n)
    out.gasPrice = where
      ? where.baseFee + (tip < tx.maxPriorityFeePerGas ? tip : tx.maxPriorityFeePerGas)
      : tx.maxFeePerGas
  }
  if (tx.type !== 0) {
    out.accessList = tx.accessList
    out.yParity = q(tx.yParity)
  }
  if (tx.type === 3) {
    out.maxFeePerBlobGas = tx.maxFeePerBlobGas
    out.blobVersionedHashes = tx.blobVersionedHashes
  }
  return out
}

export function formatLog(log: Log, removed = false) {
  return {
    address: log.address,
    topics: log.topics,
    data: log.data,
    blockNumber: q(log.blockNumber),
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    transactionIndex: q(log.transactionIndex),
    logIndex: q(log.logIndex),
    removed,
  }
}

export function formatReceipt(r: Receipt) {
  return {
    transactionHash: r.transactionHash,
    transactionIndex: q(r.transactionIndex),
    blockHash: r.blockHash,
    blockNumber: q(r.blockNumber),
    from: r.from,
    to: r.to,
    cumulativeGasUsed: r.cumulativeGasUsed,
    gasUsed: r.gasUsed,
    effectiveGasPrice: r.effectiveGasPrice,
    contractAddress: r.contractAddress,
    logs: r.logs.map((l) => formatLog(l)),
    logsBloom: r.logsBloom,
    status: q(r.status),
    type: q(r.type),
  }
}

export function formatHeader(header: BlockHeader, hash: Hex) {
  return {
    number: header.number,
    hash,
    parentHash: header.parentHash,
    sha3Uncles: EMPTY_UNCLES_HASH,
    miner: header.miner,
    stateRoot: header.stateRoot,
    transactionsRoot: header.transactionsRoot,
    receiptsRoot: header.receiptsRoot,
    logsBloom: header.logsBloom,
    difficulty: 0n,
    totalDifficulty: 0n,
    gasLimit: header.gasLimit,
    gasUsed: header.gasUsed,
    timestamp: header.timestamp,
    extraData: header.extraData,
    mixHash: header.mixHash,
    nonce: '0x0000000000000000',
    baseFeePerGas: header.baseFeePerGas,
    withdrawalsRoot: header.withdrawalsRoot,
    blobGasUsed: header.blobGasUsed,
    excessBlobGas: header.excessBlobGas,
    parentBeaconBlockRoot: header.parentBeaconBlockRoot,
  }
}

export function formatBlock(
  block: { header: BlockHeader; hash: Hex; transactions: PooledTransaction[]; size: number },
  full: boolean,
) {
  return {
    ...formatHeader(block.header, block.hash),
    size: q(block.size),
    uncles: [],
    withdrawals: [],
    transactions: full
      ? block.transactions.map((tx, index) =>
          formatTransaction(tx, {
            blockHash: block.hash,
            blockNumber: block.header.number,
            index,
            baseFee: block.header.baseFeePerGas,
          }),
        )
      : block.transactions.map((tx) => tx.hash),
  }
}
