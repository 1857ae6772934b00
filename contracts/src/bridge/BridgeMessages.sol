// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Bridge message bodies: one fixed ABI layout for every kind, so decoding never depends on the kind.
///
///   MINT             hub → SPN   credit `amount` of `token` to `to`; ref = deposit nonce
///   WITHDRAW         SPN → hub   release to `to` on mainnet, or move on to SPN `finalDomain`
///   REFUND_DEPOSIT   SPN → hub   a MINT expired undelivered: release back to `from` (depositor); ref = deposit nonce
///   REFUND_WITHDRAW  hub → SPN   a WITHDRAW expired undelivered: re-credit `from` on the SPN
///   FORCED_REQUEST   hub → SPN   escape hatch: burn up to `amount` of `from`'s balance and send it home; ref = request id
///   FORCED_RESULT    SPN → hub   the SPN served forced request `ref`, burning `amount`
library BridgeMessages {
    uint8 internal constant MINT = 1;
    uint8 internal constant WITHDRAW = 2;
    uint8 internal constant REFUND_DEPOSIT = 3;
    uint8 internal constant REFUND_WITHDRAW = 4;
    uint8 internal constant FORCED_REQUEST = 5;
    uint8 internal constant FORCED_RESULT = 6;

    struct Transfer {
        uint8 kind;
        address token; // the MAINNET token (address(0) = mainnet native value)
        address from;
        address to;
        uint256 amount;
        uint256 ref;
        uint32 finalDomain;
    }

    error UnknownKind(uint8 kind);

    function encode(Transfer memory t) internal pure returns (bytes memory) {
        return abi.encode(t);
    }

    function decode(bytes calldata body) internal pure returns (Transfer memory t) {
        t = abi.decode(body, (Transfer));
        if (t.kind == 0 || t.kind > FORCED_RESULT) revert UnknownKind(t.kind);
    }
}
