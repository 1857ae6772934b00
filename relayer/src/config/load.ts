import { readFileSync } from 'node:fs'
import { ConfigError } from '../errors.ts'
import type { RelayerConfig } from './types.ts'
import { validateConfig } from './validate.ts'

/** Reads and validates a JSON config file; `RELAYER_DATABASE_URL`/`RELAYER_REDIS_URL` override the file. */
export function loadConfigFile(path: string, env: Record<string, string | undefined> = process.env): RelayerConfig {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (cause) {
    throw new ConfigError([`cannot read the file (${(cause as Error).message})`], path)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (cause) {
    throw new ConfigError([`not valid JSON (${(cause as Error).message})`], path)
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>
    if (env.RELAYER_DATABASE_URL) o.databaseUrl = env.RELAYER_DATABASE_URL
    if (env.RELAYER_REDIS_URL) o.redis = { ...(o.redis as object), url: env.RELAYER_REDIS_URL }
  }
  return validateConfig(raw, path, env)
}
