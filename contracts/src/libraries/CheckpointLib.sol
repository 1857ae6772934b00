// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A chain's checkpoint as its validators sign it (interfaces.md §2).
struct Checkpoint {
    uint32 spnId; // 0 = mainnet itself (roots SPNs import from)
    uint64 epoch;
    uint64 height;
    bytes32 stateRoot;
    bytes32 outboxRoot;
}

/// @notice Checkpoint digests and quorum-signature verification, shared by SPNAdapter (SPN checkpoints on
/// mainnet) and MainnetRootVerifier (mainnet checkpoints on SPNs).
library CheckpointLib {
    bytes32 internal constant CHECKPOINT_DOMAIN = keccak256("spnkit.checkpoint.v1");
    /// @dev secp256k1n / 2: signatures with a larger s are the malleated twin of a low-s one.
    uint256 internal constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    error ValidatorListMismatch(uint256 validators, uint256 powers);
    error ValidatorsRootMismatch(bytes32 computed, bytes32 expected);
    error BadSignaturesLength(uint256 length);
    error BadSignatureV(uint256 index, uint8 v);
    error HighS(uint256 index);
    error InvalidSignature(uint256 index);
    error SignersNotAscending(uint256 index, address signer, address previous);
    error UnknownSigner(uint256 index, address signer);
    error InsufficientPower(uint256 power, uint256 quorum);

    /// @notice What each validator signs (no personal-sign prefix).
    function digest(uint256 mainnetChainId, Checkpoint calldata cp, bytes32 validatorSetHeaderHash)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(
            abi.encode(
                CHECKPOINT_DOMAIN,
                mainnetChainId,
                cp.spnId,
                cp.epoch,
                cp.height,
                cp.stateRoot,
                cp.outboxRoot,
                validatorSetHeaderHash
            )
        );
    }

    /// @notice Reverts unless `signatures` (65-byte r‖s‖v each, signers strictly ascending) by members of
    /// the set committed to by `validatorsRoot` add up to at least `quorum` power. Ascending order makes a
    /// duplicate signer impossible; low-s and v ∈ {27,28} make each signature's encoding unique.
    function verifyQuorum(
        bytes32 hash,
        address[] calldata validators,
        uint256[] calldata powers,
        bytes calldata signatures,
        bytes32 validatorsRoot,
        uint256 quorum
    ) internal pure returns (uint256 power) {
        if (validators.length != powers.length) {
            revert ValidatorListMismatch(validators.length, powers.length);
        }
        bytes32 computed = keccak256(abi.encode(validators, powers));
        if (computed != validatorsRoot) revert ValidatorsRootMismatch(computed, validatorsRoot);
        if (signatures.length == 0 || signatures.length % 65 != 0) revert BadSignaturesLength(signatures.length);
        uint256 j;
        address previous;
        for (uint256 k; k < signatures.length / 65; ++k) {
            address signer = recover(hash, signatures, k);
            if (signer <= previous) revert SignersNotAscending(k, signer, previous);
            while (j < validators.length && validators[j] < signer) ++j;
            if (j == validators.length || validators[j] != signer) revert UnknownSigner(k, signer);
            power += powers[j];
            ++j;
            previous = signer;
        }
        if (power < quorum) revert InsufficientPower(power, quorum);
    }

    /// @notice Signer of the k-th 65-byte signature in `signatures`; rejects high-s, bad v and failures.
    function recover(bytes32 hash, bytes calldata signatures, uint256 k) internal pure returns (address signer) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            let p := add(signatures.offset, mul(k, 65))
            r := calldataload(p)
            s := calldataload(add(p, 32))
            v := byte(0, calldataload(add(p, 64)))
        }
        if (v != 27 && v != 28) revert BadSignatureV(k, v);
        if (uint256(s) > HALF_N) revert HighS(k);
        signer = ecrecover(hash, v, r, s);
        if (signer == address(0)) revert InvalidSignature(k);
    }
}
