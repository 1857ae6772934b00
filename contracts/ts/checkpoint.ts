// Checkpoint digests and quorum signatures (interfaces.md §2), matching contracts/src/libraries/CheckpointLib.sol.
import { compareBytes, concatBytes, fromHex, keccak256, privateKeyToAddress, signDigest, toHex } from '@spnkit/crypto'
import { encodeAbiParameters, type Hex } from 'viem'

export const CHECKPOINT_DOMAIN = keccak256(new TextEncoder().encode('spnkit.checkpoint.v1'))

export type Checkpoint = {
  spnId: number // 0 = mainnet itself
  epoch: bigint
  height: bigint
  stateRoot: Hex
  outboxRoot: Hex
}

export type ValidatorSetHeader = {
  spnId: number
  epoch: bigint
  captureBlock: bigint
  validatorsRoot: Hex
  totalPower: bigint
  quorum: bigint
  parentHash: Hex
}

export function headerHash(h: ValidatorSetHeader): Hex {
  const encoded = encodeAbiParameters(
    [
      {
        type: 'tuple',
        components: [
          { name: 'spnId', type: 'uint32' },
          { name: 'epoch', type: 'uint64' },
          { name: 'captureBlock', type: 'uint64' },
          { name: 'validatorsRoot', type: 'bytes32' },
          { name: 'totalPower', type: 'uint256' },
          { name: 'quorum', type: 'uint256' },
          { name: 'parentHash', type: 'bytes32' },
        ],
      },
    ],
    [h],
  )
  return toHex(keccak256(fromHex(encoded)))
}

export function checkpointDigest(mainnetChainId: bigint, cp: Checkpoint, validatorSetHeaderHash: Hex): Uint8Array {
  const encoded = encodeAbiParameters(
    [
      { type: 'bytes32' },
      { type: 'uint256' },
      { type: 'uint32' },
      { type: 'uint64' },
      { type: 'uint64' },
      { type: 'bytes32' },
      { type: 'bytes32' },
      { type: 'bytes32' },
    ],
    [
      toHex(CHECKPOINT_DOMAIN),
      mainnetChainId,
      cp.spnId,
      cp.epoch,
      cp.height,
      cp.stateRoot,
      cp.outboxRoot,
      validatorSetHeaderHash,
    ],
  )
  return keccak256(fromHex(encoded))
}

export type Validator = { address: Hex; privateKey: Uint8Array }

/** Validators from private keys, sorted by address ascending (the on-chain order). */
export function validatorsFromKeys(privateKeys: readonly Hex[]): Validator[] {
  return privateKeys
    .map((k) => {
      const privateKey = fromHex(k)
      return { address: toHex(privateKeyToAddress(privateKey)), privateKey }
    })
    .sort((a, b) => compareBytes(fromHex(a.address), fromHex(b.address)))
}

/** Concatenated 65-byte signatures of `signers` (must be in ascending address order) over `digest`. */
export function signCheckpoint(digest: Uint8Array, signers: readonly Validator[]): Hex {
  return toHex(concatBytes(...signers.map((v) => signDigest(digest, v.privateKey))))
}
