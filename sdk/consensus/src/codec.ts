// Binary wire and WAL format. Every message starts with a one-byte tag; integers are big-endian;
// hex fields travel as raw bytes of fixed width; byte strings are length-prefixed. The reader
// bounds-checks everything and throws `CodecError`, so garbage from a peer never crashes a node.
import { CodecError } from './errors.ts'
import { bytesToHex } from './hex.ts'
import type { Hex, Message, Proposal, Tx, Vote, WalRecord } from './types.ts'

const TAG = { propose: 1, votes: 2, fetch: 3, sync: 4, syncReply: 5, walProposal: 10, walVote: 11, walBatch: 12 }
const MAX_LIST = 1 << 20

class Writer {
  buf = Buffer.alloc(1024)
  o = 0

  #ensure(n: number): void {
    if (this.o + n <= this.buf.length) return
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.o + n))
    this.buf.copy(next, 0, 0, this.o)
    this.buf = next
  }

  u8(v: number): void {
    this.#ensure(1)
    this.buf[this.o++] = v
  }

  u32(v: number): void {
    this.#ensure(4)
    this.buf.writeUInt32BE(v, this.o)
    this.o += 4
  }

  u64(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new CodecError(`encode: ${v} is not a uint64-safe integer`)
    this.#ensure(8)
    this.buf.writeBigUInt64BE(BigInt(v), this.o)
    this.o += 8
  }

  hex(h: Hex, len: number): void {
    this.#ensure(len)
    if (this.buf.write(h.slice(2), this.o, len, 'hex') !== len || h.length !== 2 + 2 * len)
      throw new CodecError(`encode: expected ${len}-byte hex, got ${String(h).slice(0, 24)}`)
    this.o += len
  }

  bytes(b: Uint8Array): void {
    this.u32(b.length)
    this.#ensure(b.length)
    this.buf.set(b, this.o)
    this.o += b.length
  }

  bigint(v: bigint): void {
    if (v < 0n) throw new CodecError('encode: negative bigint')
    const h = v.toString(16)
    this.bytes(Buffer.from(h.length % 2 ? `0${h}` : h, 'hex'))
  }

  done(): Uint8Array {
    return this.buf.subarray(0, this.o)
  }
}

class Reader {
  readonly b: Buffer
  o = 0

  constructor(bytes: Uint8Array) {
    this.b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  }

  #need(n: number): void {
    if (this.o + n > this.b.length) throw new CodecError(`decode: truncated input at byte ${this.o} (need ${n} more)`)
  }

  u8(): number {
    this.#need(1)
    return this.b[this.o++]!
  }

  u32(): number {
    this.#need(4)
    const v = this.b.readUInt32BE(this.o)
    this.o += 4
    return v
  }

  u64(): number {
    this.#need(8)
    const v = this.b.readBigUInt64BE(this.o)
    this.o += 8
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new CodecError(`decode: integer ${v} too large at byte ${this.o - 8}`)
    return Number(v)
  }

  hex(len: number): Hex {
    this.#need(len)
    const h = `0x${this.b.toString('hex', this.o, this.o + len)}` as Hex
    this.o += len
    return h
  }

  bytes(): Uint8Array {
    const n = this.u32()
    this.#need(n)
    const out = new Uint8Array(n)
    out.set(this.b.subarray(this.o, this.o + n))
    this.o += n
    return out
  }

  count(): number {
    const n = this.u32()
    if (n > MAX_LIST) throw new CodecError(`decode: list of ${n} entries exceeds ${MAX_LIST}`)
    return n
  }

  bigint(): bigint {
    const b = this.bytes()
    return b.length === 0 ? 0n : BigInt(bytesToHex(b))
  }

  end(): void {
    if (this.o !== this.b.length) throw new CodecError(`decode: ${this.b.length - this.o} trailing bytes`)
  }
}

function writeProposal(w: Writer, p: Proposal): void {
  w.u64(p.chainId)
  w.u64(p.epoch)
  w.u64(p.slot)
  w.hex(p.proposer, 20)
  w.u64(p.timestamp)
  w.hex(p.hash, 32)
  w.bytes(p.sig)
  w.u32(p.txs.length)
  for (const tx of p.txs) {
    w.hex(tx.sender, 20)
    w.bigint(tx.nonce)
    w.hex(tx.hash, 32)
    w.bytes(tx.bytes)
  }
}

function readProposal(r: Reader): Proposal {
  const chainId = r.u64()
  const epoch = r.u64()
  const slot = r.u64()
  const proposer = r.hex(20)
  const timestamp = r.u64()
  const hash = r.hex(32)
  const sig = r.bytes()
  const n = r.count()
  const txs: Tx[] = []
  for (let i = 0; i < n; i++) {
    const sender = r.hex(20)
    const nonce = r.bigint()
    const txHash = r.hex(32)
    txs.push({ sender, nonce, hash: txHash, bytes: r.bytes() })
  }
  return { kind: 'propose', chainId, epoch, slot, proposer, timestamp, hash, sig, txs }
}

