// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice What a Mailbox asks before delivering: is `message` proven by `metadata`? (Hyperlane's ISM.)
/// It is called with staticcall semantics (view), so a verifier can never reenter the Mailbox.
interface IMessageVerifier {
    function verify(bytes calldata metadata, bytes calldata message) external view returns (bool);
}
