import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type WebSocket, WebSocketServer } from 'ws'
import { RpcError, RpcErrorCode } from './errors.ts'

export type JsonRpcId = string | number | null

/** Per-connection context: WebSocket connections can hold subscriptions. */
export type RpcConnection = {
  /** Present on WebSocket connections: pushes an `eth_subscription` notification. */
  notify?: (message: unknown) => void
  /** Registers cleanup for when the connection closes (subscriptions). */
  onClose?: (fn: () => void) => void
}

export type RpcHandler = (params: unknown[], connection: RpcConnection) => unknown | Promise<unknown>
export type RpcHandlers = Record<string, RpcHandler>

export type RpcServerOptions = {
  host: string
  /** 0 picks a free port. */
  port: number
  /** Largest HTTP body / WebSocket message accepted (bytes): larger ones get 413 / error -32600. */
  maxBodyBytes: number
  /** Largest number of calls in one batch. */
  maxBatch: number
  /** Extra plain-HTTP routes (`/ready`, `/metrics`), answered before JSON-RPC. */
  routes?: Record<string, (res: ServerResponse) => void | Promise<void>>
  /** Observes every call (metrics). */
  onCall?: (method: string, ok: boolean, ms: number) => void
}

type Reply = {
  jsonrpc: '2.0'
  id: JsonRpcId
  result?: unknown
  error?: { code: number; message: string; data?: unknown }
}

/** JSON with bigint → hex quantity, Uint8Array → hex data. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === 'bigint') return `0x${v.toString(16)}`
    if (v instanceof Uint8Array) return `0x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`
    return v
  })
}

function errorReply(id: JsonRpcId, error: unknown): Reply {
  if (error instanceof RpcError) {
    const e: Reply['error'] = { code: error.code, message: error.message }
    if (error.data !== undefined) e.data = error.data
    return { jsonrpc: '2.0', id, error: e }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { jsonrpc: '2.0', id, error: { code: RpcErrorCode.internal, message: `internal error: ${message}` } }
}

const validId = (id: unknown): id is JsonRpcId =>
  id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))

/**
 * Ethereum JSON-RPC over HTTP and WebSocket on one port: single calls and batches, size and batch
 * limits, spec error codes. A malformed body gets an error reply, never a crash.
 */
export class RpcServer {
  readonly #handlers: RpcHandlers
  readonly #options: RpcServerOptions
  readonly #http: Server
  readonly #ws: WebSocketServer
  readonly #sockets = new Set<WebSocket>()

  constructor(handlers: RpcHandlers, options: RpcServerOptions) {
    this.#handlers = handlers
    this.#options = options
    this.#http = createServer((req, res) => void this.#onHttp(req, res))
    this.#http.keepAliveTimeout = 65_000
    this.#ws = new WebSocketServer({ server: this.#http, maxPayload: options.maxBodyBytes })
    this.#ws.on('connection', (socket) => this.#onSocket(socket))
    // ws re-emits the HTTP server's errors (EADDRINUSE...); listen() reports them, so don't crash here.
    this.#ws.on('error', () => {})
  }

