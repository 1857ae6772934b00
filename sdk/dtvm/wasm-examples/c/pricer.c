/* The option-pricing engine of wasm-examples/assemblyscript/pricer.ts in C: same model, same
 * integer arithmetic, same results, so the two SDKs and the Solidity reference can be compared. */
#include "../../wasm-sdk/c/dtvm.h"

#define YEAR 31536000ull
#define MAX_PRICE (1ull << 40)
#define MAX_VOL_BPS 100000ull
#define MAX_SECONDS (10ull * YEAR)

static uint64_t isqrt(uint64_t x) {
  if (x == 0) return 0;
  uint64_t r = x, y = (r + 1) >> 1;
  while (y < r) { r = y; y = (r + x / r) >> 1; }
  return r;
}

DTVM_EXPORT(call) void call(void) {
  int32_t length;
  const uint8_t *data = dtvm_calldata(&length);
  /* quote(uint256,uint256,uint256,uint256) */
  if (dtvm_selector(data, length) != 0xf3d168c8u) dtvm_revert_message("Pricer: unknown selector");
  uint64_t spot = dtvm_arg_u64(dtvm_arg(data, length, 0, 1));
  uint64_t strike = dtvm_arg_u64(dtvm_arg(data, length, 1, 1));
  uint64_t vol = dtvm_arg_u64(dtvm_arg(data, length, 2, 1));
  uint64_t seconds = dtvm_arg_u64(dtvm_arg(data, length, 3, 1));
  if (spot >= MAX_PRICE || strike >= MAX_PRICE) dtvm_revert_message("Pricer: price out of range");
  if (vol > MAX_VOL_BPS) dtvm_revert_message("Pricer: volatility out of range");
  if (seconds > MAX_SECONDS) dtvm_revert_message("Pricer: expiry out of range");
  uint64_t sqrt_t = isqrt(seconds * 100000000ull / YEAR);
  uint64_t time = (spot * vol / 10000) * sqrt_t * 4 / 100000;
  uint64_t call_intrinsic = spot > strike ? spot - strike : 0;
  uint64_t put_intrinsic = strike > spot ? strike - spot : 0;
  uint8_t out[64] = {0};
  dtvm_put_be64(out + 24, call_intrinsic + time);
  dtvm_put_be64(out + 56, put_intrinsic + time);
  dtvm_finish(out, 64);
}
