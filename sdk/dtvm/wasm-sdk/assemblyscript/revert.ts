import * as host from "./host"

/** Reverts with `data` as the revert payload (never returns). */
export function revertWith(data: Uint8Array): void {
  host.revert(data.dataStart, data.length)
}

/** Reverts with Solidity's `Error(string)` encoding, which viem, cast and wallets decode. */
export function revertMessage(message: string): void {
  const text = Uint8Array.wrap(String.UTF8.encode(message))
  const padded = (text.length + 31) & ~31
  const out = new Uint8Array(4 + 64 + padded)
  out[0] = 0x08
  out[1] = 0xc3
  out[2] = 0x79
  out[3] = 0xa0
  out[4 + 31] = 0x20
  store<u32>(out.dataStart + 4 + 60, bswap<u32>(<u32>text.length))
  memory.copy(out.dataStart + 68, text.dataStart, text.length)
  revertWith(out)
}

/** Reverts with Solidity's `Panic(uint256)` encoding (0x11 = arithmetic overflow). */
export function panic(code: u8): void {
  const out = new Uint8Array(36)
  out[0] = 0x4e
  out[1] = 0x48
  out[2] = 0x7b
  out[3] = 0x71
  out[35] = code
  revertWith(out)
}

/** AssemblyScript's `abort` (assertions, bounds checks) mapped to a revert with the message. */
export function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  revertMessage(message !== null ? message : "assertion failed")
}
