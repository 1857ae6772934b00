// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Depth-32 incremental Merkle tree helpers (the eth2 deposit-contract construction Hyperlane's
/// MerkleTreeHook uses). Inner node = keccak256(left ‖ right); empty subtrees hash from a zero leaf.
library MerkleLib {
    uint256 internal constant TREE_DEPTH = 32;
    uint256 internal constant MAX_LEAVES = (1 << TREE_DEPTH) - 1;
    /// @notice Metadata for inclusion proofs: uint64 checkpoint height ‖ uint32 leaf index ‖ 32 siblings.
    uint256 internal constant PROOF_METADATA_LENGTH = 8 + 4 + 32 * 32;

    error InvalidProofLength(uint256 length, uint256 expected);

    /// @notice Root obtained by hashing `leaf` up the branch `proof` (32 siblings read from calldata at
    /// `proofOffset`), turning left or right by the bits of `index`.
    function rootFromCalldataProof(bytes32 leaf, uint256 proofOffset, uint256 index)
        internal
        pure
        returns (bytes32 node)
    {
        assembly ("memory-safe") {
            node := leaf
            for { let i := 0 } lt(i, 32) { i := add(i, 1) } {
                let sibling := calldataload(add(proofOffset, shl(5, i)))
                switch and(shr(i, index), 1)
                case 1 {
                    mstore(0x00, sibling)
                    mstore(0x20, node)
                }
                default {
                    mstore(0x00, node)
                    mstore(0x20, sibling)
                }
                node := keccak256(0x00, 0x40)
            }
        }
    }

    /// @notice Root from a memory proof (for tests and off-line tools).
    function rootFromProof(bytes32 leaf, bytes32[32] memory proof, uint256 index) internal pure returns (bytes32) {
        bytes32 node = leaf;
        for (uint256 i; i < TREE_DEPTH; ++i) {
            node = (index >> i) & 1 == 1 ? keccak256(abi.encode(proof[i], node)) : keccak256(abi.encode(node, proof[i]));
        }
        return node;
    }

    /// @notice Splits proof metadata (`height ‖ index ‖ siblings`), rejecting any other length so no two
    /// encodings of the same proof exist.
    function decodeMetadata(bytes calldata metadata)
        internal
        pure
        returns (uint64 height, uint32 index, uint256 proofOffset)
    {
        if (metadata.length != PROOF_METADATA_LENGTH) {
            revert InvalidProofLength(metadata.length, PROOF_METADATA_LENGTH);
        }
        height = uint64(bytes8(metadata[0:8]));
        index = uint32(bytes4(metadata[8:12]));
        assembly ("memory-safe") {
            proofOffset := add(metadata.offset, 12)
        }
    }
}
