import { type ChildProcess, spawn } from 'node:child_process'
import { foundryBinary } from './foundry.ts'

export type AnvilOptions = {
  /** Chain id of the instance (anvil's default is 31337). */
  chainId?: number
  /** Seconds between blocks; omitted means a block per transaction (automine). */
  blockTime?: number
  /** Extra command-line flags passed through unchanged. */
  args?: string[]
  /** How long to wait for anvil to listen before giving up, in ms. */
  startTimeoutMs?: number
}

export type Anvil = {
  rpcUrl: string
  wsUrl: string
  port: number
  process: ChildProcess
  /** Stops the instance and waits for it to exit. Safe to call twice. */
  stop: () => Promise<void>
}

/** Starts a real anvil (from the npm package) on a free loopback port and resolves once it listens. */
export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  const args = ['--port', '0', '--host', '127.0.0.1']
    .concat(options.chainId !== undefined ? ['--chain-id', String(options.chainId)] : [])
    .concat(options.blockTime !== undefined ? ['--block-time', String(options.blockTime)] : [])
    .concat(options.args ?? [])
  const child = spawn(foundryBinary('anvil'), args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const timeoutMs = options.startTimeoutMs ?? 20_000

  const port = await new Promise<number>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`anvil did not start listening within ${timeoutMs} ms. Output so far:\n${output}`))
    }, timeoutMs)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Listening on [\d.]+:(\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        child.stdout?.off('data', onData)
        // Keep draining so a chatty anvil never blocks on a full pipe.
        child.stdout?.resume()
        resolve(Number(match[1]))
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`anvil exited before listening (code ${code}, signal ${signal}). Output:\n${output}`))
    })
  })

  let stopped: Promise<void> | undefined
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
    return stopped
  }
  return { rpcUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`, port, process: child, stop }
}
