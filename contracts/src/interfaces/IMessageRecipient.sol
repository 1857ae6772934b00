// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Implemented by contracts that receive messages from a Mailbox.
interface IMessageRecipient {
    /// @param origin the origin domain
    /// @param sender the origin sender, left-padded to 32 bytes
    function handle(uint32 origin, bytes32 sender, bytes calldata body) external;
}
