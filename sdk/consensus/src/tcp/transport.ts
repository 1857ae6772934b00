// TCP transport between validator processes. Frames are u32 big-endian length ‖ payload. Each
// validator dials every peer (outbound = sending) and accepts peers' dials (inbound = receiving).
// Peers authenticate on connect: the acceptor sends a random challenge, the dialer answers with its
// address and a secp256k1 signature over keccak("spnkit.p2p.v1" ‖ chainId ‖ challenge ‖ acceptor),
// and only validators in the configured peer list are accepted. Outbound queues are bounded
// (back-pressure: we stop writing on a full socket buffer and resume on 'drain'; past the byte cap
// the oldest frames are dropped — consensus retransmits what matters). Dials retry with backoff.
import { randomBytes } from 'node:crypto'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { keccak256Concat } from '@spnkit/crypto'
import { decodeMessage, encodeMessage } from '../codec.ts'
import { hexToBytes } from '../hex.ts'
import type { SignatureScheme } from '../signature.ts'
import type { Hex, Message } from '../types.ts'

export const MAX_FRAME_BYTES = 64 * 1024 * 1024
const HELLO_TAG = new TextEncoder().encode('spnkit.p2p.v1')

export interface PeerAddress {
  readonly address: Hex
  readonly host: string
  readonly port: number
}

export interface TcpTransportOptions {
  readonly chainId: number
  readonly privateKey: Uint8Array
  readonly scheme: SignatureScheme
  readonly listenPort: number
  readonly listenHost?: string
  readonly peers: readonly PeerAddress[]
  /** Bytes queued per peer before the oldest frames are dropped. Default 32 MiB. */
  readonly maxQueueBytes?: number
  readonly onMessage: (message: Message, from: Hex) => void
  readonly onError?: (error: Error) => void
}

function frame(payload: Uint8Array): Buffer {
  const head = Buffer.alloc(4)
  head.writeUInt32BE(payload.length)
  return Buffer.concat([head, payload])
}

/** Splits a byte stream into frames; throws on an oversized frame (the caller drops the peer). */
class FrameReader {
  #buf: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): Buffer[] {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk])
    const out: Buffer[] = []
    while (this.#buf.length >= 4) {
      const len = this.#buf.readUInt32BE(0)
      if (len > MAX_FRAME_BYTES) throw new Error(`frame of ${len} bytes exceeds ${MAX_FRAME_BYTES}`)
      if (this.#buf.length < 4 + len) break
      out.push(this.#buf.subarray(4, 4 + len))
      this.#buf = this.#buf.subarray(4 + len)
    }
    return out
  }
}

function helloDigest(chainId: number, challenge: Uint8Array, acceptor: Hex): Uint8Array {
  const id = Buffer.alloc(8)
  id.writeBigUInt64BE(BigInt(chainId))
  return keccak256Concat(HELLO_TAG, id, challenge, hexToBytes(acceptor, 20, 'acceptor'))
}

class OutboundPeer {
  readonly peer: PeerAddress
  readonly #t: TcpTransport
  #socket: Socket | null = null
  #ready = false
  #queue: Buffer[] = []
  #queued = 0
  #backoff = 100
  #closed = false
  dropped = 0

  constructor(t: TcpTransport, peer: PeerAddress) {
    this.#t = t
    this.peer = peer
    this.#dial()
  }

