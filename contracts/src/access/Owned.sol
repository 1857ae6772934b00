// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Single-owner access control with a two-step transfer, so a typo can never brick a contract.
/// In production deployments the owner is the governance Timelock.
abstract contract Owned {
    address public owner;
    address public pendingOwner;

    event OwnershipTransferStarted(address indexed owner, address indexed pendingOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    error NotOwner(address caller, address owner);
    error NotPendingOwner(address caller, address pendingOwner);
    error ZeroAddress(string what);

    constructor(address owner_) {
        if (owner_ == address(0)) revert ZeroAddress("owner");
        owner = owner_;
        emit OwnershipTransferred(address(0), owner_);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender, owner);
        _;
    }

    function transferOwnership(address newOwner) external onlyOwner {
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(owner, newOwner);
    }

    function acceptOwnership() external {
        if (msg.sender != pendingOwner) revert NotPendingOwner(msg.sender, pendingOwner);
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        pendingOwner = address(0);
    }
}
