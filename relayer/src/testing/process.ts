import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { RelayerConfig } from '../config/types.ts'

// Runs relayers as real child processes (`node src/main.ts --config file`), so tests and the soak
// can SIGKILL them.

export function writeConfig(config: RelayerConfig, file: string): string {
  writeFileSync(
    file,
    JSON.stringify(config, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
  )
  return file
}

export type RelayerChild = ChildProcess & { ready: Promise<void> }

/** Spawns a relayer; `ready` resolves once it has started (it reports over IPC), or rejects if it exits first. */
export function spawnRelayer(configPath: string, logPath: string): RelayerChild {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, '..', 'main.ts'), '--config', configPath], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  }) as RelayerChild
  child.stderr?.pipe(createWriteStream(logPath, { flags: 'a' }))
  child.ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('exit', (code, signal) => reject(new Error(`relayer exited before it was ready (${code ?? signal})`)))
  })
  child.ready.catch(() => {})
  return child
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}