  #dial(): void {
    if (this.#closed) return
    const socket = connect({ host: this.peer.host, port: this.peer.port })
    this.#socket = socket
    this.#ready = false
    const reader = new FrameReader()
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      if (this.#ready) return
      try {
        const [challengeFrame] = reader.push(chunk)
        if (!challengeFrame) return
        // Challenge frame: 32 random bytes ‖ acceptor address (20).
        if (challengeFrame.length !== 52) throw new Error('bad challenge frame')
        const acceptor = `0x${challengeFrame.subarray(32).toString('hex')}` as Hex
        if (acceptor !== this.peer.address)
          throw new Error(`peer at ${this.peer.host}:${this.peer.port} is ${acceptor}, expected ${this.peer.address}`)
        const sig = this.#t.sign(helloDigest(this.#t.chainId, challengeFrame.subarray(0, 32), acceptor))
        socket.write(frame(Buffer.concat([hexToBytes(this.#t.address, 20, 'address'), sig])))
        this.#ready = true
        this.#backoff = 100
        this.#flush()
      } catch (error) {
        this.#t.reportError(error as Error)
        socket.destroy()
      }
    })
    socket.on('drain', () => this.#flush())
    socket.on('error', () => {})
    socket.on('close', () => {
      this.#ready = false
      this.#socket = null
      if (this.#closed) return
      setTimeout(() => this.#dial(), this.#backoff).unref()
      this.#backoff = Math.min(this.#backoff * 2, 2000)
    })
  }

  send(payload: Buffer): void {
    this.#queue.push(payload)
    this.#queued += payload.length
    while (this.#queued > this.#t.maxQueueBytes && this.#queue.length > 1) {
      this.#queued -= this.#queue.shift()!.length
      this.dropped++
    }
    this.#flush()
  }

  #flush(): void {
    const s = this.#socket
    if (!s || !this.#ready) return
    while (this.#queue.length > 0) {
      const next = this.#queue.shift()!
      this.#queued -= next.length
      if (!s.write(next)) return // wait for 'drain'
    }
  }

  close(): void {
    this.#closed = true
    this.#socket?.destroy()
  }
}

export class TcpTransport {
  readonly address: Hex
  readonly chainId: number
  readonly maxQueueBytes: number
  readonly #opts: TcpTransportOptions
  readonly #server: Server
  readonly #out = new Map<Hex, OutboundPeer>()
  readonly #inbound = new Set<Socket>()
  readonly #known: Set<Hex>
  rejectedPeers = 0

  private constructor(opts: TcpTransportOptions, server: Server) {
    this.#opts = opts
    this.#server = server
    this.chainId = opts.chainId
    this.address = opts.scheme.address(opts.privateKey)
    this.maxQueueBytes = opts.maxQueueBytes ?? 32 * 1024 * 1024
    this.#known = new Set(opts.peers.map((p) => p.address))
  }

  static async start(opts: TcpTransportOptions): Promise<TcpTransport> {
    const server = createServer()
    const t = new TcpTransport(opts, server)
    server.on('connection', (socket) => t.#accept(socket))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.listenPort, opts.listenHost ?? '127.0.0.1', () => resolve())
    })
    for (const p of opts.peers) if (p.address !== t.address) t.#out.set(p.address, new OutboundPeer(t, p))
    return t
  }

  sign(digest: Uint8Array): Uint8Array {
    return this.#opts.scheme.sign(digest, this.#opts.privateKey)
  }

  reportError(error: Error): void {
    this.#opts.onError?.(error)
  }

  #accept(socket: Socket): void {
    this.#inbound.add(socket)
    socket.setNoDelay(true)
    const challenge = randomBytes(32)
    socket.write(frame(Buffer.concat([challenge, hexToBytes(this.address, 20, 'address')])))
    const reader = new FrameReader()
    let peer: Hex | null = null
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const f of reader.push(chunk)) {
          if (peer === null) {
            if (f.length !== 85) throw new Error('bad hello frame')
            const claimed = `0x${f.subarray(0, 20).toString('hex')}` as Hex
            const signer = this.#opts.scheme.recover(helloDigest(this.chainId, challenge, this.address), f.subarray(20))
            if (signer !== claimed || !this.#known.has(claimed)) {
              this.rejectedPeers++
              throw new Error(`unauthenticated peer ${claimed}`)
            }
            peer = claimed
            continue
          }
          let message: Message
          try {
            message = decodeMessage(f)
          } catch (error) {
            this.reportError(error as Error) // garbage frame: drop it, keep the connection
            continue
          }
          this.#opts.onMessage(message, peer)
        }
      } catch (error) {
        this.reportError(error as Error)
        socket.destroy()
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => this.#inbound.delete(socket))
  }

  /** Sends to one peer, or to every peer when `to` is null. */
  send(to: Hex | null, message: Message): void {
    const payload = frame(encodeMessage(message))
    if (to === null) for (const p of this.#out.values()) p.send(payload)
    else this.#out.get(to)?.send(payload)
  }

  async close(): Promise<void> {
    for (const p of this.#out.values()) p.close()
    for (const s of this.#inbound) s.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
