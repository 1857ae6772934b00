// An option-pricing engine as a DTVM WASM contract (AssemblyScript), called natively by Solidity
// through `interface IPricer { function quote(uint256,uint256,uint256,uint256) external view returns (uint256,uint256); }`.
// Model (an example, not financial advice): premium = intrinsic value + 0.4·S·σ·√T (the
// Brenner–Subrahmanyam at-the-money approximation), in integer arithmetic so every VM agrees:
//   sqrtT = isqrt(seconds · 10^8 / YEAR)   (√(years) scaled by 10^4)
//   time  = (S · volBps / 10^4) · sqrtT · 4 / 10^5
// Limits: S, K < 2^40; volBps ≤ 100,000; seconds ≤ 10 years (reverts beyond).
import { AbiReader, AbiWriter, calldata, returnData, revertMessage, selectorOf } from "../../wasm-sdk/assemblyscript"

const YEAR: u64 = 31_536_000
const MAX_PRICE: u64 = 1 << 40
const MAX_VOL_BPS: u64 = 100_000
const MAX_SECONDS: u64 = 10 * YEAR

function isqrt(x: u64): u64 {
  if (x == 0) return 0
  let r = x
  let y = (r + 1) >> 1
  while (y < r) {
    r = y
    y = (r + x / r) >> 1
  }
  return r
}

export function call(): void {
  const data = calldata()
  // quote(uint256,uint256,uint256,uint256)
  if (selectorOf(data) != 0xf3d168c8) revertMessage("Pricer: unknown selector")
  const args = new AbiReader(data)
  const spot = args.u64()
  const strike = args.u64()
  const volBps = args.u64()
  const seconds = args.u64()
  if (spot >= MAX_PRICE || strike >= MAX_PRICE) revertMessage("Pricer: price out of range")
  if (volBps > MAX_VOL_BPS) revertMessage("Pricer: volatility out of range")
  if (seconds > MAX_SECONDS) revertMessage("Pricer: expiry out of range")
  const sqrtT = isqrt((seconds * 100_000_000) / YEAR)
  const time = (((spot * volBps) / 10_000) * sqrtT * 4) / 100_000
  const callIntrinsic: u64 = spot > strike ? spot - strike : 0
  const putIntrinsic: u64 = strike > spot ? strike - spot : 0
  returnData(new AbiWriter(2).u64(callIntrinsic + time).u64(putIntrinsic + time).bytes())
}
