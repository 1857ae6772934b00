// `npm run devnet`: a local mainnet of N validator processes (+ a follower), with a readiness
// endpoint, aggregated Prometheus metrics, a summary table and .devnet/devnet.json.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { freeLoopbackPorts } from '@spnkit/consensus'
import { devAccounts, devValidatorKeys, MAILBOX_ADDRESS, MAINNET_CHAIN_ID } from './genesis.ts'

export type DevnetOptions = {
  validators: number
  followers: number
  /** Keep chain data here across runs; otherwise a temp dir removed on exit. */
  persist?: string
  /** RPC port of validator 0; the others count up from it. 0 = any free ports. */
  rpcPort: number
  /** Port of the launcher's /ready and /metrics. 0 = any free port. */
  adminPort: number
  logLevel: string
  /** Where devnet.json goes. */
  outDir: string
  /** Idle time before an empty block (ms). */
  emptyBlockMs: number
  /** Forward node logs to stderr. */
  quiet: boolean
  readyTimeoutMs: number
}

export type NodeInfo = {
  name: string
  role: 'validator' | 'follower'
  address?: string
  rpc: string
  ws: string
  pid: number
}

export type Devnet = {
  chainId: number
  nodes: NodeInfo[]
  admin: string
  info: Record<string, unknown>
  /** Kills a node with SIGKILL (fault tests). */
  kill: (name: string) => void
  /** (Re)starts a node that was killed, on the same ports and data directory. */
  restart: (name: string) => Promise<void>
  stop: () => Promise<void>
}

const NODE_MAIN = path.join(import.meta.dirname, 'node-main.ts')

type Child = { info: NodeInfo; args: string[]; process: ChildProcess | undefined; exited: Promise<void> }

