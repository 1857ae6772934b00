// Shrinks a mismatching fuzz case: drops byte ranges of each contract's code, calldata and
// storage while the mismatch persists, so the saved regression is small enough to read.
import { check } from './differential.ts'
import type { FuzzCase } from './generate.ts'

export async function minimize(c: FuzzCase, budget = 400): Promise<FuzzCase> {
  let best = c
  let tries = 0
  const stillFails = async (x: FuzzCase): Promise<boolean> => {
    tries++
    return (await check(x)) !== undefined
  }
  for (let chunk = 16; chunk >= 1; chunk = Math.floor(chunk / 2)) {
    for (let ai = 0; ai < best.accounts.length; ai++) {
      let pos = 0
      while (pos < best.accounts[ai]!.code.length && tries < budget) {
        const code = best.accounts[ai]!.code
        const shorter = new Uint8Array(code.length - Math.min(chunk, code.length - pos))
        shorter.set(code.subarray(0, pos))
        shorter.set(code.subarray(pos + chunk), pos)
        const accounts = best.accounts.map((a, i) => (i === ai ? { ...a, code: shorter } : a))
        const candidate = { ...best, accounts }
        if (await stillFails(candidate)) best = candidate
        else pos += chunk
      }
    }
  }
  if (best.data.length > 0 && tries < budget) {
    const candidate = { ...best, data: new Uint8Array(0) }
    if (await stillFails(candidate)) best = candidate
  }
  return best
}

export function serializeCase(c: FuzzCase): string {
  return JSON.stringify(
    c,
    (_k, v) => {
      if (typeof v === 'bigint') return `${v}n`
      if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`
      if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [`${k}`, `${x}n`]))
      return v
    },
    2,
  )
}

export function deserializeCase(text: string): FuzzCase {
  const raw = JSON.parse(text)
  const big = (s: string): bigint => BigInt(s.replace(/n$/, ''))
  const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.slice(2), 'hex'))
  return {
    seed: raw.seed,
    to: raw.to,
    value: big(raw.value),
    data: bytes(raw.data),
    gasLimit: raw.gasLimit,
    accounts: raw.accounts.map((a: Record<string, unknown>) => ({
      address: a.address,
      balance: big(a.balance as string),
      nonce: big(a.nonce as string),
      code: bytes(a.code as string),
      storage: new Map(Object.entries(a.storage as Record<string, string>).map(([k, v]) => [BigInt(k), big(v)])),
    })),
  }
}
