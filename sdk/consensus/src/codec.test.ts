import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { decodeMessage, decodeWalRecord, encodeMessage, encodeWalRecord } from './codec.ts'
import { CodecError } from './errors.ts'
import { Prng } from './sim/prng.ts'
import { Workload } from './sim/workload.ts'
import type { Hex, Message, Proposal, VoteBatch } from './types.ts'
import { FileWal } from './wal.ts'

const w = new Workload('codec', 4)
const p: Proposal = {
  kind: 'propose',
  chainId: 9,
  epoch: 1,
  slot: 77,
  proposer: w.senders[0]!,
  timestamp: 1234,
  txs: [w.next(), w.next(), { ...w.next(), nonce: 2n ** 70n }],
  hash: `0x${'ab'.repeat(32)}`,
  sig: new Uint8Array(65).fill(3),
}
const messages: Message[] = [
  p,
  {
    kind: 'votes',
    chainId: 9,
    sender: w.senders[1]!,
    seq: 5,
    epoch: 1,
    committed: 70,
    sig: new Uint8Array(65).fill(1),
    votes: [
      { slot: 77, proposer: w.senders[0]!, phase: 2, value: p.hash, sig: new Uint8Array(65).fill(2), psig: p.sig },
      { slot: 78, proposer: w.senders[2]!, phase: 4, value: `0x${'00'.repeat(32)}`, sig: new Uint8Array(65).fill(4) },
    ],
  },
  { kind: 'fetch', slot: 3, proposer: w.senders[0]!, hash: p.hash },
  { kind: 'sync', slot: 8 },
  { kind: 'sync-reply', slot: 8, decisions: [[w.senders[0]!, p.hash]], proposals: [p] },
]

test('every message kind round-trips through the binary codec', () => {
  for (const m of messages) assert.deepEqual(decodeMessage(encodeMessage(m)), m)
})

test('random bytes and truncations only ever raise CodecError', () => {
  const rng = new Prng(42)
  const samples = messages.map((m) => encodeMessage(m))
  for (let i = 0; i < 3000; i++) {
    let bytes: Uint8Array
    if (i % 3 === 0) bytes = rng.bytes(rng.int(0, 300))
    else {
      const s = samples[i % samples.length]!
      bytes = new Uint8Array(s.subarray(0, rng.int(0, s.length)))
      if (i % 3 === 2 && bytes.length > 0) {
        const at = rng.int(0, bytes.length - 1)
        bytes[at] = bytes[at]! ^ 0xff
      }
    }
    try {
      decodeMessage(bytes)
    } catch (error) {
      assert.ok(error instanceof CodecError, `unexpected ${(error as Error).name}: ${(error as Error).message}`)
    }
  }
})

test('FileWal persists records, survives a torn tail and compacts', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'spnkit-wal-'))
  try {
    const file = path.join(dir, 'wal.bin')
    const wal = FileWal.open(file)
    wal.append([
      { kind: 'proposal', proposal: p },
      { kind: 'batch', seq: 0 },
    ])
    wal.append([
      { kind: 'vote', vote: (messages[1] as VoteBatch).votes[0]! },
      { kind: 'batch', seq: 1 },
    ])
    wal.close()
    const size = statSync(file).size
    truncateSync(file, size - 3) // crash in the middle of the last frame
    const again = FileWal.open(file)
    assert.equal(again.records.length, 3)
    assert.deepEqual(again.records[0], { kind: 'proposal', proposal: p })
    again.append([{ kind: 'batch', seq: 2 }])
    again.compact((r) => r.kind !== 'proposal')
    again.close()
    const reopened = FileWal.open(file)
    assert.deepEqual(
      reopened.records.map((r) => r.kind),
      ['batch', 'vote', 'batch'],
    )
    assert.deepEqual(reopened.records[2], { kind: 'batch', seq: 2 })
    reopened.close()
    assert.deepEqual(decodeWalRecord(encodeWalRecord({ kind: 'batch', seq: 9 })), { kind: 'batch', seq: 9 })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

void (0 as unknown as Hex)
