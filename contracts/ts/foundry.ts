import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

export type FoundryTool = 'forge' | 'anvil' | 'cast'

const require = createRequire(import.meta.url)

/**
 * Path of the native Foundry binary shipped by the `@foundry-rs/<tool>` npm package for this
 * platform. Spawning it directly (not the package's node wrapper) lets callers signal the real
 * process, which matters for anvil instances that tests start and kill.
 */
export function foundryBinary(tool: FoundryTool): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch
  const platformPackage = `@foundry-rs/${tool}-${process.platform}-${arch}`
  try {
    const dir = path.dirname(require.resolve(`${platformPackage}/package.json`))
    const binary = path.join(dir, 'bin', tool)
    if (existsSync(binary)) return binary
  } catch {}
  throw new Error(
    `${tool} binary not found: expected the npm package ${platformPackage} (installed by @foundry-rs/${tool}). ` +
      'Run `npm ci` at the repository root.',
  )
}
