// `npm run bench:consensus`: the multi-proposer protocol and a leader-based (PBFT normal-case)
// baseline side by side in the same simulator, with real secp256k1 signatures and batches of 500.
// Reports ordered tx/s (wall clock, all validators simulated in this one process), commit latency
// in message delays (fault-free and with one silent proposer), messages and signature
// verifications per node per slot, and CPU per committed tx per node. Last line: one JSON object.
import { LeaderBaseline } from '../src/baseline/leader-bft.ts'
import { secp256k1Scheme } from '../src/signature.ts'
import { type LoadResult, percentile, runLoad } from '../src/sim/harness.ts'

const args = process.argv.slice(2)
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback
}
const ns = arg('n', '4,7,10,16').split(',').map(Number)
const slots = Number(arg('slots', '8'))
const batch = Number(arg('batch', '500'))
const window = Number(arg('window', '4'))

const tps = (r: LoadResult) => Math.round(r.committedTxs / (r.wallMs / 1000))
// Ordered txs per CPU-second of this process: the load-independent figure on a shared machine.
const tpsCpu = (r: LoadResult) => Math.round(r.committedTxs / (r.cpuMs / 1000))
const cpuPerTxPerNode = (r: LoadResult, n: number) => (r.cpuMs * 1000) / r.committedTxs / n

const rows: string[][] = []
const json = {
  bench: 'consensus',
  tps: {} as Record<string, number>,
  baseline_tps: {} as Record<string, number>,
  latency_delays_p50: 0,
  latency_delays_p99_one_silent: 0,
  verifies_per_node_per_slot: {} as Record<string, number>,
  tps_per_cpu_second: {} as Record<string, number>,
  baseline_tps_per_cpu_second: {} as Record<string, number>,
  baseline_verifies_per_node_per_slot: {} as Record<string, number>,
  messages_per_node_per_slot: {} as Record<string, number>,
  cpu_us_per_tx_per_node: {} as Record<string, number>,
  latency_delays_p99_one_silent_by_n: {} as Record<string, number>,
}
const latenciesAll: number[] = []
for (const n of ns) {
  const ours = runLoad({ n, scheme: secp256k1Scheme, slots, batch, window })
  if (!ours.agreement) throw new Error(`bench: honest logs diverged at n=${n}`)
  const silent = runLoad({ n, scheme: secp256k1Scheme, slots, batch, window, silent: 1 })
  // The baseline orders one batch per slot: give it as many slots as we ran txs through ours / n … at
  // least 2 windows, so its pipeline fills.
  const base = runLoad({
    n,
    scheme: secp256k1Scheme,
    slots: Math.max(2 * window, slots),
    batch,
    window,
    routeToAll: true,
    makeNode: (a) => new LeaderBaseline({ ...a, window, batch }),
  })
  latenciesAll.push(...ours.latencies)
  // Skip the first window of the silent run: those slots opened before the silence was observed.
  const silentSteady = silent.latencies.slice(window * (n - 1))
  json.tps[n] = tps(ours)
  json.baseline_tps[n] = tps(base)
  json.tps_per_cpu_second[n] = tpsCpu(ours)
  json.baseline_tps_per_cpu_second[n] = tpsCpu(base)
  json.verifies_per_node_per_slot[n] = +ours.verificationsPerNodePerSlot.toFixed(2)
  json.baseline_verifies_per_node_per_slot[n] = +base.verificationsPerNodePerSlot.toFixed(2)
  json.messages_per_node_per_slot[n] = +ours.messagesPerNodePerSlot.toFixed(2)
  json.cpu_us_per_tx_per_node[n] = +cpuPerTxPerNode(ours, n).toFixed(2)
  json.latency_delays_p99_one_silent_by_n[n] = percentile(silentSteady, 99)
  rows.push([
    String(n),
    String(tps(ours)),
    String(tps(base)),
    (tps(ours) / tps(base)).toFixed(2),
    String(tpsCpu(ours)),
    String(tpsCpu(base)),
    `${percentile(ours.latencies, 50)}/${percentile(ours.latencies, 99)}`,
    `${percentile(base.latencies, 50)}/${percentile(base.latencies, 99)}`,
    `${percentile(silentSteady, 50)}/${percentile(silentSteady, 99)}`,
    ours.messagesPerNodePerSlot.toFixed(1),
    ours.verificationsPerNodePerSlot.toFixed(1),
    base.verificationsPerNodePerSlot.toFixed(1),
    cpuPerTxPerNode(ours, n).toFixed(2),
    cpuPerTxPerNode(base, n).toFixed(2),
  ])
  console.error(`n=${n} done`)
}
json.latency_delays_p50 = percentile(latenciesAll, 50)
json.latency_delays_p99_one_silent = Math.max(...Object.values(json.latency_delays_p99_one_silent_by_n))

const header = [
  'n',
  'tx/s',
  'baseline tx/s',
  'gain',
  'tx/CPU-s',
  'base tx/CPU-s',
  'lat δ p50/p99',
  'base lat δ',
  'silent δ p50/p99',
  'msgs/node/slot',
  'verifs/node/slot',
  'base verifs',
  'CPU µs/tx/node',
  'base CPU µs/tx/node',
]
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ')
console.log(
  `multi-proposer vs leader baseline — secp256k1, batch ${batch}, window ${window}, ${slots} slots, δ = one message delay`,
)
console.log(line(header))
for (const r of rows) console.log(line(r))
const c4 = json.cpu_us_per_tx_per_node[4]
const c16 = json.cpu_us_per_tx_per_node[16]
if (c4 && c16) console.log(`CPU per tx per node, n=16 / n=4: ${(c16 / c4).toFixed(2)}x`)
console.log(JSON.stringify(json))
