// An ERC-20 token as a DTVM WASM contract in AssemblyScript. Storage follows the layout of a
// Solidity ERC20 (slot 0: balances, 1: allowances, 2: totalSupply), so explorers and eth_getProof
// read it the same way. Constructor arguments: (uint256 initialSupply) minted to the deployer.
import { AbiReader, hexBytes, AbiWriter, addressTopic, calldata, emit, mappingSlot, msgSender, returnData, revertMessage, selectorOf, sload, slotOf, sstore, U256 } from "../../wasm-sdk/assemblyscript"

const BALANCES = slotOf(0)
const ALLOWANCES = slotOf(1)
const TOTAL_SUPPLY = slotOf(2)

// keccak256("Transfer(address,address,uint256)") and keccak256("Approval(address,address,uint256)")
const TRANSFER_TOPIC = hexBytes("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
const APPROVAL_TOPIC = hexBytes("8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925")


function balanceSlot(owner: Uint8Array): Uint8Array {
  return mappingSlot(BALANCES, owner)
}

function allowanceSlot(owner: Uint8Array, spender: Uint8Array): Uint8Array {
  return mappingSlot(mappingSlot(ALLOWANCES, owner), spender)
}

function move(from: Uint8Array, to: Uint8Array, amount: U256): void {
  const fromSlot = balanceSlot(from)
  const fromBalance = sload(fromSlot)
  if (fromBalance.lt(amount)) revertMessage("ERC20: transfer amount exceeds balance")
  sstore(fromSlot, fromBalance.sub(amount))
  const toSlot = balanceSlot(to)
  sstore(toSlot, sload(toSlot).add(amount))
  emit([TRANSFER_TOPIC, addressTopic(from), addressTopic(to)], amount.toBytes())
}

function approveFrom(owner: Uint8Array, spender: Uint8Array, amount: U256): void {
  sstore(allowanceSlot(owner, spender), amount)
  emit([APPROVAL_TOPIC, addressTopic(owner), addressTopic(spender)], amount.toBytes())
}

function mint(to: Uint8Array, amount: U256): void {
  sstore(TOTAL_SUPPLY, sload(TOTAL_SUPPLY).add(amount))
  const toSlot = balanceSlot(to)
  sstore(toSlot, sload(toSlot).add(amount))
  emit([TRANSFER_TOPIC, addressTopic(new Uint8Array(20)), addressTopic(to)], amount.toBytes())
}

export function deploy(): void {
  const args = calldata()
  // Constructor arguments arrive without a selector: read the first word at offset 0.
  if (args.length >= 32) {
    const supply = U256.load(args.dataStart)
    if (!supply.isZero()) mint(msgSender(), supply)
  }
}

export function call(): void {
  const data = calldata()
  const args = new AbiReader(data)
  const selector = selectorOf(data)
  if (selector == 0x70a08231) {
    // balanceOf(address)
    returnData(new AbiWriter(1).u256(sload(balanceSlot(args.address()))).bytes())
  } else if (selector == 0xa9059cbb) {
    // transfer(address,uint256)
    const to = args.address()
    move(msgSender(), to, args.u256())
    returnData(new AbiWriter(1).bool(true).bytes())
  } else if (selector == 0x095ea7b3) {
    // approve(address,uint256)
    const spender = args.address()
    approveFrom(msgSender(), spender, args.u256())
    returnData(new AbiWriter(1).bool(true).bytes())
  } else if (selector == 0x23b872dd) {
    // transferFrom(address,address,uint256)
    const from = args.address()
    const to = args.address()
    const amount = args.u256()
    const spender = msgSender()
    const slot = allowanceSlot(from, spender)
    const allowed = sload(slot)
    if (allowed.lt(amount)) revertMessage("ERC20: insufficient allowance")
    if (!allowed.eq(new U256(u64.MAX_VALUE, u64.MAX_VALUE, u64.MAX_VALUE, u64.MAX_VALUE))) sstore(slot, allowed.sub(amount))
    move(from, to, amount)
    returnData(new AbiWriter(1).bool(true).bytes())
  } else if (selector == 0xdd62ed3e) {
    // allowance(address,address)
    const owner = args.address()
    returnData(new AbiWriter(1).u256(sload(allowanceSlot(owner, args.address()))).bytes())
  } else if (selector == 0x18160ddd) {
    // totalSupply()
    returnData(new AbiWriter(1).u256(sload(TOTAL_SUPPLY)).bytes())
  } else if (selector == 0x313ce567) {
    // decimals()
    returnData(new AbiWriter(1).u64(18).bytes())
  } else {
    revertMessage("ERC20: unknown selector")
  }
}
