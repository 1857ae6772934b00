// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Verifies @spnkit/store state proofs (interfaces.md §3) against an SPN state root.
/// @dev The store's tree is 16-ary, and each 16-ary node is committed as a 4-level binary tree over
/// its 16 slots, so a proof is a binary Merkle path: 4 levels per node on the key's path. Zero
/// siblings (empty subtrees) are not sent; a bitmap says which levels have one.
///
///   leaf  = keccak256(0x00 ‖ key ‖ keccak256(value))      (65 bytes: never an inner preimage)
///   inner = keccak256(left ‖ right), and inner(0, 0) = 0   (empty subtrees hash to zero)
///
/// Proof bytes (produced by the TypeScript store, see sdk/store/src/proof.ts):
///   [0]       kind: 0 inclusion, 1 absent (path ends in an empty slot),
///                   2 absent (path ends at the leaf of another key with the same prefix)
///   [1:3]     depth in binary levels (multiple of 4, 4..256), big-endian
///   [3:35]    bitmap, uint256: bit i set = the sibling at level i (0 = bottom) is in the proof
///   kind 2:   [35:67] the other key, [67:99] its value hash
///   then      the non-zero siblings, bottom-up, 32 bytes each
library StateProofVerifier {
    uint256 private constant HEADER = 35;
    uint256 internal constant INCLUSION = 0;
    uint256 internal constant ABSENT_EMPTY = 1;
    uint256 internal constant ABSENT_OTHER = 2;

    /// @notice True iff `proof` shows that under `root`, `key` maps to `value`, or, when `value` is
    /// empty, that `key` is absent. Malformed proofs return false (never revert).
    function verify(bytes32 root, bytes32 key, bytes memory value, bytes calldata proof) internal pure returns (bool) {
        if (proof.length < HEADER) return false;
        uint256 kind = uint8(proof[0]);
        uint256 depth = uint16(bytes2(proof[1:3]));
        if (depth == 0 || depth > 256 || depth & 3 != 0) return false;
        uint256 bitmap = uint256(bytes32(proof[3:35]));
        if (bitmap >> depth != 0) return false;
        // Below the root, every node holds at least two keys, so the proven slot has a non-empty
        // sibling within its own node: this makes the depth field non-malleable.
        if (depth > 4 && bitmap & 0xf == 0) return false;

        bytes32 node;
        uint256 p = HEADER;
        if (kind == INCLUSION) {
            if (value.length == 0) return false;
            node = _leaf(key, keccak256(value));
        } else if (kind == ABSENT_EMPTY) {
            if (value.length != 0) return false;
        } else if (kind == ABSENT_OTHER) {
            if (value.length != 0 || proof.length < HEADER + 64) return false;
            bytes32 otherKey = bytes32(proof[35:67]);
            // The other leaf must sit on the key's path: same first `depth` bits, different key.
            if (otherKey == key || (uint256(otherKey) ^ uint256(key)) >> (256 - depth) != 0) return false;
            node = _leaf(otherKey, bytes32(proof[67:99]));
            p = HEADER + 64;
        } else {
            return false;
        }

        uint256 len = proof.length;
        assembly ("memory-safe") {
            let base := proof.offset
            let shift := sub(256, depth)
            for { let i := 0 } lt(i, depth) { i := add(i, 1) } {
                let sib := 0
                if and(shr(i, bitmap), 1) {
                    sib := calldataload(add(base, p))
                    p := add(p, 32)
                }
                if or(node, sib) {
                    // The key's bit at this level (counted from the most significant bit) picks the
                    // side: bit 0 puts the running node on the left, bit 1 on the right.
                    let bit := and(shr(add(shift, i), key), 1)
                    mstore(shl(5, bit), node)
                    mstore(shl(5, xor(bit, 1)), sib)
                    node := keccak256(0x00, 0x40)
                }
            }
        }
        return p == len && node == root;
    }

    function _leaf(bytes32 key, bytes32 valueHash) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(add(ptr, 1), key)
            mstore(add(ptr, 33), valueHash)
            mstore8(ptr, 0)
            h := keccak256(ptr, 65)
        }
    }
}
