import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

/** Node settings a mainnet operator can set, by config file, environment (SPN_*) or flag (--kebab-case). */
export type MainnetConfig = {
  dataDir: string
  rpcHost: string
  /** 0 = any free port (the bound port is printed and written to <dataDir>/node.json). */
  rpcPort: number
  /** Which devnet validator key this node signs with (index into the dev validator keys). */
  validatorIndex: number
  /** Explicit validator private key (hex); overrides validatorIndex. */
  validatorKey: string | undefined
  /** Size of the validator set in genesis. */
  validators: number
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  /** Make an empty block after this much idle time (ms); 0 = only blocks with transactions. */
  emptyBlockMs: number
  maxBlockTransactions: number
  recoveryWorkers: number
  maxBodyBytes: number
  /** Follow this validator's RPC URL: re-execute and verify its blocks (and co-sign them if this node has a validator key). */
  follow: string | undefined
  /** Comma-separated RPC URLs of the other validators (block signatures are sent there). */
  peers: string | undefined
  /** Run as a non-validator full node (no key; requires --follow). */
  observer: string | undefined
  /** JSON file describing the validator network ({ validators: [{ address, host, p2pPort, rpc }] }): validators order with consensus over TCP. */
  network: string | undefined
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

const DEFAULTS: MainnetConfig = {
  dataDir: '.data/mainnet',
  rpcHost: '127.0.0.1',
  rpcPort: 8545,
  validatorIndex: 0,
  validatorKey: undefined,
  validators: 1,
  logLevel: 'info',
  emptyBlockMs: 1000,
  maxBlockTransactions: 10_000,
  recoveryWorkers: 1,
  maxBodyBytes: 8 * 1024 * 1024,
  follow: undefined,
  peers: undefined,
  observer: undefined,
  network: undefined,
}

type Key = keyof MainnetConfig
const NUMERIC: Key[] = [
  'rpcPort',
  'validatorIndex',
  'validators',
  'emptyBlockMs',
  'maxBlockTransactions',
  'recoveryWorkers',
  'maxBodyBytes',
]
const LEVELS = ['debug', 'info', 'warn', 'error']

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
const constant = (k: string) => `SPN_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`

function coerce(key: Key, value: unknown, source: string): unknown {
  if (value === undefined) return undefined
  if (NUMERIC.includes(key)) {
    const n = typeof value === 'number' ? value : Number(value)
    if (!Number.isSafeInteger(n) || n < 0)
      throw new ConfigError(`${source}: ${key} must be a non-negative integer, got ${JSON.stringify(value)}`)
    return n
  }
  if (key === 'logLevel' && !LEVELS.includes(String(value)))
    throw new ConfigError(`${source}: logLevel must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(value)}`)
  return String(value)
}

/**
 * Resolves the configuration: flags over environment (SPN_RPC_PORT, ...) over the JSON config file
 * (--config FILE or SPN_CONFIG) over defaults. Unknown flags and file keys are errors, so typos
 * don't pass silently.
 */
export function resolveConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): MainnetConfig {
  const options = Object.fromEntries([
    ...(Object.keys(DEFAULTS) as Key[]).map((k) => [kebab(k), { type: 'string' as const }]),
    ['config', { type: 'string' as const }],
    ['help', { type: 'boolean' as const }],
  ])
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false })
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}. Run with --help for the list of flags.`)
  }
  if (parsed.values.help) throw new ConfigError(usage())
  const file = (parsed.values.config as string | undefined) ?? env.SPN_CONFIG
  let fromFile: Record<string, unknown> = {}
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`config file ${path.resolve(file)} does not exist`)
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    } catch (e) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${(e as Error).message}`)
    }
    for (const k of Object.keys(fromFile))
      if (!(k in DEFAULTS))
        throw new ConfigError(`config file ${file}: unknown key "${k}" (known: ${Object.keys(DEFAULTS).join(', ')})`)
  }
  const out = { ...DEFAULTS } as Record<Key, unknown>
  for (const key of Object.keys(DEFAULTS) as Key[]) {
    const fromFlag = coerce(key, parsed.values[kebab(key)], `--${kebab(key)}`)
    const fromEnv = coerce(key, env[constant(key)], constant(key))
    const fromCfg = coerce(key, fromFile[key], `config file ${file}`)
    out[key] = fromFlag ?? fromEnv ?? fromCfg ?? DEFAULTS[key]
  }
  return out as MainnetConfig
}

export function usage(): string {
  return [
    'spnkit mainnet node',
    '',
    'Usage: node mainnet/src/node-main.ts [flags]',
    '',
    ...(Object.keys(DEFAULTS) as Key[]).map(
      (k) => `  --${kebab(k).padEnd(24)} env ${constant(k).padEnd(28)} default ${JSON.stringify(DEFAULTS[k]) ?? '-'}`,
    ),
    `  --${'config'.padEnd(24)} env ${'SPN_CONFIG'.padEnd(28)} JSON file with any of the keys above (camelCase)`,
  ].join('\n')
}
