import type { Account, World } from '../state/world.ts'

/**
 * Gas of an SSTORE under EIP-2200/2929/3529, marking the slot warm and recording the refund
 * change in the journal. The caller enforces the 2,300-gas stipend rule and static protection,
 * and writes the value once it has paid. Shared by the EVM interpreter and WASM's storage_store.
 */
export function sstoreGas(world: World, self: Account, slot: bigint, value: bigint): number {
  let cost = world.warmSlot(self.address, slot) ? 0 : 2100
  const current = self.getStorage(slot)
  if (current === value) return cost + 100
  const original = world.originalStorage(self, slot)
  if (original === current) {
    if (original === 0n) return cost + 20000
    if (value === 0n) world.addRefund(4800)
    return cost + 2900
  }
  cost += 100
  if (original !== 0n) {
    if (current === 0n) world.addRefund(-4800)
    else if (value === 0n) world.addRefund(4800)
  }
  if (original === value) world.addRefund(original === 0n ? 19900 : 2800)
  return cost
}
