// A call-chain hop as a WASM contract, the twin of wasm-examples/solidity/CrossVm.sol's `Relay`,
// used to test EVM→WASM→EVM chains. Raw calldata: flags (1 byte) ‖ target (20 bytes) ‖ payload.
//   flags & 1: count this visit in storage slot 0 before forwarding
//   flags & 2: revert (with the 4-byte data 0xdeadbeef) after the forwarded call returns
//   flags & 4: ignore a failed forwarded call instead of bubbling its revert data
//   flags & 8: forward with a static call
// A zero target ends the chain: the hop returns slot 0 as a 32-byte word (or reverts, with flag 2).
import { callContract, calldata, staticCallContract, returnData, revertWith, sload, slotOf, sstore, U256 } from "../../wasm-sdk/assemblyscript"

const COUNTER = slotOf(0)

export function call(): void {
  const data = calldata()
  const flags = data.length > 0 ? data[0] : 0
  if (flags & 1) sstore(COUNTER, sload(COUNTER).add(U256.fromU64(1)))
  const target = data.length >= 21 ? data.subarray(1, 21) : new Uint8Array(20)
  let isZero = true
  for (let i = 0; i < 20; i++) if (target[i] != 0) isZero = false
  let output = sload(COUNTER).toBytes()
  if (!isZero) {
    const payload = data.subarray(21)
    const result = flags & 8 ? staticCallContract(target, payload) : callContract(target, new U256(), payload)
    if (!result.success && !(flags & 4)) revertWith(result.data)
    output = result.data
  }
  if (flags & 2) {
    const boom = new Uint8Array(4)
    boom[0] = 0xde
    boom[1] = 0xad
    boom[2] = 0xbe
    boom[3] = 0xef
    revertWith(boom)
  }
  returnData(output)
}
