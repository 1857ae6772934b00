import { Counter, Gauge, Histogram, Registry } from 'prom-client'

// Prometheus metrics on a dedicated registry (Hyperlane relayerMetrics naming, spnkit_relayer_
// namespace). Queue depths are refreshed from BullMQ on every scrape (see http.ts).

export type Metrics = ReturnType<typeof createMetrics>

export function createMetrics() {
  const registry = new Registry()
  const r = [registry]
  return {
    registry,
    messages: new Counter({
      name: 'spnkit_relayer_messages_total',
      help: 'Messages by route and outcome (observed, delivered, dead, already_delivered)',
      labelNames: ['origin', 'destination', 'status'],
      registers: r,
    }),
    stageSeconds: new Histogram({
      name: 'spnkit_relayer_stage_duration_seconds',
      help: 'Time a message spent in a stage, from entering it to leaving it',
      labelNames: ['stage'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: r,
    }),
    relaySeconds: new Histogram({
      name: 'spnkit_relayer_relay_duration_seconds',
      help: 'Time from observing a message to its confirmed delivery',
      labelNames: ['origin', 'destination'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers: r,
    }),
    failures: new Counter({
      name: 'spnkit_relayer_failures_total',
      help: 'Failed attempts by chain or stage and reason',
      labelNames: ['chain', 'reason'],
      registers: r,
    }),
    transactions: new Counter({
      name: 'spnkit_relayer_transactions_total',
      help: 'Transactions broadcast by chain and stage',
      labelNames: ['chain', 'stage'],
      registers: r,
    }),
    feeBumps: new Counter({
      name: 'spnkit_relayer_fee_bumps_total',
      help: 'Stuck transactions replaced with higher fees',
      labelNames: ['chain'],
      registers: r,
    }),
    gasSpent: new Counter({
      name: 'spnkit_relayer_gas_spent_eth_total',
      help: 'Native currency spent on gas (gasUsed x effectiveGasPrice), in ETH',
      labelNames: ['chain'],
      registers: r,
    }),
    balance: new Gauge({
      name: 'spnkit_relayer_signer_balance_eth',
      help: 'Balance of the signer this process leases, in ETH',
      labelNames: ['chain', 'signer'],
      registers: r,
    }),
    queueJobs: new Gauge({
      name: 'spnkit_relayer_queue_jobs',
      help: 'Jobs per queue and state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'],
      registers: r,
    }),
    observedBlock: new Gauge({
      name: 'spnkit_relayer_observed_block',
      help: 'Next block the observer will scan per chain',
      labelNames: ['chain'],
      registers: r,
    }),
  }
}
