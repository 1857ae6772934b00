import { type Address, getAddress, type Hex, isAddress } from 'viem'
import { ConfigError } from '../errors.ts'
import type { ChainConfig, GasPolicy, RelayerConfig } from './types.ts'

// Hand-written validation so every problem is reported at once, each with its JSON path, what was
// found and what is expected. Bigint fields accept decimal strings or integers.

type Env = Record<string, string | undefined>

class Issues {
  readonly list: string[] = []
  add(path: string, problem: string): void {
    this.list.push(`${path}: ${problem}`)
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v))

function str(issues: Issues, obj: Record<string, unknown>, key: string, path: string, fallback?: string): string {
  const v = obj[key]
  if (v === undefined && fallback !== undefined) return fallback
  if (typeof v !== 'string' || v.length === 0) {
    issues.add(`${path}.${key}`, `expected a non-empty string, found ${show(v)}`)
    return ''
  }
  return v
}

function int(
  issues: Issues,
  obj: Record<string, unknown>,
  key: string,
  path: string,
  range: { min: number; max: number },
  fallback?: number,
): number {
  const v = obj[key]
  if (v === undefined && fallback !== undefined) return fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) {
    issues.add(`${path}.${key}`, `expected an integer in [${range.min}, ${range.max}], found ${show(v)}`)
    return range.min
  }
  return v
}

function big(issues: Issues, obj: Record<string, unknown>, key: string, path: string, fallback: bigint): bigint {
  const v = obj[key]
  if (v === undefined) return fallback
  if ((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+$/.test(v))) {
    return BigInt(v)
  }
  issues.add(`${path}.${key}`, `expected a non-negative integer (number or decimal string), found ${show(v)}`)
  return fallback
}

function address(issues: Issues, v: unknown, path: string): Address | undefined {
  if (typeof v === 'string' && isAddress(v, { strict: false })) return getAddress(v)
  issues.add(path, `expected a 20-byte hex address (0x + 40 hex digits), found ${show(v)}`)
  return undefined
}

/** A key is `0x` + 64 hex digits, or `env:NAME` to read it from the environment (keeps keys out of files). */
function signerKey(issues: Issues, v: unknown, path: string, env: Env): Hex | undefined {
  let value = v
  if (typeof v === 'string' && v.startsWith('env:')) {
    value = env[v.slice(4)]
    if (value === undefined) {
      issues.add(path, `environment variable ${v.slice(4)} is not set`)
      return undefined
    }
  }
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{64}$/.test(value) && !/^0x0{64}$/.test(value)) return value as Hex
  issues.add(path, 'expected a private key (0x + 64 hex digits, not zero) or "env:VARIABLE"')
  return undefined
}

function gasPolicy(issues: Issues, raw: unknown, path: string): GasPolicy {
  const g = raw === undefined ? {} : raw
  if (!isObject(g)) {
    issues.add(path, `expected an object, found ${show(raw)}`)
    return gasPolicy(new Issues(), {}, path)
  }
  const policy: GasPolicy = {
    maxGasLimit: big(issues, g, 'maxGasLimit', path, 3_000_000n),
    gasLimitBufferPercent: int(issues, g, 'gasLimitBufferPercent', path, { min: 100, max: 1000 }, 120),
    gasLimitOverhead: big(issues, g, 'gasLimitOverhead', path, 30_000n),
    maxFeePerGas: big(issues, g, 'maxFeePerGas', path, 500_000_000_000n),
    priorityFeePerGas: big(issues, g, 'priorityFeePerGas', path, 1_000_000_000n),
    bumpPercent: int(issues, g, 'bumpPercent', path, { min: 10, max: 500 }, 15),
    stuckAfterMs: int(issues, g, 'stuckAfterMs', path, { min: 100, max: 3_600_000 }, 30_000),
    minBalanceWei: big(issues, g, 'minBalanceWei', path, 10n ** 17n),
  }
  if (policy.maxGasLimit === 0n) issues.add(`${path}.maxGasLimit`, 'must be greater than 0')
  if (policy.priorityFeePerGas > policy.maxFeePerGas) {
    issues.add(`${path}.priorityFeePerGas`, 'is above maxFeePerGas; no transaction could ever be priced')
  }
  return policy
}

