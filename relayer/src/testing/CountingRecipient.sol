// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Test recipient for the relayer's integration tests and benchmark: counts how often each body was
/// handled (a count above one is a double delivery) and can be switched to revert, to exercise the
/// Mailbox's Failed -> retry path.
contract CountingRecipient {
    mapping(bytes32 => uint256) public handled;
    uint256 public total;
    bool public failing;

    event Handled(uint32 origin, bytes32 sender, bytes32 bodyHash, uint256 times);

    function setFailing(bool f) external {
        failing = f;
    }

    function handle(uint32 origin, bytes32 sender, bytes calldata body) external {
        require(!failing, "recipient is failing");
        bytes32 h = keccak256(body);
        uint256 times = ++handled[h];
        total += 1;
        emit Handled(origin, sender, h, times);
    }
}
