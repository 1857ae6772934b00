import type { Redis } from 'ioredis'
import type { Address } from 'viem'

// Each signer key is used by exactly one relayer process at a time: the process holds a Redis lease
// (SET NX PX, renewed by compare-and-expire). Nonces therefore never race between processes, and a
// SIGKILLed process's key becomes free once its lease expires. Per-process nonce state starts from
// the chain's pending nonce whenever a lease is (re)acquired.

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

export class SignerLease {
  readonly #redis: Redis
  readonly #key: string
  readonly #token: string
  readonly #ttlMs: number
  #held = false
  #expiresAt = 0

  constructor(redis: Redis, prefix: string, domain: number, address: Address, token: string, ttlMs: number) {
    this.#redis = redis
    this.#key = `${prefix}:signer-lease:${domain}:${address.toLowerCase()}`
    this.#token = token
    this.#ttlMs = ttlMs
  }

  get held(): boolean {
    // A margin of a third of the TTL: stop using the key well before another process may take it.
    return this.#held && Date.now() < this.#expiresAt - this.#ttlMs / 3
  }

  async tryAcquire(): Promise<boolean> {
    const started = Date.now()
    const ok = await this.#redis.set(this.#key, this.#token, 'PX', this.#ttlMs, 'NX')
    if (ok === 'OK') {
      this.#held = true
      this.#expiresAt = started + this.#ttlMs
    }
    return ok === 'OK'
  }

  async renew(): Promise<boolean> {
    const started = Date.now()
    const ok = (await this.#redis.eval(RENEW, 1, this.#key, this.#token, String(this.#ttlMs))) === 1
    this.#held = ok
    if (ok) this.#expiresAt = started + this.#ttlMs
    return ok
  }

  async release(): Promise<void> {
    this.#held = false
    await this.#redis.eval(RELEASE, 1, this.#key, this.#token)
  }
}
