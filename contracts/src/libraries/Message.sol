// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The cross-chain message envelope (Hyperlane layout). Packed, 77-byte header then the body:
///
///   offset 0  version      uint8
///   offset 1  nonce        uint32   per origin Mailbox, strictly increasing
///   offset 5  origin       uint32   domain (an SPN id or the mainnet domain, never an EVM chain id)
///   offset 9  sender       bytes32  left-padded address
///   offset 41 destination  uint32   domain
///   offset 45 recipient    bytes32  left-padded address
///   offset 77 body         bytes
///
/// The message id is keccak256(message). A message is always longer than 64 bytes, so an id can never
/// collide with an inner Merkle node (keccak of exactly 64 bytes) in the outbox trees.
library Message {
    uint8 internal constant VERSION = 1;
    uint256 internal constant HEADER_LENGTH = 77;

    error MessageTooShort(uint256 length);
    error AddressNotEvm(bytes32 value);

    function format(
        uint32 nonce_,
        uint32 origin_,
        bytes32 sender_,
        uint32 destination_,
        bytes32 recipient_,
        bytes calldata body_
    ) internal pure returns (bytes memory) {
        return abi.encodePacked(VERSION, nonce_, origin_, sender_, destination_, recipient_, body_);
    }

    function id(bytes memory message) internal pure returns (bytes32) {
        return keccak256(message);
    }

    /// @notice keccak256 of calldata bytes without copying them through abi-encoding helpers.
    function idCalldata(bytes calldata message) internal pure returns (bytes32 result) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, message.offset, message.length)
            result := keccak256(ptr, message.length)
        }
    }

    function checkLength(bytes calldata message) internal pure {
        if (message.length < HEADER_LENGTH) revert MessageTooShort(message.length);
    }

    function version(bytes calldata message) internal pure returns (uint8) {
        return uint8(bytes1(message[0:1]));
    }

    function nonce(bytes calldata message) internal pure returns (uint32) {
        return uint32(bytes4(message[1:5]));
    }

    function origin(bytes calldata message) internal pure returns (uint32) {
        return uint32(bytes4(message[5:9]));
    }

    function sender(bytes calldata message) internal pure returns (bytes32) {
        return bytes32(message[9:41]);
    }

    function destination(bytes calldata message) internal pure returns (uint32) {
        return uint32(bytes4(message[41:45]));
    }

    function recipient(bytes calldata message) internal pure returns (bytes32) {
        return bytes32(message[45:77]);
    }

    function body(bytes calldata message) internal pure returns (bytes calldata) {
        return message[77:];
    }

    function addressToBytes32(address a) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(a)));
    }

    /// @notice The EVM address in a bytes32 field; reverts when the upper 12 bytes are not zero.
    function bytes32ToAddress(bytes32 b) internal pure returns (address) {
        if (uint256(b) >> 160 != 0) revert AddressNotEvm(b);
        return address(uint160(uint256(b)));
    }
}
