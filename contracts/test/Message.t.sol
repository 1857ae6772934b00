// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "spnkit-test/Test.sol";
import {Message} from "../src/libraries/Message.sol";

/// @notice Exposes the calldata accessors for testing.
contract MessageHarness {
    function header(bytes calldata m) external pure returns (uint8, uint32, uint32, bytes32) {
        Message.checkLength(m);
        return (Message.version(m), Message.nonce(m), Message.origin(m), Message.sender(m));
    }

    function rest(bytes calldata m) external pure returns (uint32, bytes32, bytes memory, bytes32) {
        return (Message.destination(m), Message.recipient(m), Message.body(m), Message.idCalldata(m));
    }

    function format(uint32 n, uint32 o, bytes32 s, uint32 d, bytes32 r, bytes calldata b)
        external
        pure
        returns (bytes memory)
    {
        return Message.format(n, o, s, d, r, b);
    }

    function toAddress(bytes32 b) external pure returns (address) {
        return Message.bytes32ToAddress(b);
    }
}

contract MessageTest is Test {
    MessageHarness internal h = new MessageHarness();

    function testFuzz_formatThenParseRoundTrips(
        uint32 nonce,
        uint32 origin,
        bytes32 sender,
        uint32 destination,
        bytes32 recipient,
        bytes calldata body
    ) public view {
        bytes memory m = h.format(nonce, origin, sender, destination, recipient, body);
        assertEq(m.length, 77 + body.length);
        (uint8 v, uint32 n, uint32 o, bytes32 s) = h.header(m);
        assertEq(v, 1);
        assertEq(n, nonce);
        assertEq(o, origin);
        assertEq(s, sender);
        (uint32 d, bytes32 r, bytes memory b, bytes32 id) = h.rest(m);
        assertEq(d, destination);
        assertEq(r, recipient);
        assertEq(b, body);
        assertEq(id, keccak256(m));
    }

    function test_rejectsShortMessagesAndNonEvmAddresses() public {
        vm.expectRevert(abi.encodeWithSelector(Message.MessageTooShort.selector, 76));
        h.header(new bytes(76));
        assertEq(h.toAddress(bytes32(uint256(uint160(address(this))))), address(this));
        vm.expectRevert(abi.encodeWithSelector(Message.AddressNotEvm.selector, bytes32(uint256(1) << 160)));
        h.toAddress(bytes32(uint256(1) << 160));
    }
}
