// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Storage of the SPN-side Bridge at a fixed namespace (ERC-7201 style), so mainnet's escape hatch
/// can compute the exact storage key of a user's balance or of a deposit's credit flag and check it
/// with a state proof, whatever else the contract stores.
library BridgeLedger {
    /// @dev keccak256(abi.encode(uint256(keccak256("spnkit.bridge.ledger")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0xc446a901d64dc409ddadf14e4370451b07809ea1c3d7642da9996f8438381c00;

    struct Layout {
        mapping(address token => mapping(address user => uint256)) balances; // SLOT + 0
        mapping(uint256 depositNonce => bool) credited; // SLOT + 1
        mapping(address token => uint256) totalSupply; // SLOT + 2
    }

    function layout() internal pure returns (Layout storage l) {
        bytes32 slot = SLOT;
        assembly ("memory-safe") {
            l.slot := slot
        }
    }

    /// @notice Storage slot of balances[token][user].
    function balanceSlot(address token, address user) internal pure returns (bytes32) {
        return keccak256(abi.encode(user, keccak256(abi.encode(token, SLOT))));
    }

    /// @notice Storage slot of credited[depositNonce].
    function creditedSlot(uint256 depositNonce) internal pure returns (bytes32) {
        return keccak256(abi.encode(depositNonce, uint256(SLOT) + 1));
    }

    /// @notice The store key of a storage slot of `account` (interfaces.md §3: keccak256(address20 ‖ slot32)).
    function storeKey(address account, bytes32 slot) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(account, slot));
    }
}
