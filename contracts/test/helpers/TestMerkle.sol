// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Reference (non-incremental) depth-32 Merkle tree over a full leaf list, to cross-check the
/// Mailbox's incremental tree and to build inclusion proofs in tests.
library TestMerkle {
    function zeroHashes() internal pure returns (bytes32[33] memory z) {
        for (uint256 i; i < 32; ++i) {
            z[i + 1] = keccak256(abi.encode(z[i], z[i]));
        }
    }

    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[32] memory p) {
        bytes32[33] memory z = zeroHashes();
        bytes32[] memory level = leaves;
        for (uint256 d; d < 32; ++d) {
            uint256 sibling = index ^ 1;
            p[d] = sibling < level.length ? level[sibling] : z[d];
            level = _next(level, z[d]);
            index >>= 1;
        }
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[33] memory z = zeroHashes();
        if (leaves.length == 0) return z[32];
        bytes32[] memory level = leaves;
        for (uint256 d; d < 32; ++d) {
            level = _next(level, z[d]);
        }
        return level[0];
    }

    function _next(bytes32[] memory level, bytes32 zero) private pure returns (bytes32[] memory next) {
        uint256 n = (level.length + 1) / 2;
        if (n == 0) n = 1;
        next = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            bytes32 left = 2 * i < level.length ? level[2 * i] : zero;
            bytes32 right = 2 * i + 1 < level.length ? level[2 * i + 1] : zero;
            next[i] = keccak256(abi.encode(left, right));
        }
    }

    function metadata(uint64 height, bytes32[] memory leaves, uint256 index) internal pure returns (bytes memory) {
        return abi.encodePacked(height, uint32(index), proof(leaves, index));
    }
}
