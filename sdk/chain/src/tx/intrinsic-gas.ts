import type { Transaction } from './transaction.ts'

/** Cancun: EIP-3860 caps initcode at 2 × the 24,576-byte code limit. */
export const MAX_INITCODE_SIZE = 49_152

/** Gas charged before execution starts (Cancun rules: calldata, creation, access list, initcode words). */
export function intrinsicGas(tx: Pick<Transaction, 'to' | 'data' | 'accessList'>): bigint {
  let gas = 21_000n
  let zeros = 0
  for (const b of tx.data) if (b === 0) zeros++
  gas += BigInt(zeros) * 4n + BigInt(tx.data.length - zeros) * 16n
  if (tx.to === null) {
    gas += 32_000n
    gas += 2n * BigInt(Math.ceil(tx.data.length / 32))
  }
  for (const entry of tx.accessList) gas += 2_400n + 1_900n * BigInt(entry.storageKeys.length)
  return gas
}
