import { toHex } from '@spnkit/crypto'
import { decodeErrorResult } from 'viem'
import { intrinsicGas } from '../tx/intrinsic-gas.ts'
import type { CallOutcome, ChainApi } from './api.ts'
import { RpcError, RpcErrorCode } from './errors.ts'
import type { CallRequest } from './params.ts'

/** The error geth returns for a failed call: code 3 + revert data when it reverted, -32000 otherwise. */
export function revertError(outcome: CallOutcome): RpcError {
  if (outcome.error !== undefined && outcome.output.length === 0 && outcome.error !== 'revert')
    return new RpcError(RpcErrorCode.server, outcome.error)
  const data = toHex(outcome.output)
  let message = 'execution reverted'
  if (outcome.output.length >= 4) {
    try {
      const decoded = decodeErrorResult({ abi: [], data })
      if (decoded.errorName === 'Error') message += `: ${String(decoded.args?.[0])}`
      else if (decoded.errorName === 'Panic')
        message += `: panic code 0x${BigInt(decoded.args?.[0] as bigint).toString(16)}`
    } catch {
      // custom error: clients decode `data` with their ABI
    }
  }
  return new RpcError(RpcErrorCode.executionReverted, message, data)
}

/**
 * eth_estimateGas: run at the cap; if that fails, report why (revert data included). Otherwise
 * binary-search the smallest gas limit that succeeds, starting just above the gas actually used
 * (63/64 reservations and refunds make the need larger than the use).
 */
export function estimateGas(chain: ChainApi, request: CallRequest, block: bigint): bigint {
  const header = chain.db.byNumber(block)!.header
  const cap = request.gas !== undefined && request.gas < header.gasLimit ? request.gas : header.gasLimit
  const floor = intrinsicGas({ to: request.to, data: request.data, accessList: request.accessList })
  const run = (gas: bigint) => chain.call({ ...request, gas }, block)
  const atCap = run(cap)
  if (!atCap.success) {
    if (atCap.error === 'OutOfGas' || atCap.error?.startsWith('out of gas'))
      throw new RpcError(RpcErrorCode.server, `gas required exceeds allowance (${cap})`)
    throw revertError(atCap)
  }
  let lo = floor - 1n
  if (atCap.gasUsed > floor) lo = atCap.gasUsed - 1n
  let hi = cap
  // Most calls succeed right at gasUsed * 64/63; try that first to skip the search.
  const guess = (atCap.gasUsed * 64n) / 63n + 1n
  if (guess < hi && guess > lo && run(guess).success) hi = guess
  while (lo + 1n < hi) {
    const mid = (lo + hi) / 2n
    if (run(mid).success) hi = mid
    else lo = mid
  }
  return hi
}
