// Picks loopback ports for validators that may be killed and restarted on the same port.
import { createServer } from 'node:net'

const LOW = 20000
// Linux's default ephemeral range starts at 32768 (net.ipv4.ip_local_port_range).
const EPHEMERAL_START = 32768

/**
 * `n` free ports on 127.0.0.1 below the ephemeral range. A port inside that range (what `listen(0)`
 * returns) can be taken at any time by an outbound connection on the machine — a peer dialling a
 * validator that is not listening yet can even connect to itself on it — so a validator restarted
 * after a crash could find its port gone. `start` spreads concurrent callers apart.
 */
export async function freeLoopbackPorts(n: number, start = LOW + ((process.pid * 7) % 12000)): Promise<number[]> {
  const ports: number[] = []
  let candidate = start
  for (let tried = 0; ports.length < n; tried++) {
    if (tried >= EPHEMERAL_START - LOW)
      throw new Error(`freeLoopbackPorts: only ${ports.length} of ${n} ports free in ${LOW}-${EPHEMERAL_START - 1}`)
    if (await portIsFree(candidate)) ports.push(candidate)
    candidate = candidate + 1 >= EPHEMERAL_START ? LOW : candidate + 1
  }
  return ports
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}
