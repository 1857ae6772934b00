// Runs the Foundry deploy scripts (contracts/script/Deploy.s.sol) against any RPC URL with a key, and returns
// the addresses they recorded. The scripts are idempotent and resumable: re-running with the same
// deployments file reuses every contract that is already on chain.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Hex } from 'viem'
import { foundryBinary } from './foundry.ts'

const run = promisify(execFile)
const projectDir = path.resolve(import.meta.dirname, '..')

export type DeployScript = 'DeployHub' | 'DeploySpn' | 'RegisterSpn'

export type DeployOptions = {
  rpcUrl: string
  deployerKey: Hex
  /** JSON file the script reads and writes; must lie inside contracts/ (forge fs_permissions). */
  deploymentsFile: string
  /** Script settings (HUB_DOMAIN, SPN_DOMAIN, MAINNET_VALIDATORS, ...; see Deploy.s.sol). */
  env?: Record<string, string>
  /** Serialize with other forge runs on this machine through `flock <lockFile>`. */
  lockFile?: string
}

export class DeployScriptError extends Error {
  constructor(script: DeployScript, rpcUrl: string, output: string) {
    super(
      `forge script ${script} against ${rpcUrl} failed. Check the settings it names below, then re-run ` +
        `(completed steps are reused).\n${output.slice(-4000)}`,
    )
    this.name = 'DeployScriptError'
  }
}

export async function runDeployScript(script: DeployScript, options: DeployOptions): Promise<Record<string, string>> {
  const forge = foundryBinary('forge')
  const args = ['script', `script/Deploy.s.sol:${script}`, '--rpc-url', options.rpcUrl, '--broadcast', '--slow']
  const [command, commandArgs] = options.lockFile ? ['flock', [options.lockFile, forge, ...args]] : [forge, args]
  try {
    await run(command, commandArgs, {
      cwd: projectDir,
      env: {
        ...process.env,
        ...options.env,
        DEPLOYER_KEY: options.deployerKey,
        DEPLOYMENTS: path.resolve(options.deploymentsFile),
      },
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new DeployScriptError(script, options.rpcUrl, `${e.stdout ?? ''}\n${e.stderr ?? e.message}`)
  }
  return JSON.parse(readFileSync(options.deploymentsFile, 'utf8')) as Record<string, string>
}
