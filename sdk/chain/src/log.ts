import type { NodeLog } from './node/node.ts'

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const
export type LogLevel = keyof typeof LEVELS

const COLORS: Record<LogLevel, string> = { debug: '\x1b[90m', info: '\x1b[36m', warn: '\x1b[33m', error: '\x1b[31m' }

/** Readable one-line logs: `12:00:01.234 INFO  [v0] committed block number=12 txs=40`. */
export function consoleLog(name: string, level: LogLevel, options: { color?: boolean } = {}): NodeLog {
  const min = LEVELS[level]
  const color = options.color ?? process.stderr.isTTY
  return (lvl, message, fields) => {
    if (LEVELS[lvl] < min) return
    const time = new Date().toISOString().slice(11, 23)
    const tag = lvl.toUpperCase().padEnd(5)
    const extra = fields
      ? Object.entries(fields)
          .filter(([k]) => k !== 'stack')
          .map(
            ([k, v]) => `${k}=${typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : JSON.stringify(v)}`,
          )
          .join(' ')
      : ''
    const line = `${time} ${color ? COLORS[lvl] + tag + '\x1b[0m' : tag} [${name}] ${message}${extra ? ' ' + extra : ''}`
    process.stderr.write(line + '\n')
  }
}

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(LEVELS, value)
}