/** Starts the devnet and resolves once every node serves RPC. */
export async function startDevnet(options: DevnetOptions): Promise<Devnet> {
  const root = options.persist ? path.resolve(options.persist) : mkdtempSync(path.join(tmpdir(), 'spnkit-devnet-'))
  mkdirSync(root, { recursive: true })
  const total = options.validators + options.followers
  // rpcPort 0: free ports outside the ephemeral range, so a node restarted after kill -9 gets its
  // RPC and p2p ports back (see freeLoopbackPorts).
  const free = options.rpcPort === 0 ? await freeLoopbackPorts(total + options.validators) : []
  const ports: number[] = []
  for (let i = 0; i < total; i++) ports.push(options.rpcPort === 0 ? free[i]! : options.rpcPort + i)
  const url = (i: number) => `http://127.0.0.1:${ports[i]}`
  const keys = devValidatorKeys(options.validators)
  // More than one validator: every validator proposes and orders with @spnkit/consensus over TCP.
  const useConsensus = options.validators > 1
  const p2pPorts: number[] = []
  for (let i = 0; i < options.validators; i++)
    p2pPorts.push(options.rpcPort === 0 ? free[total + i]! : options.rpcPort + 100 + i)
  const networkFile = path.join(root, 'network.json')
  writeFileSync(
    networkFile,
    JSON.stringify(
      {
        validators: keys.map((k, i) => ({ address: k.address, host: '127.0.0.1', p2pPort: p2pPorts[i], rpc: url(i) })),
      },
      null,
      2,
    ),
  )
  const children: Child[] = []
  let stopping = false

  const launch = (child: Child): Promise<void> => {
    const proc = spawn(process.execPath, [NODE_MAIN, ...child.args], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.process = proc
    child.exited = new Promise((resolve) => proc.once('exit', () => resolve()))
    const lines = createInterface({ input: proc.stderr! })
    lines.on('line', (line) => {
      if (!options.quiet) process.stderr.write(`${line}\n`)
    })
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `${child.info.name} did not become ready within ${options.readyTimeoutMs} ms; see its log lines above`,
            ),
          ),
        options.readyTimeoutMs,
      )
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        if (!line.startsWith('READY ')) return
        const ready = JSON.parse(line.slice(6)) as { rpc: string; ws: string; pid: number }
        Object.assign(child.info, { rpc: ready.rpc, ws: ready.ws, pid: ready.pid })
        clearTimeout(timer)
        resolve()
      })
      proc.once('exit', (code, signal) => {
        clearTimeout(timer)
        if (!stopping)
          reject(
            new Error(
              `${child.info.name} exited during start-up (code ${code}, signal ${signal}); see its log lines above`,
            ),
          )
      })
    })
  }

  const common = [
    '--validators',
    String(options.validators),
    '--log-level',
    options.logLevel,
    '--empty-block-ms',
    String(options.emptyBlockMs),
  ]
  for (let i = 0; i < total; i++) {
    const isValidator = i < options.validators
    const name = isValidator ? `v${i}` : `f${i - options.validators}`
    const peers = Array.from({ length: options.validators }, (_, j) => j)
      .filter((j) => j !== i)
      .map(url)
    const args = ['--data-dir', path.join(root, name), '--rpc-port', String(ports[i]), ...common]
    if (isValidator) args.push('--validator-index', String(i), '--peers', peers.join(','), '--network', networkFile)
    else args.push('--observer', 'true', '--follow', url(0))
    children.push({
      info: {
        name,
        role: isValidator ? 'validator' : 'follower',
        address: isValidator ? keys[i]!.address : undefined,
        rpc: url(i),
        ws: url(i).replace('http', 'ws'),
        pid: 0,
      },
      args,
      process: undefined,
      exited: Promise.resolve(),
    })
  }

  const stop = async () => {
    if (stopping) return
    stopping = true
    for (const c of children) c.process?.kill('SIGTERM')
    const timeout = setTimeout(() => {
      for (const c of children) c.process?.kill('SIGKILL')
    }, 15_000)
    await Promise.all(children.map((c) => c.exited))
    clearTimeout(timeout)
    await new Promise<void>((resolve) => admin.close(() => resolve()))
    if (!options.persist) rmSync(root, { recursive: true, force: true })
  }

  let admin: Server = createServer()
  try {
    // Validators dial each other, so they start together; followers (which follow v0) after.
    await Promise.all(children.slice(0, options.validators).map(launch))
    await Promise.all(children.slice(options.validators).map(launch))
  } catch (e) {
    await stop()
    throw e
  }

  admin = createServer((req, res) => {
    void (async () => {
      if (req.url === '/ready') {
        const checks = await Promise.all(
          children.map((c) =>
            fetch(`${c.info.rpc}/ready`, { signal: AbortSignal.timeout(2000) }).then(
              (r) => r.ok,
              () => false,
            ),
          ),
        )
        const ready = checks.every(Boolean)
        res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ ready, nodes: Object.fromEntries(children.map((c, i) => [c.info.name, checks[i]])) }))
      } else if (req.url === '/metrics') {
        const texts = await Promise.all(
          children.map((c) =>
            fetch(`${c.info.rpc}/metrics`, { signal: AbortSignal.timeout(2000) }).then(
              (r) => r.text(),
              () => '',
            ),
          ),
        )
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(mergeMetrics(texts))
      } else res.writeHead(404, { 'content-type': 'text/plain' }).end('try /ready or /metrics\n')
    })()
  })
  await new Promise<void>((resolve) => admin.listen(options.adminPort, '127.0.0.1', () => resolve()))
  const adminUrl = `http://127.0.0.1:${(admin.address() as { port: number }).port}`

  const info = {
    chain: 'spnkit mainnet (devnet)',
    ordering: useConsensus ? 'consensus (multi-proposer BFT over TCP)' : 'single validator',
    chainId: MAINNET_CHAIN_ID,
    rpc: children[0]!.info.rpc,
    ws: children[0]!.info.ws,
    ready: `${adminUrl}/ready`,
    metrics: `${adminUrl}/metrics`,
    dataDir: root,
    contracts: { Mailbox: MAILBOX_ADDRESS },
    nodes: children.map((c) => c.info),
    accounts: devAccounts(20).map((a) => ({ address: a.address, privateKey: a.privateKey, balance: '10000 ETH' })),
  }
  mkdirSync(options.outDir, { recursive: true })
  writeFileSync(path.join(options.outDir, 'devnet.json'), JSON.stringify(info, null, 2))
  return {
    chainId: MAINNET_CHAIN_ID,
    nodes: children.map((c) => c.info),
    admin: adminUrl,
    info,
    kill: (name) => children.find((c) => c.info.name === name)?.process?.kill('SIGKILL'),
    restart: async (name) => {
      const c = children.find((x) => x.info.name === name)
      if (!c) throw new Error(`no node named ${name}`)
      await c.exited
      await launch(c)
    },
    stop,
  }
}

