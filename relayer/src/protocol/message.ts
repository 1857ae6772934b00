import { keccak256, toHex } from '@spnkit/crypto'
import { type Address, getAddress, type Hex } from 'viem'
import { PermanentMessageError } from '../errors.ts'

// The packed message envelope of contracts/src/libraries/Message.sol (Hyperlane layout, 77-byte header).

export const MESSAGE_VERSION = 1
export const HEADER_LENGTH = 77

export type Message = {
  version: number
  nonce: number
  origin: number
  sender: Hex
  destination: number
  recipient: Hex
  body: Hex
}

export function decodeMessage(raw: Hex): Message {
  const hex = raw.slice(2)
  if (hex.length < HEADER_LENGTH * 2 || hex.length % 2 !== 0) {
    throw new PermanentMessageError(
      `message of ${hex.length / 2} bytes is shorter than the ${HEADER_LENGTH}-byte header`,
      {
        where: 'Dispatch event payload',
        fix: 'the origin Mailbox emitted a malformed message; check that the configured mailbox address is an spnkit Mailbox',
      },
    )
  }
  return {
    version: Number.parseInt(hex.slice(0, 2), 16),
    nonce: Number.parseInt(hex.slice(2, 10), 16),
    origin: Number.parseInt(hex.slice(10, 18), 16),
    sender: `0x${hex.slice(18, 82)}`,
    destination: Number.parseInt(hex.slice(82, 90), 16),
    recipient: `0x${hex.slice(90, 154)}`,
    body: `0x${hex.slice(154)}`,
  }
}

export function encodeMessage(m: Message): Hex {
  const u32 = (n: number) => n.toString(16).padStart(8, '0')
  return `0x${m.version.toString(16).padStart(2, '0')}${u32(m.nonce)}${u32(m.origin)}${m.sender.slice(2).padStart(64, '0')}${u32(m.destination)}${m.recipient.slice(2).padStart(64, '0')}${m.body.slice(2)}`
}

export function messageId(raw: Hex): Hex {
  const bytes = new Uint8Array(Buffer.from(raw.slice(2), 'hex'))
  return toHex(keccak256(bytes))
}

/** The EVM address in a left-padded bytes32, or undefined when the upper 12 bytes are not zero. */
export function bytes32ToAddress(b: Hex): Address | undefined {
  if (!/^0x0{24}[0-9a-fA-F]{40}$/.test(b)) return undefined
  return getAddress(`0x${b.slice(26)}`)
}

export function addressToBytes32(a: Address): Hex {
  return `0x${a.slice(2).toLowerCase().padStart(64, '0')}`
}
