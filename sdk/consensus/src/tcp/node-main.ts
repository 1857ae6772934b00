// A validator process for the TCP tests and local experiments:
//   node node-main.ts '{"index":0,"n":4,"ports":[31000,31001,31002,31003],"dataDir":"/tmp/x","chainId":7}'
// Keys are derived from the index (test keys only). Committed blocks are appended to
// <dataDir>/blocks.jsonl; the WAL lives in <dataDir>/wal.bin. Each process keeps submitting txs of
// senders it owns, so blocks are non-empty.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { keccak256Concat } from '@spnkit/crypto'
import { ownersOf } from '../ownership.ts'
import { secp256k1Scheme } from '../signature.ts'
import { Workload } from '../sim/workload.ts'
import type { CommittedBlock, Hex } from '../types.ts'
import { Validator } from '../validator.ts'
import { ValidatorSet } from '../validator-set.ts'
import { FileWal } from '../wal.ts'
import { TcpTransport } from './transport.ts'
import { ValidatorNode } from './validator-node.ts'

const cfg = JSON.parse(process.argv[2] ?? '{}') as {
  index: number
  n: number
  /** Listening port of each validator, by index. */
  ports: number[]
  dataDir: string
  chainId: number
}
const keys = Array.from({ length: cfg.n }, (_, i) => keccak256Concat(new TextEncoder().encode(`spnkit-tcp-key-${i}`)))
const addresses = keys.map((k) => secp256k1Scheme.address(k))
const set = ValidatorSet.equal(0, addresses)
mkdirSync(cfg.dataDir, { recursive: true })
const blocksPath = path.join(cfg.dataDir, 'blocks.jsonl')
const startsPath = path.join(cfg.dataDir, 'starts')

type Line = { slot: number; hash: Hex; timestamp: number; epoch: number; txs: [Hex, string, Hex][] }
const lines: Line[] = existsSync(blocksPath)
  ? readFileSync(blocksPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line)
  : []
const history: CommittedBlock[] = lines.map((l) => ({
  slot: l.slot,
  epoch: l.epoch,
  timestamp: l.timestamp,
  hash: l.hash,
  proposals: [],
  txs: l.txs.map(([sender, nonce, hash]) => ({ sender, nonce: BigInt(nonce), hash, bytes: new Uint8Array() })),
}))
const last = history[history.length - 1]
const starts = existsSync(startsPath) ? readFileSync(startsPath, 'utf8').length : 0
appendFileSync(startsPath, 'x')

const wal = FileWal.open(path.join(cfg.dataDir, 'wal.bin'))
const validator = new Validator({
  chainId: cfg.chainId,
  privateKey: keys[cfg.index]!,
  validatorSet: (epoch) => (epoch === 0 ? set : undefined),
  window: 4,
  maxBatch: 200,
  proposalTimeoutMs: 600,
  inactiveTimeoutMs: 200,
  retransmitMs: 300,
  retainSlots: 4096,
  committedSlot: last?.slot ?? 0,
  lastTimestamp: last?.timestamp ?? 0,
  history: history.slice(-2048),
  wal: wal.records,
})
let node: ValidatorNode
const transport = await TcpTransport.start({
  chainId: cfg.chainId,
  privateKey: keys[cfg.index]!,
  scheme: secp256k1Scheme,
  listenPort: cfg.ports[cfg.index]!,
  peers: addresses.map((address, i) => ({ address, host: '127.0.0.1', port: cfg.ports[i]! })),
  onMessage: (m, from) => node.deliver(m, from),
})
node = new ValidatorNode({
  validator,
  wal,
  transport,
  onBlock: (b) => {
    const line: Line = {
      slot: b.slot,
      hash: b.hash,
      timestamp: b.timestamp,
      epoch: b.epoch,
      txs: b.txs.map((t) => [t.sender, t.nonce.toString(), t.hash]),
    }
    appendFileSync(blocksPath, `${JSON.stringify(line)}\n`)
  },
})
node.start(20)
// Txs of senders this validator owns; a fresh sender space per process start (no resubmission).
const work = new Workload(`tcp-${cfg.index}-${starts}`, 256)
const mine = work.senders.flatMap((s, i) => (ownersOf(cfg.chainId, set, s, 1)[0] === validator.address ? [i] : []))
let k = 0
setInterval(() => {
  for (let j = 0; j < 20 && mine.length > 0; j++) node.submit(work.next(mine[k++ % mine.length]))
}, 20)
process.on('SIGTERM', () => {
  void node.stop().then(() => process.exit(0))
})
