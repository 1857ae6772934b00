import { Redis } from 'ioredis'

/** Deletes every key under a test's unique prefix (queues, jobs, leases) from the shared Redis. */
export async function dropRedisPrefix(prefix: string, url = 'redis://127.0.0.1:6379'): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 })
  let deleted = 0
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) deleted += await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
  return deleted
}
