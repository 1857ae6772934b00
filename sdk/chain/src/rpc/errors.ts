/**
 * A JSON-RPC error as clients see it. Codes follow the JSON-RPC 2.0 spec and EIP-1474 / geth
 * (`3` execution reverted with `data`, `-32000` for transaction-pool refusals, whose messages
 * start with geth's wording so viem and cast classify them).
 */
export class RpcError extends Error {
  override readonly name = 'RpcError'
  readonly code: number
  readonly data: unknown
  constructor(code: number, message: string, data?: unknown) {
    super(message)
    this.code = code
    this.data = data
  }
}

export const RpcErrorCode = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  server: -32000,
  resourceNotFound: -32001,
  transactionRejected: -32003,
  limitExceeded: -32005,
  executionReverted: 3,
} as const

export const invalidParams = (message: string) => new RpcError(RpcErrorCode.invalidParams, `invalid params: ${message}`)
