// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Builds @spnkit/store state roots and proofs (sdk/store/src/proof.ts format) for up to 16 keys
/// whose first nibbles differ, i.e. a tree that is one 16-ary root node (binary depth 4). Enough to give
/// escape-hatch tests real roots and proofs for the real StateProofVerifier.
library StoreTree {
    struct Tree {
        bytes32[16] slots; // leaf hash per first nibble (0 = empty)
    }

    error NibbleTaken(uint256 nibble);

    function leaf(bytes32 key, bytes memory value) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(uint8(0), key, keccak256(value)));
    }

    function nibble(bytes32 key) internal pure returns (uint256) {
        return uint256(key) >> 252;
    }

    function canInsert(Tree memory t, bytes32 key) internal pure returns (bool) {
        return t.slots[nibble(key)] == 0;
    }

    function insert(Tree memory t, bytes32 key, bytes memory value) internal pure {
        uint256 n = nibble(key);
        if (t.slots[n] != 0) revert NibbleTaken(n);
        t.slots[n] = leaf(key, value);
    }

    function _inner(bytes32 a, bytes32 b) private pure returns (bytes32) {
        if (a == 0 && b == 0) return 0;
        return keccak256(abi.encodePacked(a, b));
    }

    function _copy(Tree memory t) private pure returns (bytes32[16] memory level) {
        // Memory arrays are assigned by reference: work on a copy so the tree stays intact.
        for (uint256 i; i < 16; ++i) {
            level[i] = t.slots[i];
        }
    }

    function root(Tree memory t) internal pure returns (bytes32) {
        bytes32[16] memory level = _copy(t);
        for (uint256 width = 16; width > 1; width /= 2) {
            for (uint256 i; i < width / 2; ++i) {
                level[i] = _inner(level[2 * i], level[2 * i + 1]);
            }
        }
        return level[0];
    }

    /// @notice Inclusion proof (kind 0) when `key` is in the tree, absence proof (kind 1) when its slot is empty.
    function proof(Tree memory t, bytes32 key) internal pure returns (bytes memory) {
        uint256 idx = nibble(key);
        bool present = t.slots[idx] != 0;
        bytes32[16] memory level = _copy(t);
        uint256 bitmap;
        bytes memory siblings;
        for (uint256 l; l < 4; ++l) {
            bytes32 sib = level[idx ^ 1];
            if (sib != 0) {
                bitmap |= 1 << l;
                siblings = bytes.concat(siblings, sib);
            }
            uint256 width = 16 >> l;
            for (uint256 i; i < width / 2; ++i) {
                level[i] = _inner(level[2 * i], level[2 * i + 1]);
            }
            idx >>= 1;
        }
        return abi.encodePacked(present ? uint8(0) : uint8(1), uint16(4), bitmap, siblings);
    }
}
