// Test helper: runs `node-main.ts` validator processes on loopback and reads their block logs.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freeLoopbackPorts } from './free-ports.ts'

export class LoopbackCluster {
  readonly n: number
  readonly dir: string
  readonly ports: number[]
  readonly procs: (ChildProcess | null)[]
  readonly stderr: string[]

  /** A cluster of `n` validators with their ports reserved; start them with `start(i)`. */
  static async create(n: number): Promise<LoopbackCluster> {
    return new LoopbackCluster(n, await freeLoopbackPorts(n))
  }

  private constructor(n: number, ports: number[]) {
    this.n = n
    this.ports = ports
    this.dir = mkdtempSync(path.join(tmpdir(), 'spnkit-consensus-tcp-'))
    this.procs = new Array(n).fill(null)
    this.stderr = new Array(n).fill('')
  }

  start(i: number): void {
    const script = path.join(import.meta.dirname, 'node-main.ts')
    const cfg = { index: i, n: this.n, ports: this.ports, dataDir: path.join(this.dir, `v${i}`), chainId: 7 }
    const child = spawn(process.execPath, [script, JSON.stringify(cfg)], { stdio: ['ignore', 'ignore', 'pipe'] })
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr[i] += d.toString()
    })
    this.procs[i] = child
  }

  kill9(i: number): void {
    this.procs[i]?.kill('SIGKILL')
    this.procs[i] = null
  }

  /** (slot, hash) pairs committed by validator i. */
  log(i: number): { slot: number; hash: string; timestamp: number }[] {
    const file = path.join(this.dir, `v${i}`, 'blocks.jsonl')
    if (!existsSync(file)) return []
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.endsWith('}'))
      .map((l) => JSON.parse(l) as { slot: number; hash: string; timestamp: number })
  }

  async waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!cond()) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; logs: ${this.procs.map((_, i) => this.log(i).length)}; stderr: ${this.stderr.join(' | ').slice(0, 2000)}`,
        )
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /** Throws unless all logs agree slot by slot, are contiguous and have increasing timestamps. */
  checkAgreement(): void {
    const bySlot = new Map<number, string>()
    for (let i = 0; i < this.n; i++) {
      let prevTs = -1
      this.log(i).forEach((b, k) => {
        if (b.slot !== k + 1) throw new Error(`validator ${i}: slot ${b.slot} at line ${k}`)
        if (b.timestamp <= prevTs) throw new Error(`validator ${i}: timestamp not increasing at slot ${b.slot}`)
        prevTs = b.timestamp
        const h = bySlot.get(b.slot)
        if (h && h !== b.hash) throw new Error(`disagreement at slot ${b.slot}`)
        bySlot.set(b.slot, b.hash)
      })
    }
  }

  async stop(): Promise<void> {
    for (const p of this.procs) p?.kill('SIGKILL')
    await new Promise((r) => setTimeout(r, 100))
    rmSync(this.dir, { recursive: true, force: true })
  }
}