function writeVote(w: Writer, v: Vote): void {
  w.u64(v.slot)
  w.hex(v.proposer, 20)
  w.u8(v.phase)
  w.hex(v.value, 32)
  w.bytes(v.sig)
  if (v.psig) {
    w.u8(1)
    w.bytes(v.psig)
  } else w.u8(0)
}

function readVote(r: Reader): Vote {
  const slot = r.u64()
  const proposer = r.hex(20)
  const phase = r.u8()
  const value = r.hex(32)
  const sig = r.bytes()
  const flag = r.u8()
  if (flag > 1) throw new CodecError(`decode: bad psig flag ${flag}`)
  return flag ? { slot, proposer, phase, value, sig, psig: r.bytes() } : { slot, proposer, phase, value, sig }
}

export function encodeMessage(m: Message): Uint8Array {
  const w = new Writer()
  switch (m.kind) {
    case 'propose':
      w.u8(TAG.propose)
      writeProposal(w, m)
      break
    case 'votes':
      w.u8(TAG.votes)
      w.u64(m.chainId)
      w.hex(m.sender, 20)
      w.u64(m.seq)
      w.u64(m.epoch)
      w.u64(m.committed)
      w.bytes(m.sig)
      w.u32(m.votes.length)
      for (const v of m.votes) writeVote(w, v)
      break
    case 'fetch':
      w.u8(TAG.fetch)
      w.u64(m.slot)
      w.hex(m.proposer, 20)
      w.hex(m.hash, 32)
      break
    case 'sync':
      w.u8(TAG.sync)
      w.u64(m.slot)
      break
    case 'sync-reply':
      w.u8(TAG.syncReply)
      w.u64(m.slot)
      w.u32(m.decisions.length)
      for (const [p, h] of m.decisions) {
        w.hex(p, 20)
        w.hex(h, 32)
      }
      w.u32(m.proposals.length)
      for (const p of m.proposals) writeProposal(w, p)
      break
    default:
      throw new CodecError(`encode: unknown message kind ${(m as { kind: unknown }).kind}`)
  }
  return w.done()
}

export function decodeMessage(bytes: Uint8Array): Message {
  const r = new Reader(bytes)
  const tag = r.u8()
  let m: Message
  if (tag === TAG.propose) m = readProposal(r)
  else if (tag === TAG.votes) {
    const chainId = r.u64()
    const sender = r.hex(20)
    const seq = r.u64()
    const epoch = r.u64()
    const committed = r.u64()
    const sig = r.bytes()
    const n = r.count()
    const votes: Vote[] = []
    for (let i = 0; i < n; i++) votes.push(readVote(r))
    m = { kind: 'votes', chainId, sender, seq, epoch, committed, sig, votes }
  } else if (tag === TAG.fetch) m = { kind: 'fetch', slot: r.u64(), proposer: r.hex(20), hash: r.hex(32) }
  else if (tag === TAG.sync) m = { kind: 'sync', slot: r.u64() }
  else if (tag === TAG.syncReply) {
    const slot = r.u64()
    const nd = r.count()
    const decisions: [Hex, Hex][] = []
    for (let i = 0; i < nd; i++) decisions.push([r.hex(20), r.hex(32)])
    const np = r.count()
    const proposals: Proposal[] = []
    for (let i = 0; i < np; i++) proposals.push(readProposal(r))
    m = { kind: 'sync-reply', slot, decisions, proposals }
  } else throw new CodecError(`decode: unknown message tag ${tag}`)
  r.end()
  return m
}

export function encodeWalRecord(rec: WalRecord): Uint8Array {
  const w = new Writer()
  if (rec.kind === 'proposal') {
    w.u8(TAG.walProposal)
    writeProposal(w, rec.proposal)
  } else if (rec.kind === 'vote') {
    w.u8(TAG.walVote)
    writeVote(w, rec.vote)
  } else {
    w.u8(TAG.walBatch)
    w.u64(rec.seq)
  }
  return w.done()
}

export function decodeWalRecord(bytes: Uint8Array): WalRecord {
  const r = new Reader(bytes)
  const tag = r.u8()
  let rec: WalRecord
  if (tag === TAG.walProposal) rec = { kind: 'proposal', proposal: readProposal(r) }
  else if (tag === TAG.walVote) rec = { kind: 'vote', vote: readVote(r) }
  else if (tag === TAG.walBatch) rec = { kind: 'batch', seq: r.u64() }
  else throw new CodecError(`decode: unknown WAL record tag ${tag}`)
  r.end()
  return rec
}
