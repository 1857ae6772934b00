/*
 * dtvm.h — write DTVM WASM contracts in C (clang --target=wasm32). Header-only.
 *
 * Build:  clang --target=wasm32 -O2 -nostdlib -mbulk-memory -Wl,--no-entry \
 *           -Wl,--export=call [-Wl,--export=deploy] -o contract.wasm contract.c
 * A contract exports `void call(void)` (and optionally `void deploy(void)`, the constructor) and
 * its memory (wasm-ld exports it as "memory"). Words are 32 bytes big-endian, addresses 20 bytes,
 * exactly as in the Solidity ABI. See sdk/dtvm/README.md for the host ABI.
 */
#ifndef DTVM_H
#define DTVM_H

#include <stdint.h>
#include <stddef.h>

#define DTVM_IMPORT(name) __attribute__((import_module("dtvm"), import_name(#name)))
#define DTVM_EXPORT(name) __attribute__((export_name(#name)))

DTVM_IMPORT(calldata_size) int32_t dtvm_calldata_size(void);
DTVM_IMPORT(calldata_copy) void dtvm_calldata_copy(void *dest, int32_t offset, int32_t length);
DTVM_IMPORT(finish) __attribute__((noreturn)) void dtvm_finish(const void *data, int32_t length);
DTVM_IMPORT(revert) __attribute__((noreturn)) void dtvm_revert(const void *data, int32_t length);
DTVM_IMPORT(storage_load) void dtvm_storage_load(const uint8_t key[32], uint8_t out[32]);
DTVM_IMPORT(storage_store) void dtvm_storage_store(const uint8_t key[32], const uint8_t value[32]);
DTVM_IMPORT(transient_load) void dtvm_transient_load(const uint8_t key[32], uint8_t out[32]);
DTVM_IMPORT(transient_store) void dtvm_transient_store(const uint8_t key[32], const uint8_t value[32]);
DTVM_IMPORT(call) int32_t dtvm_call(const uint8_t address[20], const uint8_t value[32], const void *data, int32_t length, uint64_t gas);
DTVM_IMPORT(static_call) int32_t dtvm_static_call(const uint8_t address[20], const void *data, int32_t length, uint64_t gas);
DTVM_IMPORT(delegate_call) int32_t dtvm_delegate_call(const uint8_t address[20], const void *data, int32_t length, uint64_t gas);
DTVM_IMPORT(return_data_size) int32_t dtvm_return_data_size(void);
DTVM_IMPORT(return_data_copy) void dtvm_return_data_copy(void *dest, int32_t offset, int32_t length);
DTVM_IMPORT(create) int32_t dtvm_create(const uint8_t value[32], const void *code, int32_t length, const uint8_t *salt, uint8_t out_address[20]);
DTVM_IMPORT(log) void dtvm_log(const uint8_t *topics, int32_t topic_count, const void *data, int32_t length);
DTVM_IMPORT(caller) void dtvm_caller(uint8_t out[20]);
DTVM_IMPORT(call_value) void dtvm_call_value(uint8_t out[32]);
DTVM_IMPORT(address) void dtvm_address(uint8_t out[20]);
DTVM_IMPORT(origin) void dtvm_origin(uint8_t out[20]);
DTVM_IMPORT(balance) void dtvm_balance(const uint8_t address[20], uint8_t out[32]);
DTVM_IMPORT(block_number) uint64_t dtvm_block_number(void);
DTVM_IMPORT(block_timestamp) uint64_t dtvm_block_timestamp(void);
DTVM_IMPORT(chain_id) uint64_t dtvm_chain_id(void);
DTVM_IMPORT(block_coinbase) void dtvm_block_coinbase(uint8_t out[20]);
DTVM_IMPORT(base_fee) void dtvm_base_fee(uint8_t out[32]);
DTVM_IMPORT(gas_price) void dtvm_gas_price(uint8_t out[32]);
DTVM_IMPORT(keccak256) void dtvm_keccak256(const void *data, int32_t length, uint8_t out[32]);
DTVM_IMPORT(gas_left) uint64_t dtvm_gas_left(void);

/* -mbulk-memory turns these into memory.copy / memory.fill; clang may still call them by name. */
void *memcpy(void *dest, const void *src, size_t n) { return __builtin_memcpy(dest, src, n); }
void *memset(void *dest, int c, size_t n) { return __builtin_memset(dest, c, n); }

/* ---- 256-bit words: w[0] is the most significant limb ------------------------------------- */
typedef struct { uint64_t w[4]; } u256;

static inline uint64_t dtvm_be64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
  return v;
}
static inline void dtvm_put_be64(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; i--) { p[i] = (uint8_t)v; v >>= 8; }
}
static inline u256 u256_load(const uint8_t *p) {
  u256 r = {{dtvm_be64(p), dtvm_be64(p + 8), dtvm_be64(p + 16), dtvm_be64(p + 24)}};
  return r;
}
static inline void u256_store(u256 v, uint8_t *p) {
  for (int i = 0; i < 4; i++) dtvm_put_be64(p + 8 * i, v.w[i]);
}
static inline u256 u256_from_u64(uint64_t v) { u256 r = {{0, 0, 0, v}}; return r; }
static inline int u256_lt(u256 a, u256 b) {
  for (int i = 0; i < 4; i++) if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
  return 0;
}
static inline int u256_is_max(u256 a) { return (a.w[0] & a.w[1] & a.w[2] & a.w[3]) == UINT64_MAX; }

