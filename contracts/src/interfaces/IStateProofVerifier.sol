// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A deployed wrapper of the store's `StateProofVerifier` library (interfaces.md §3), so the escape
/// hatch binds to one immutable verifier. `value.length == 0` proves absence.
interface IStateProofVerifier {
    function verify(bytes32 root, bytes32 key, bytes calldata value, bytes calldata proof) external view returns (bool);
}
