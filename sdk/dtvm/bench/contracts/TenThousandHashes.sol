// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice ten-thousand-hashes: `run(n)` chains n keccak256 hashes, each over the previous hash
/// and the counter, so the optimizer cannot drop or reorder any of them.
contract TenThousandHashes {
    function run(uint256 hashes) external pure returns (bytes32 h) {
        for (uint256 i = 0; i < hashes; ++i) {
            h = keccak256(abi.encodePacked(h, i));
        }
    }
}
