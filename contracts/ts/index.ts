export * from './anvil.ts'
export * from './foundry.ts'