/* Reverts with Solidity's Panic(uint256) code (0x11 = arithmetic overflow). */
static inline __attribute__((noreturn)) void dtvm_panic(uint8_t code) {
  uint8_t out[36] = {0x4e, 0x48, 0x7b, 0x71};
  out[35] = code;
  dtvm_revert(out, 36);
}
/* Checked add/sub like Solidity 0.8. */
static inline u256 u256_add(u256 a, u256 b) {
  u256 r; uint64_t carry = 0;
  for (int i = 3; i >= 0; i--) {
    uint64_t s = a.w[i] + b.w[i];
    uint64_t c1 = s < a.w[i];
    r.w[i] = s + carry;
    carry = c1 | (r.w[i] < s);
  }
  if (carry) dtvm_panic(0x11);
  return r;
}
static inline u256 u256_sub(u256 a, u256 b) {
  if (u256_lt(a, b)) dtvm_panic(0x11);
  u256 r; uint64_t borrow = 0;
  for (int i = 3; i >= 0; i--) {
    uint64_t d = a.w[i] - b.w[i];
    uint64_t b1 = a.w[i] < b.w[i];
    r.w[i] = d - borrow;
    borrow = b1 | (d < borrow);
  }
  return r;
}

/* ---- ABI ------------------------------------------------------------------------------------- */
#ifndef DTVM_CALLDATA_MAX
#define DTVM_CALLDATA_MAX 4096
#endif
static uint8_t dtvm_calldata_buffer[DTVM_CALLDATA_MAX];

/* Reverts with Solidity's Error(string), which viem, cast and wallets decode. */
static inline __attribute__((noreturn)) void dtvm_revert_message(const char *message) {
  static uint8_t out[4 + 64 + 256];
  size_t n = 0;
  while (message[n] && n < 256) n++;
  memset(out, 0, sizeof out);
  out[0] = 0x08; out[1] = 0xc3; out[2] = 0x79; out[3] = 0xa0;
  out[4 + 31] = 0x20;
  dtvm_put_be64(out + 4 + 56, n);
  memcpy(out + 68, message, n);
  dtvm_revert(out, (int32_t)(68 + ((n + 31) & ~(size_t)31)));
}

/* Copies calldata into a static buffer; reverts if it does not fit. */
static inline const uint8_t *dtvm_calldata(int32_t *length) {
  int32_t n = dtvm_calldata_size();
  if (n > DTVM_CALLDATA_MAX) dtvm_revert_message("calldata too large");
  dtvm_calldata_copy(dtvm_calldata_buffer, 0, n);
  *length = n;
  return dtvm_calldata_buffer;
}
static inline uint32_t dtvm_selector(const uint8_t *data, int32_t length) {
  if (length < 4) return 0;
  return ((uint32_t)data[0] << 24) | ((uint32_t)data[1] << 16) | ((uint32_t)data[2] << 8) | data[3];
}
/* The head word `index` of the arguments (after a selector when `with_selector`). */
static inline const uint8_t *dtvm_arg(const uint8_t *data, int32_t length, int index, int with_selector) {
  int32_t offset = (with_selector ? 4 : 0) + 32 * index;
  if (offset + 32 > length) dtvm_revert_message("abi: calldata too short");
  return data + offset;
}
static inline uint64_t dtvm_arg_u64(const uint8_t *word) {
  for (int i = 0; i < 24; i++) if (word[i]) dtvm_panic(0x11);
  return dtvm_be64(word + 24);
}
static inline void dtvm_arg_address(const uint8_t *word, uint8_t out[20]) {
  for (int i = 0; i < 12; i++) if (word[i]) dtvm_revert_message("abi: dirty address");
  memcpy(out, word + 12, 20);
}

/* ---- storage and events ---------------------------------------------------------------------- */
/* Slot of mapping(key => ...) at `slot`: keccak256(pad32(key) ‖ slot), Solidity's layout. */
static inline void dtvm_mapping_slot(const uint8_t slot[32], const uint8_t *key, int key_length, uint8_t out[32]) {
  uint8_t buffer[64] = {0};
  memcpy(buffer + 32 - key_length, key, key_length);
  memcpy(buffer + 32, slot, 32);
  dtvm_keccak256(buffer, 64, out);
}
static inline u256 dtvm_sload(const uint8_t key[32]) {
  uint8_t value[32];
  dtvm_storage_load(key, value);
  return u256_load(value);
}
static inline void dtvm_sstore(const uint8_t key[32], u256 value) {
  uint8_t buffer[32];
  u256_store(value, buffer);
  dtvm_storage_store(key, buffer);
}
static inline void dtvm_address_topic(const uint8_t address[20], uint8_t out[32]) {
  memset(out, 0, 12);
  memcpy(out + 12, address, 20);
}

#endif
