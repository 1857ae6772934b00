// One funded account over an in-memory state and a block executor: the setup the WASM benchmarks
// share. `send` runs a transaction and throws unless it succeeds.
import { keccak256 } from '@spnkit/crypto'
import { BlockExecutor, InMemoryState } from '../src/index.ts'
import type { Address, BlockContext, TxInput, TxResult } from '../src/types.ts'

export const DEV_SENDER: Address = '0x00000000000000000000000000000000000a11ce'

export const devBlock: BlockContext = {
  chainId: 1n,
  number: 1n,
  timestamp: 1_700_000_000n,
  coinbase: '0x0000000000000000000000000000000000c0ba5e',
  gasLimit: 30_000_000n,
  baseFee: 1n,
  prevRandao: 0n,
  excessBlobGas: 0n,
  blockHash: (n) => keccak256(new TextEncoder().encode(String(n))),
}

export type Included = Extract<TxResult, { included: true }>

export function devChain(): { send: (to: Address | null, data: Uint8Array) => Included } {
  const state = new InMemoryState()
  state.setAccount(DEV_SENDER, { balance: 10n ** 30n })
  const exec = new BlockExecutor(state, devBlock)
  let nonce = 0n
  return {
    send(to, data) {
      const tx: TxInput = {
        type: 2,
        from: DEV_SENDER,
        to,
        nonce: nonce++,
        gasLimit: 5_000_000n,
        maxFeePerGas: 1n,
        maxPriorityFeePerGas: 0n,
        value: 0n,
        data,
      }
      const result = exec.execute(tx)
      if (!result.included || result.status !== 'success')
        throw new Error(`transaction failed: ${result.included ? result.haltReason : result.rejection.message}`)
      return result
    },
  }
}
