// `npm run bench -w @spnkit/chain`: transaction ingest (decode + sender recovery) of ours against
// viem's parseTransaction + recoverTransactionAddress, side by side on the same signed transactions.
import { fromHex } from '@spnkit/crypto'
import { keccak256, parseTransaction, recoverTransactionAddress, type TransactionSerializedEIP1559, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { recoverInline, SenderRecovery } from '../src/tx/sender-recovery.ts'
import { decodeTransaction } from '../src/tx/transaction.ts'

const N = Number(process.argv[2] ?? 3000)
const senders = Array.from({ length: 20 }, (_, i) => privateKeyToAccount(keccak256(toHex(`ingest-${i}`))))
const raws: TransactionSerializedEIP1559[] = []
for (let i = 0; i < N; i++)
  raws.push(
    (await senders[i % 20]!.signTransaction({
      type: 'eip1559',
      chainId: 4747,
      nonce: Math.floor(i / 20),
      gas: 21000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      to: senders[(i + 1) % 20]!.address,
      value: 1n,
    })) as TransactionSerializedEIP1559,
  )
const bytes = raws.map((r) => fromHex(r))

async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  const runs: number[] = []
  for (let r = 0; r < 3; r++) {
    const t = performance.now()
    await fn()
    runs.push(performance.now() - t)
  }
  return runs.sort((a, b) => a - b)[1]! // median of 3
}

const decodeOnly = await time(() => bytes.map((b) => decodeTransaction(b)))
const viemDecode = await time(() => raws.map((r) => parseTransaction(r)))
const oursInline = await time(() => bytes.map((b) => recoverInline(decodeTransaction(b))))
const viemRecover = await time(() =>
  Promise.all(raws.map((r) => recoverTransactionAddress({ serializedTransaction: r }))),
)
const pool = new SenderRecovery({ workers: 1 })
await pool.recover(bytes.slice(0, 32).map((b) => decodeTransaction(b))) // warm the worker
const oursWorker = await time(() => pool.recover(bytes.map((b) => decodeTransaction(b))))
await pool.close()

const rate = (ms: number) => Math.round((N / ms) * 1000)
const rows: [string, number][] = [
  ['ours decode (zero-copy RLP)', decodeOnly],
  ['viem parseTransaction', viemDecode],
  ['ours decode + recover (main thread, native secp256k1)', oursInline],
  ['ours decode + recover (1 worker thread, batched)', oursWorker],
  ['viem parse + recoverTransactionAddress (noble)', viemRecover],
]
process.stdout.write(`\nIngest benchmark: ${N} signed EIP-1559 transfers (median of 3 runs)\n\n`)
for (const [name, ms] of rows)
  process.stdout.write(`  ${name.padEnd(56)} ${ms.toFixed(1).padStart(8)} ms ${String(rate(ms)).padStart(9)} tx/s\n`)
process.stdout.write(
  `\n${JSON.stringify({ bench: 'ingest', n: N, decode_per_s: { ours: rate(decodeOnly), viem: rate(viemDecode) }, recover_per_s: { ours_inline: rate(oursInline), ours_worker: rate(oursWorker), viem: rate(viemRecover) }, ratio_recover: Math.round((viemRecover / oursInline) * 100) / 100 })}\n`,
)