/** Concatenates several Prometheus texts, keeping one HELP/TYPE line per metric. */
function mergeMetrics(texts: string[]): string {
  const seen = new Set<string>()
  const out: string[] = []
  for (const text of texts)
    for (const line of text.split('\n')) {
      if (!line) continue
      if (line.startsWith('#')) {
        if (seen.has(line)) continue
        seen.add(line)
      }
      out.push(line)
    }
  return out.join('\n') + '\n'
}

export function printTable(devnet: Devnet): void {
  const rows: string[][] = [['node', 'role', 'address', 'rpc', 'ws']]
  for (const n of devnet.nodes) rows.push([n.name, n.role, n.address ?? '-', n.rpc, n.ws])
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')
  const accounts = devAccounts(20)
  const out = [
    '',
    `  spnkit mainnet devnet   chain id ${devnet.chainId}   RPC ${devnet.nodes[0]!.rpc}   WS ${devnet.nodes[0]!.ws}`,
    `  ready ${devnet.admin}/ready   metrics ${devnet.admin}/metrics   Mailbox ${MAILBOX_ADDRESS} (outbox root in every header's extraData)`,
    '',
    ...rows.map((r, i) => `  ${line(r)}${i === 0 ? '\n  ' + widths.map((w) => '-'.repeat(w)).join('  ') : ''}`),
    '',
    '  prefunded accounts (10,000 ETH each; mnemonic "test test test test test test test test test test test junk")',
    ...accounts.map((a, i) => `  (${String(i).padStart(2)}) ${a.address}  ${a.privateKey}`),
    '',
  ]
  process.stdout.write(out.join('\n') + '\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      validators: { type: 'string', default: '4' },
      followers: { type: 'string', default: '1' },
      persist: { type: 'string' },
      'rpc-port': { type: 'string', default: '8545' },
      'admin-port': { type: 'string', default: '8420' },
      'log-level': { type: 'string', default: 'info' },
      'empty-block-ms': { type: 'string', default: '1000' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(
      'npm run devnet -- [--validators N] [--followers N] [--persist DIR] [--rpc-port P|0] [--admin-port P|0] [--log-level debug|info|warn|error] [--empty-block-ms MS] [--quiet]\n',
    )
    return
  }
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v)
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`)
    return n
  }
  const devnet = await startDevnet({
    validators: int('validators', values.validators, 1),
    followers: int('followers', values.followers, 0),
    persist: values.persist,
    rpcPort: int('rpc-port', values['rpc-port'], 0),
    adminPort: int('admin-port', values['admin-port'], 0),
    logLevel: values['log-level']!,
    outDir: path.join(process.env.INIT_CWD ?? process.cwd(), '.devnet'),
    emptyBlockMs: int('empty-block-ms', values['empty-block-ms'], 0),
    quiet: values.quiet!,
    readyTimeoutMs: 60_000,
  })
  printTable(devnet)
  process.stdout.write(
    `  wrote ${path.join(process.env.INIT_CWD ?? process.cwd(), '.devnet', 'devnet.json')}; Ctrl-C stops everything\n\n`,
  )
  let stopping = false
  const shutdown = () => {
    if (stopping) return
    stopping = true
    process.stdout.write('\nstopping devnet...\n')
    void devnet.stop().then(() => process.exit(0))
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

if (import.meta.main) {
  main().catch((e: Error) => {
    console.error(`devnet failed: ${e.message}`)
    process.exit(1)
  })
}
