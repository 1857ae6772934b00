/* An ERC-20 token as a DTVM WASM contract in C, with the storage layout of a Solidity ERC20
 * (slot 0: balances, 1: allowances, 2: totalSupply). Constructor argument: uint256 initialSupply,
 * minted to the deployer. */
#include "../../wasm-sdk/c/dtvm.h"

static const uint8_t SLOT_BALANCES[32] = {0};
static const uint8_t SLOT_ALLOWANCES[32] = {[31] = 1};
static const uint8_t SLOT_TOTAL_SUPPLY[32] = {[31] = 2};
/* keccak256("Transfer(address,address,uint256)"), keccak256("Approval(address,address,uint256)") */
static const uint8_t TRANSFER_TOPIC[32] = {0xdd, 0xf2, 0x52, 0xad, 0x1b, 0xe2, 0xc8, 0x9b, 0x69, 0xc2, 0xb0, 0x68, 0xfc, 0x37, 0x8d, 0xaa,
                                           0x95, 0x2b, 0xa7, 0xf1, 0x63, 0xc4, 0xa1, 0x16, 0x28, 0xf5, 0x5a, 0x4d, 0xf5, 0x23, 0xb3, 0xef};
static const uint8_t APPROVAL_TOPIC[32] = {0x8c, 0x5b, 0xe1, 0xe5, 0xeb, 0xec, 0x7d, 0x5b, 0xd1, 0x4f, 0x71, 0x42, 0x7d, 0x1e, 0x84, 0xf3,
                                           0xdd, 0x03, 0x14, 0xc0, 0xf7, 0xb2, 0x29, 0x1e, 0x5b, 0x20, 0x0a, 0xc8, 0xc7, 0xc3, 0xb9, 0x25};

static void balance_slot(const uint8_t owner[20], uint8_t out[32]) { dtvm_mapping_slot(SLOT_BALANCES, owner, 20, out); }

static void allowance_slot(const uint8_t owner[20], const uint8_t spender[20], uint8_t out[32]) {
  uint8_t inner[32];
  dtvm_mapping_slot(SLOT_ALLOWANCES, owner, 20, inner);
  dtvm_mapping_slot(inner, spender, 20, out);
}

static void emit3(const uint8_t topic0[32], const uint8_t a[20], const uint8_t b[20], u256 amount) {
  uint8_t topics[96];
  uint8_t data[32];
  memcpy(topics, topic0, 32);
  dtvm_address_topic(a, topics + 32);
  dtvm_address_topic(b, topics + 64);
  u256_store(amount, data);
  dtvm_log(topics, 3, data, 32);
}

static void move(const uint8_t from[20], const uint8_t to[20], u256 amount) {
  uint8_t from_slot[32], to_slot[32];
  balance_slot(from, from_slot);
  u256 from_balance = dtvm_sload(from_slot);
  if (u256_lt(from_balance, amount)) dtvm_revert_message("ERC20: transfer amount exceeds balance");
  dtvm_sstore(from_slot, u256_sub(from_balance, amount));
  balance_slot(to, to_slot);
  dtvm_sstore(to_slot, u256_add(dtvm_sload(to_slot), amount));
  emit3(TRANSFER_TOPIC, from, to, amount);
}

static __attribute__((noreturn)) void return_word(u256 value) {
  uint8_t out[32];
  u256_store(value, out);
  dtvm_finish(out, 32);
}

DTVM_EXPORT(deploy) void deploy(void) {
  int32_t length;
  const uint8_t *data = dtvm_calldata(&length);
  if (length < 32) return;
  u256 supply = u256_load(data);
  uint8_t sender[20], slot[32];
  static const uint8_t zero[20] = {0};
  dtvm_caller(sender);
  dtvm_sstore(SLOT_TOTAL_SUPPLY, u256_add(dtvm_sload(SLOT_TOTAL_SUPPLY), supply));
  balance_slot(sender, slot);
  dtvm_sstore(slot, u256_add(dtvm_sload(slot), supply));
  emit3(TRANSFER_TOPIC, zero, sender, supply);
}

DTVM_EXPORT(call) void call(void) {
  int32_t length;
  const uint8_t *data = dtvm_calldata(&length);
  uint8_t sender[20], a[20], b[20], slot[32];
  dtvm_caller(sender);
  switch (dtvm_selector(data, length)) {
  case 0x70a08231: /* balanceOf(address) */
    dtvm_arg_address(dtvm_arg(data, length, 0, 1), a);
    balance_slot(a, slot);
    return_word(dtvm_sload(slot));
  case 0xa9059cbb: /* transfer(address,uint256) */
    dtvm_arg_address(dtvm_arg(data, length, 0, 1), a);
    move(sender, a, u256_load(dtvm_arg(data, length, 1, 1)));
    return_word(u256_from_u64(1));
  case 0x095ea7b3: { /* approve(address,uint256) */
    dtvm_arg_address(dtvm_arg(data, length, 0, 1), a);
    u256 amount = u256_load(dtvm_arg(data, length, 1, 1));
    allowance_slot(sender, a, slot);
    dtvm_sstore(slot, amount);
    emit3(APPROVAL_TOPIC, sender, a, amount);
    return_word(u256_from_u64(1));
  }
  case 0x23b872dd: { /* transferFrom(address,address,uint256) */
    dtvm_arg_address(dtvm_arg(data, length, 0, 1), a);
    dtvm_arg_address(dtvm_arg(data, length, 1, 1), b);
    u256 amount = u256_load(dtvm_arg(data, length, 2, 1));
    allowance_slot(a, sender, slot);
    u256 allowed = dtvm_sload(slot);
    if (u256_lt(allowed, amount)) dtvm_revert_message("ERC20: insufficient allowance");
    if (!u256_is_max(allowed)) dtvm_sstore(slot, u256_sub(allowed, amount));
    move(a, b, amount);
    return_word(u256_from_u64(1));
  }
  case 0xdd62ed3e: /* allowance(address,address) */
    dtvm_arg_address(dtvm_arg(data, length, 0, 1), a);
    dtvm_arg_address(dtvm_arg(data, length, 1, 1), b);
    allowance_slot(a, b, slot);
    return_word(dtvm_sload(slot));
  case 0x18160ddd: /* totalSupply() */
    return_word(dtvm_sload(SLOT_TOTAL_SUPPLY));
  case 0x313ce567: /* decimals() */
    return_word(u256_from_u64(18));
  default:
    dtvm_revert_message("ERC20: unknown selector");
  }
}
