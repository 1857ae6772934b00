import assert from 'node:assert/strict'
import { test } from 'node:test'
import { keccak256Concat } from '@spnkit/crypto'
import { consensusDigest, Phase } from './digest.ts'
import { ownersOf } from './ownership.ts'
import { proposalHash } from './proposal.ts'
import { secp256k1Scheme } from './signature.ts'
import { Workload } from './sim/workload.ts'
import type { Hex, Proposal, Tx, WalRecord } from './types.ts'
import { Validator } from './validator.ts'
import { ValidatorSet } from './validator-set.ts'

const keys = Array.from({ length: 4 }, (_, i) => keccak256Concat(new TextEncoder().encode(`validator-test-${i}`)))
const addrs = keys.map((k) => secp256k1Scheme.address(k))
const set = ValidatorSet.equal(0, addrs)
const chainId = 5

function make(i: number, wal?: WalRecord[]): Validator {
  return new Validator({
    chainId,
    privateKey: keys[i]!,
    validatorSet: (e) => (e === 0 ? set : undefined),
    window: 2,
    maxBatch: 10,
    ...(wal ? { wal } : {}),
  })
}

function ownedTx(owner: Hex, tag: string): Tx {
  const w = new Workload(tag, 200)
  const idx = w.senders.findIndex((s) => ownersOf(chainId, set, s, 1)[0] === owner)
  return w.next(idx)
}

function signProposal(i: number, slot: number, txs: Tx[], timestamp: number): Proposal {
  const proposer = addrs[i]!
  const hash = proposalHash(chainId, 0, slot, proposer, timestamp, txs)
  const sig = secp256k1Scheme.sign(consensusDigest(chainId, 0, slot, proposer, Phase.PROPOSE, hash), keys[i]!)
  return { kind: 'propose', chainId, epoch: 0, slot, proposer, timestamp, txs, hash, sig }
}

test('submitTx rejects malformed txs with a clear error and ignores duplicates', () => {
  const v = make(0)
  assert.throws(
    () => v.submitTx({ bytes: new Uint8Array(), sender: '0x12' as Hex, nonce: 0n, hash: '0x00' as Hex }),
    /sender \(20 bytes\)/,
  )
  const tx = ownedTx(v.address, 'dup')
  assert.equal(v.submitTx(tx), true)
  assert.equal(v.submitTx(tx), false)
})

test('an owner proposes its txs (signed, ecrecover-verifiable); a non-owner does not', () => {
  const v = make(0)
  const other = make(1)
  const tx = ownedTx(v.address, 'own')
  v.submitTx(tx)
  other.submitTx(tx)
  const out = v.drain()
  const p = out.messages.find((m) => m.message.kind === 'propose')?.message as Proposal
  assert.ok(p)
  assert.deepEqual(p.txs, [tx])
  assert.equal(
    secp256k1Scheme.recover(consensusDigest(chainId, 0, 1, v.address, Phase.PROPOSE, p.hash), p.sig),
    v.address,
  )
  assert.ok(
    out.wal.some((r) => r.kind === 'proposal'),
    'the proposal is in the WAL output',
  )
  assert.equal(other.drain().messages.length, 0, 'a backup owner waits K slots before proposing')
})

test('a proposal carrying a tx its proposer does not own is invalid: no ECHO', () => {
  const v = make(0)
  const w = new Workload('foreign', 200)
  const foreign = w.next(w.senders.findIndex((s) => !ownersOf(chainId, set, s, 2).includes(addrs[1]!)))
  v.onMessage(signProposal(1, 1, [foreign], 1))
  const votes = v.drain().messages.filter((m) => m.message.kind === 'votes')
  assert.equal(votes.length, 0)
  assert.ok(v.stats.rejected > 0)
  // The same proposer with a tx it owns gets an ECHO.
  v.onMessage(signProposal(1, 2, [ownedTx(addrs[1]!, 'ok')], 1))
  const echoed = v.drain().messages.flatMap((m) => (m.message.kind === 'votes' ? m.message.votes : []))
  assert.ok(echoed.some((x) => x.phase === Phase.ECHO && x.slot === 2))
})

test('garbage never throws out of onMessage', () => {
  const v = make(0)
  for (const junk of [
    null,
    {},
    { kind: 'votes' },
    { kind: 'propose', txs: 5 },
    { kind: 'sync-reply', decisions: 1 },
    42,
    'x',
  ])
    v.onMessage(junk as never, addrs[1])
  assert.ok(v.stats.rejected >= 5)
})

test('after a crash, WAL replay prevents signing a conflicting ECHO or a second proposal', () => {
  const a = make(0)
  const wal: WalRecord[] = []
  a.submitTx(ownedTx(a.address, 'before-crash'))
  const p1 = signProposal(1, 1, [ownedTx(addrs[1]!, 'p1')], 10)
  a.onMessage(p1)
  const first = a.drain()
  wal.push(...first.wal)
  const echo = first.messages
    .flatMap((m) => (m.message.kind === 'votes' ? m.message.votes : []))
    .find((x) => x.phase === Phase.ECHO)
  assert.equal(echo?.value, p1.hash)
  const myProposal = first.messages.find((m) => m.message.kind === 'propose')!.message as Proposal

  // Restart from the WAL alone, then face a Twin of proposer 1 and new local txs.
  const b = make(0, wal)
  b.submitTx(ownedTx(b.address, 'after-crash'))
  const twin = signProposal(1, 1, [ownedTx(addrs[1]!, 'p1-twin')], 11)
  b.onMessage(twin)
  b.tick(1)
  const after = b.drain()
  const statements = after.messages.flatMap((m) =>
    m.message.kind === 'votes' ? m.message.votes.map((v) => [v.slot, v.proposer, v.phase, v.value] as const) : [],
  )
  assert.ok(
    !statements.some(
      ([slot, p, phase, value]) => slot === 1 && p === addrs[1] && phase === Phase.ECHO && value === twin.hash,
    ),
  )
  const proposals = after.messages.filter((m) => m.message.kind === 'propose').map((m) => m.message as Proposal)
  for (const p of proposals)
    if (p.slot === 1) assert.equal(p.hash, myProposal.hash, 'slot 1 re-sent unchanged, never re-proposed')
  assert.equal(b.stats.guardTrips, 0)
  // It caught the Twin: two proposals for (slot 1, proposer 1) → PROPOSE equivocation evidence.
  assert.ok(after.evidence.some((e) => e.signer === addrs[1] && e.phase === Phase.PROPOSE && e.slot === 1))
})
