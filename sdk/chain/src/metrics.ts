import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Node } from './node/node.ts'

/** Prometheus metrics of one node (`/metrics`): names follow spnkit_<component>_<thing>_<unit>. */
export class NodeMetrics {
  readonly registry = new Registry()
  readonly rpcCalls: Counter<'method' | 'outcome'>
  readonly rpcLatency: Histogram<'method'>

  constructor(node: Node, labels: { chain: string; validator: string }, peers: () => number) {
    this.registry.setDefaultLabels(labels)
    const r = [this.registry]
    new Gauge({
      name: 'spnkit_node_block_height',
      help: 'Newest executed and committed block',
      registers: r,
      collect() {
        this.set(Number(node.latest()))
      },
    })
    new Gauge({
      name: 'spnkit_node_finalized_height',
      help: 'Newest block sealed by a validator quorum',
      registers: r,
      collect() {
        this.set(Number(node.finalized()))
      },
    })
    new Gauge({
      name: 'spnkit_node_mempool_size',
      help: 'Transactions in the pool',
      registers: r,
      collect() {
        this.set(node.mempool.size)
      },
    })
    new Gauge({
      name: 'spnkit_node_peers',
      help: 'Connected consensus peers',
      registers: r,
      collect() {
        this.set(peers())
      },
    })
    new Counter({
      name: 'spnkit_node_transactions_total',
      help: 'Transactions committed in blocks',
      registers: r,
      collect() {
        this.reset()
        this.inc(node.stats.txs)
      },
    })
    new Counter({
      name: 'spnkit_node_blocks_total',
      help: 'Blocks committed since start',
      registers: r,
      collect() {
        this.reset()
        this.inc(node.stats.blocks)
      },
    })
    new Gauge({
      name: 'spnkit_node_stage_latency_seconds',
      help: 'Duration of the last run of each pipeline stage',
      labelNames: ['stage'],
      registers: r,
      collect() {
        for (const [name, ms] of Object.entries(node.stats.stageMs)) this.set({ stage: name }, ms / 1000)
      },
    })
    const window: { t: number; txs: number }[] = []
    new Gauge({
      name: 'spnkit_node_tps',
      help: 'Committed transactions per second over the last 10 s (sampled at each scrape)',
      registers: r,
      collect() {
        const now = performance.now()
        window.push({ t: now, txs: node.stats.txs })
        while (window.length > 1 && now - window[0]!.t > 10_000) window.shift()
        const first = window[0]!
        this.set(now - first.t > 0 ? ((node.stats.txs - first.txs) * 1000) / (now - first.t) : 0)
      },
    })
    this.rpcCalls = new Counter({
      name: 'spnkit_rpc_calls_total',
      help: 'JSON-RPC calls',
      labelNames: ['method', 'outcome'],
      registers: r,
    })
    this.rpcLatency = new Histogram({
      name: 'spnkit_rpc_call_duration_seconds',
      help: 'JSON-RPC call latency',
      labelNames: ['method'],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: r,
    })
  }

  observeCall(method: string, ok: boolean, ms: number): void {
    this.rpcCalls.inc({ method, outcome: ok ? 'ok' : 'error' })
    this.rpcLatency.observe({ method }, ms / 1000)
  }
}