function chain(issues: Issues, raw: unknown, path: string, env: Env): ChainConfig | undefined {
  if (!isObject(raw)) {
    issues.add(path, `expected an object, found ${show(raw)}`)
    return undefined
  }
  const hub = raw.hub === true
  if (raw.hub !== undefined && typeof raw.hub !== 'boolean') issues.add(`${path}.hub`, 'expected true or false')
  const rpcUrl = str(issues, raw, 'rpcUrl', path)
  if (rpcUrl && !/^https?:\/\//.test(rpcUrl))
    issues.add(`${path}.rpcUrl`, `expected an http(s) URL, found ${show(rpcUrl)}`)
  const keys = raw.signerKeys
  const signerKeys: Hex[] = []
  if (!Array.isArray(keys) || keys.length === 0) {
    issues.add(`${path}.signerKeys`, 'expected a non-empty array of private keys (one per relayer process you run)')
  } else {
    keys.forEach((k, i) => {
      const key = signerKey(issues, k, `${path}.signerKeys[${i}]`, env)
      if (key) signerKeys.push(key)
    })
    if (new Set(signerKeys.map((k) => k.toLowerCase())).size !== signerKeys.length) {
      issues.add(`${path}.signerKeys`, 'contains the same key twice; each key must be listed once')
    }
  }
  const spnId = raw.spnId === undefined ? undefined : int(issues, raw, 'spnId', path, { min: 0, max: 2 ** 32 - 1 })
  if (!hub && spnId === undefined)
    issues.add(`${path}.spnId`, 'a spoke (non-hub) chain needs its SPN id on the hub adapter')
  const adapter = raw.adapter === undefined ? undefined : address(issues, raw.adapter, `${path}.adapter`)
  if (hub && adapter === undefined && raw.adapter === undefined) {
    issues.add(`${path}.adapter`, 'the hub chain needs the SPNAdapter address (from the deploy JSON)')
  }
  return {
    name: str(issues, raw, 'name', path),
    chainId: int(issues, raw, 'chainId', path, { min: 1, max: Number.MAX_SAFE_INTEGER }),
    domain: int(issues, raw, 'domain', path, { min: 0, max: 2 ** 32 - 1 }),
    hub,
    spnId,
    rpcUrl,
    confirmations: int(issues, raw, 'confirmations', path, { min: 0, max: 10_000 }, 0),
    startBlock: big(issues, raw, 'startBlock', path, 0n),
    maxBlockRange: int(issues, raw, 'maxBlockRange', path, { min: 1, max: 100_000 }, 2_000),
    pollIntervalMs: int(issues, raw, 'pollIntervalMs', path, { min: 10, max: 600_000 }, 1_000),
    rpcTimeoutMs: int(issues, raw, 'rpcTimeoutMs', path, { min: 100, max: 600_000 }, 10_000),
    mailbox: address(issues, raw.mailbox, `${path}.mailbox`) ?? '0x0000000000000000000000000000000000000000',
    adapter,
    signerKeys,
    gas: gasPolicy(issues, raw.gas, `${path}.gas`),
  }
}

/**
 * Validates a raw (parsed JSON) config and fills defaults. Throws one ConfigError listing every
 * problem, so an operator fixes the file in one pass.
 */
export function validateConfig(raw: unknown, source = 'config', env: Env = process.env): RelayerConfig {
  const issues = new Issues()
  if (!isObject(raw)) throw new ConfigError([`expected a JSON object at the top level, found ${show(raw)}`], source)
  const chains: ChainConfig[] = []
  if (!Array.isArray(raw.chains) || raw.chains.length < 2) {
    issues.add('chains', 'expected an array of at least two chains (the hub and one or more spokes)')
  } else {
    raw.chains.forEach((c, i) => {
      const parsed = chain(issues, c, `chains[${i}]`, env)
      if (parsed) chains.push(parsed)
    })
    const hubs = chains.filter((c) => c.hub)
    if (hubs.length !== 1) issues.add('chains', `expected exactly one chain with "hub": true, found ${hubs.length}`)
    for (const field of ['name', 'domain', 'chainId'] as const) {
      const seen = new Set<unknown>()
      for (const c of chains) {
        if (seen.has(c[field])) issues.add('chains', `two chains share ${field} ${show(c[field])}; each must be unique`)
        seen.add(c[field])
      }
    }
    const spnIds = chains.filter((c) => !c.hub && c.spnId !== undefined).map((c) => c.spnId)
    if (new Set(spnIds).size !== spnIds.length) issues.add('chains', 'two spoke chains share an spnId')
  }
  const redisRaw = raw.redis === undefined ? {} : raw.redis
  const redis = { url: 'redis://127.0.0.1:6379', prefix: 'spnkit' }
  if (!isObject(redisRaw)) issues.add('redis', `expected an object, found ${show(raw.redis)}`)
  else {
    redis.url = str(issues, redisRaw, 'url', 'redis', redis.url)
    redis.prefix = str(issues, redisRaw, 'prefix', 'redis', redis.prefix)
    if (!/^rediss?:\/\//.test(redis.url))
      issues.add('redis.url', `expected redis://host:port, found ${show(redis.url)}`)
    if (redis.prefix.includes(':')) issues.add('redis.prefix', 'must not contain ":" (BullMQ uses it as separator)')
  }
  const databaseUrl = str(issues, raw, 'databaseUrl', '$', 'pglite://.data/relayer')
  if (!/^(memory:\/\/|pglite:\/\/|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    issues.add('databaseUrl', `expected memory://, pglite://<dir> or postgres://..., found ${show(databaseUrl)}`)
  }
  const httpRaw = raw.http === undefined ? {} : raw.http
  const http = { host: '127.0.0.1', port: 9090 }
  if (!isObject(httpRaw)) issues.add('http', `expected an object, found ${show(raw.http)}`)
  else {
    http.host = str(issues, httpRaw, 'host', 'http', http.host)
    http.port = int(issues, httpRaw, 'port', 'http', { min: 0, max: 65_535 }, http.port)
  }
  const logLevel = str(issues, raw, 'logLevel', '$', 'info')
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    issues.add('logLevel', `expected debug, info, warn or error, found ${show(logLevel)}`)
  }
  const config: RelayerConfig = {
    chains,
    redis,
    databaseUrl,
    http,
    concurrency: int(issues, raw, 'concurrency', '$', { min: 1, max: 1000 }, 16),
    maxAttempts: int(issues, raw, 'maxAttempts', '$', { min: 1, max: 1000 }, 66),
    backoffScale: typeof raw.backoffScale === 'number' && raw.backoffScale > 0 ? raw.backoffScale : 1,
    signersPerProcess: int(issues, raw, 'signersPerProcess', '$', { min: 1, max: 64 }, 1),
    signerLeaseMs: int(issues, raw, 'signerLeaseMs', '$', { min: 1000, max: 600_000 }, 15_000),
    waitPollMs: int(issues, raw, 'waitPollMs', '$', { min: 10, max: 600_000 }, 2_000),
    logLevel: logLevel as RelayerConfig['logLevel'],
  }
  if (raw.backoffScale !== undefined && !(typeof raw.backoffScale === 'number' && raw.backoffScale > 0)) {
    issues.add('backoffScale', `expected a positive number, found ${show(raw.backoffScale)}`)
  }
  if (issues.list.length > 0)
    throw new ConfigError(
      issues.list.map((l) => (l.startsWith('$.') ? l.slice(2) : l)),
      source,
    )
  return config
}
