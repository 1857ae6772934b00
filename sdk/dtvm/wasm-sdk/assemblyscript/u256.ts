// Unsigned 256-bit integers as four u64 limbs (w0 most significant), with checked arithmetic that
// reverts like Solidity 0.8 (Panic(0x11)) on overflow and underflow.
import { panic } from "./revert"

export class U256 {
  constructor(public w0: u64 = 0, public w1: u64 = 0, public w2: u64 = 0, public w3: u64 = 0) {}

  static fromU64(value: u64): U256 {
    return new U256(0, 0, 0, value)
  }

  /** Reads 32 big-endian bytes at `ptr`. */
  static load(ptr: usize): U256 {
    return new U256(bswap<u64>(load<u64>(ptr)), bswap<u64>(load<u64>(ptr + 8)), bswap<u64>(load<u64>(ptr + 16)), bswap<u64>(load<u64>(ptr + 24)))
  }

  /** Writes 32 big-endian bytes at `ptr`. */
  store(ptr: usize): void {
    store<u64>(ptr, bswap<u64>(this.w0))
    store<u64>(ptr + 8, bswap<u64>(this.w1))
    store<u64>(ptr + 16, bswap<u64>(this.w2))
    store<u64>(ptr + 24, bswap<u64>(this.w3))
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(32)
    this.store(out.dataStart)
    return out
  }

  isZero(): bool {
    return (this.w0 | this.w1 | this.w2 | this.w3) == 0
  }

  /** The value as u64, reverting if it does not fit. */
  toU64(): u64 {
    if ((this.w0 | this.w1 | this.w2) != 0) panic(0x11)
    return this.w3
  }

  lt(other: U256): bool {
    if (this.w0 != other.w0) return this.w0 < other.w0
    if (this.w1 != other.w1) return this.w1 < other.w1
    if (this.w2 != other.w2) return this.w2 < other.w2
    return this.w3 < other.w3
  }

  eq(other: U256): bool {
    return this.w0 == other.w0 && this.w1 == other.w1 && this.w2 == other.w2 && this.w3 == other.w3
  }

  /** this + other, reverting on overflow. */
  add(other: U256): U256 {
    const r3 = this.w3 + other.w3
    let carry: u64 = r3 < this.w3 ? 1 : 0
    const s2 = this.w2 + other.w2
    const r2 = s2 + carry
    carry = s2 < this.w2 || r2 < s2 ? 1 : 0
    const s1 = this.w1 + other.w1
    const r1 = s1 + carry
    carry = s1 < this.w1 || r1 < s1 ? 1 : 0
    const s0 = this.w0 + other.w0
    const r0 = s0 + carry
    if (s0 < this.w0 || r0 < s0) panic(0x11)
    return new U256(r0, r1, r2, r3)
  }

  /** this - other, reverting on underflow. */
  sub(other: U256): U256 {
    if (this.lt(other)) panic(0x11)
    const r3 = this.w3 - other.w3
    let borrow: u64 = this.w3 < other.w3 ? 1 : 0
    const r2 = this.w2 - other.w2 - borrow
    borrow = this.w2 < other.w2 || (this.w2 == other.w2 && borrow == 1) ? 1 : 0
    const r1 = this.w1 - other.w1 - borrow
    borrow = this.w1 < other.w1 || (this.w1 == other.w1 && borrow == 1) ? 1 : 0
    const r0 = this.w0 - other.w0 - borrow
    return new U256(r0, r1, r2, r3)
  }
}

export const MAX_U256 = new U256(u64.MAX_VALUE, u64.MAX_VALUE, u64.MAX_VALUE, u64.MAX_VALUE)
