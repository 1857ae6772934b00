// Solidity ABI for entry points: selector dispatch, argument decoding with the same validity rules
// as Solidity (addresses and bools must be clean words), and result encoding.
import * as host from "./host"
import { revertMessage } from "./revert"
import { U256 } from "./u256"

/** The call's full calldata. */
export function calldata(): Uint8Array {
  const data = new Uint8Array(host.calldata_size())
  host.calldata_copy(data.dataStart, 0, data.length)
  return data
}

/** The 4-byte selector as a u32 (0 when calldata is shorter than 4 bytes). */
export function selectorOf(data: Uint8Array): u32 {
  if (data.length < 4) return 0
  return bswap<u32>(load<u32>(data.dataStart))
}

/** Reads head words of the arguments after the selector. */
export class AbiReader {
  private offset: i32 = 4
  constructor(private data: Uint8Array) {}

  private word(): usize {
    if (this.offset + 32 > this.data.length) revertMessage("abi: calldata too short")
    const ptr = this.data.dataStart + <usize>this.offset
    this.offset += 32
    return ptr
  }

  u256(): U256 {
    return U256.load(this.word())
  }

  /** A uint that must fit in 64 bits (reverts otherwise). */
  u64(): u64 {
    return U256.load(this.word()).toU64()
  }

  address(): Uint8Array {
    const ptr = this.word()
    for (let i = 0; i < 12; i++) if (load<u8>(ptr + i) != 0) revertMessage("abi: dirty address")
    const out = new Uint8Array(20)
    memory.copy(out.dataStart, ptr + 12, 20)
    return out
  }

  bool(): bool {
    const value = U256.load(this.word())
    if (value.w0 != 0 || value.w1 != 0 || value.w2 != 0 || value.w3 > 1) revertMessage("abi: dirty bool")
    return value.w3 == 1
  }
}

/** Builds ABI-encoded static results. */
export class AbiWriter {
  private out: Uint8Array
  private offset: i32 = 0
  constructor(words: i32) {
    this.out = new Uint8Array(words * 32)
  }

  u256(value: U256): AbiWriter {
    value.store(this.out.dataStart + <usize>this.offset)
    this.offset += 32
    return this
  }

  u64(value: u64): AbiWriter {
    return this.u256(U256.fromU64(value))
  }

  address(value: Uint8Array): AbiWriter {
    memory.copy(this.out.dataStart + <usize>this.offset + 12, value.dataStart, 20)
    this.offset += 32
    return this
  }

  bool(value: bool): AbiWriter {
    this.out[this.offset + 31] = value ? 1 : 0
    this.offset += 32
    return this
  }

  bytes(): Uint8Array {
    return this.out
  }
}

/** Ends the call successfully with `data` as return data. */
export function returnData(data: Uint8Array): void {
  host.finish(data.dataStart, data.length)
}

function nibble(code: i32): u8 {
  if (code >= 48 && code <= 57) return <u8>(code - 48)
  if (code >= 97 && code <= 102) return <u8>(code - 87)
  if (code >= 65 && code <= 70) return <u8>(code - 55)
  revertMessage("hexBytes: not a hex digit")
  return 0
}

/** Bytes of a hex string without 0x (integer-only parsing: contracts contain no floats). */
export function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1)
  for (let i = 0; i < out.length; i++) out[i] = (nibble(hex.charCodeAt(i * 2)) << 4) | nibble(hex.charCodeAt(i * 2 + 1))
  return out
}