  async listen(): Promise<{ port: number; url: string; wsUrl: string }> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject)
      this.#http.listen(this.#options.port, this.#options.host, () => resolve())
    })
    const { port } = this.#http.address() as AddressInfo
    return { port, url: `http://${this.#options.host}:${port}`, wsUrl: `ws://${this.#options.host}:${port}` }
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.terminate()
    await new Promise<void>((resolve) => this.#ws.close(() => resolve()))
    this.#http.closeAllConnections()
    await new Promise<void>((resolve) => this.#http.close(() => resolve()))
  }

  /** Runs one JSON text (single call or batch) and returns the reply text, or undefined for notifications. */
  async handleText(text: string, connection: RpcConnection): Promise<string | undefined> {
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch (e) {
      return toJson(errorReply(null, new RpcError(RpcErrorCode.parse, `parse error: ${(e as Error).message}`)))
    }
    if (Array.isArray(body)) {
      if (body.length === 0)
        return toJson(errorReply(null, new RpcError(RpcErrorCode.invalidRequest, 'invalid request: empty batch')))
      if (body.length > this.#options.maxBatch)
        return toJson(
          errorReply(
            null,
            new RpcError(
              RpcErrorCode.invalidRequest,
              `invalid request: batch of ${body.length} calls is above the limit of ${this.#options.maxBatch}; split it`,
            ),
          ),
        )
      const replies = await Promise.all(body.map((call) => this.#call(call, connection)))
      const sent = replies.filter((r): r is Reply => r !== undefined)
      return sent.length ? toJson(sent) : undefined
    }
    const reply = await this.#call(body, connection)
    return reply ? toJson(reply) : undefined
  }

  async #call(call: unknown, connection: RpcConnection): Promise<Reply | undefined> {
    if (typeof call !== 'object' || call === null || Array.isArray(call))
      return errorReply(null, new RpcError(RpcErrorCode.invalidRequest, 'invalid request: expected a JSON-RPC object'))
    const { id, method, params, jsonrpc } = call as Record<string, unknown>
    const replyId: JsonRpcId = validId(id) ? id : null
    if (jsonrpc !== '2.0')
      return errorReply(replyId, new RpcError(RpcErrorCode.invalidRequest, 'invalid request: jsonrpc must be "2.0"'))
    if (id !== undefined && !validId(id))
      return errorReply(
        null,
        new RpcError(RpcErrorCode.invalidRequest, 'invalid request: id must be a string, number or null'),
      )
    if (typeof method !== 'string')
      return errorReply(replyId, new RpcError(RpcErrorCode.invalidRequest, 'invalid request: method must be a string'))
    if (params !== undefined && !Array.isArray(params))
      return errorReply(replyId, new RpcError(RpcErrorCode.invalidParams, 'invalid params: params must be an array'))
    const handler = Object.hasOwn(this.#handlers, method) ? this.#handlers[method] : undefined
    const started = performance.now()
    let reply: Reply
    if (!handler) {
      reply = errorReply(
        replyId,
        new RpcError(RpcErrorCode.methodNotFound, `the method ${method} does not exist/is not available`),
      )
    } else {
      try {
        const result = await handler((params as unknown[] | undefined) ?? [], connection)
        reply = { jsonrpc: '2.0', id: replyId, result: result === undefined ? null : result }
      } catch (e) {
        reply = errorReply(replyId, e)
      }
    }
    this.#options.onCall?.(method, reply.error === undefined, performance.now() - started)
    return id === undefined ? undefined : reply
  }

  async #onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '/').split('?')[0]!
      const route = this.#options.routes?.[path]
      if (route && req.method === 'GET') return void (await route(res))
      res.setHeader('Access-Control-Allow-Origin', '*')
      res.setHeader('Access-Control-Allow-Headers', 'content-type')
      if (req.method === 'OPTIONS') return void res.writeHead(204).end()
      if (req.method !== 'POST') {
        res.writeHead(405, { 'content-type': 'text/plain' }).end('JSON-RPC expects POST (or a WebSocket upgrade)\n')
        return
      }
      const limit = this.#options.maxBodyBytes
      const declared = Number(req.headers['content-length'] ?? 0)
      if (declared > limit) return void this.#tooLarge(res, req)
      const chunks: Buffer[] = []
      let size = 0
      for await (const chunk of req) {
        size += (chunk as Buffer).length
        if (size > limit) return void this.#tooLarge(res, req)
        chunks.push(chunk as Buffer)
      }
      const reply = await this.handleText(Buffer.concat(chunks).toString('utf8'), {})
      res.writeHead(200, { 'content-type': 'application/json' }).end(reply ?? '')
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(`internal error: ${(e as Error).message}\n`)
    }
  }

  #tooLarge(res: ServerResponse, req: IncomingMessage): void {
    const body = toJson(
      errorReply(
        null,
        new RpcError(RpcErrorCode.invalidRequest, `request body above the ${this.#options.maxBodyBytes}-byte limit`),
      ),
    )
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(body)
    req.resume()
  }

  #onSocket(socket: WebSocket): void {
    this.#sockets.add(socket)
    const cleanups: (() => void)[] = []
    const connection: RpcConnection = {
      notify: (message) => {
        if (socket.readyState === socket.OPEN) socket.send(toJson(message))
      },
      onClose: (fn) => cleanups.push(fn),
    }
    socket.on('message', (data) => {
      void this.handleText(data.toString(), connection).then((reply) => {
        if (reply !== undefined && socket.readyState === socket.OPEN) socket.send(reply)
      })
    })
    socket.on('error', () => socket.terminate())
    socket.on('close', () => {
      this.#sockets.delete(socket)
      for (const fn of cleanups) fn()
    })
  }
}
