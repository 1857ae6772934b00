import http from 'node:http'
import type { AddressInfo } from 'node:net'

// A fault-injecting JSON-RPC proxy for tests: forwards to `target`, but drops a share of requests
// (socket destroyed, no answer) and delays others, chosen by a seeded PRNG so runs repeat.

export type FaultyProxy = {
  url: string
  dropped: () => number
  setFaults: (f: { drop: number; delayMs: number }) => void
  close: () => Promise<void>
}

export async function startFaultyProxy(
  target: string,
  options: { drop: number; delayMs: number; seed?: number },
): Promise<FaultyProxy> {
  let faults = { drop: options.drop, delayMs: options.delayMs }
  let state = (options.seed ?? 1) >>> 0
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  let dropped = 0
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const roll = random()
      if (roll < faults.drop) {
        dropped++
        req.socket.destroy()
        return
      }
      if (roll < faults.drop + 0.2 && faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs))
      try {
        const upstream = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: Buffer.concat(chunks),
        })
        res.writeHead(upstream.status, { 'content-type': 'application/json' })
        res.end(Buffer.from(await upstream.arrayBuffer()))
      } catch {
        res.socket?.destroy()
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    dropped: () => dropped,
    setFaults: (f) => {
      faults = f
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
