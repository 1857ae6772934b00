// One mainnet node process: `node mainnet/src/node-main.ts --data-dir DIR --rpc-port 0 ...`.
// Prints `READY {"rpc":...,"ws":...}` on stdout once serving (the devnet launcher waits for it).
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { nodeLayer, Rpc, StoreStateBackend } from '@spnkit/chain'
import { Effect, Exit, Fiber, Layer } from 'effect'
import { ConfigError, resolveConfig } from './config.ts'
import { mainnetSettings } from './settings.ts'

let config: ReturnType<typeof resolveConfig>
try {
  config = resolveConfig(process.argv.slice(2))
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message)
    process.exit(2)
  }
  throw e
}
const settings = mainnetSettings(config)

const program = Effect.gen(function* () {
  const rpc = yield* Rpc
  const ready = { rpc: rpc.url, ws: rpc.wsUrl, pid: process.pid, validator: settings.validatorAddress }
  writeFileSync(path.join(settings.dataDir, 'node.json'), JSON.stringify(ready, null, 2))
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`)
  return yield* Effect.never
}).pipe(
  Effect.provide(nodeLayer(settings, (s) => Promise.resolve(StoreStateBackend.open(path.join(s.dataDir, 'state'))))),
)

const fiber = Effect.runFork(program)
let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  void Effect.runPromise(Fiber.interrupt(fiber))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
const exit = await Effect.runPromise(Fiber.await(fiber))
if (Exit.isFailure(exit) && !Exit.hasInterrupts(exit)) {
  console.error(`node failed to start or stopped with an error:\n${String(exit.cause)}`)
  process.exitCode = 1
}
void Layer
