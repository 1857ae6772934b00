// `node relayer/src/main.ts --config relayer.json`: runs one relayer process until SIGTERM/SIGINT,
// then shuts down gracefully (HTTP, workers finishing or releasing their jobs, signer leases,
// Redis, database). Exit code 1 with the reasons on a bad config or an unreachable dependency.
import { parseArgs } from 'node:util'
import { loadConfigFile } from './config/load.ts'
import { RelayerError } from './errors.ts'
import { startRelayer } from './services.ts'

const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } } })
const path = values.config ?? process.env.RELAYER_CONFIG
if (!path) {
  process.stderr.write('usage: relayer --config <file.json>   (or set RELAYER_CONFIG)\n')
  process.exit(2)
}

try {
  const config = loadConfigFile(path)
  const relayer = await startRelayer(config)
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    relayer.log.info('shutting down', { signal })
    const timer = setTimeout(() => {
      relayer.log.error('shutdown took longer than 30 s; exiting')
      process.exit(1)
    }, 30_000)
    await relayer.stop()
    clearTimeout(timer)
    process.exit(0)
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))
  relayer.log.info('relayer started', { url: relayer.url })
  process.send?.({ ready: true, url: relayer.url })
} catch (error) {
  const text = error instanceof RelayerError ? error.message : ((error as Error)?.stack ?? String(error))
  process.stderr.write(`relayer failed to start:\n${text}\n`)
  process.exit(1)
}
