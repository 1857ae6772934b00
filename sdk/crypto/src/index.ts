export * from './bytes.ts'
export * from './keccak.ts'
export * from './secp256k1.ts'
