// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMessageRecipient} from "../../src/interfaces/IMessageRecipient.sol";
import {Mailbox} from "../../src/Mailbox.sol";

contract NoopRecipient is IMessageRecipient {
    function handle(uint32, bytes32, bytes calldata) external {}
}

contract RecordingRecipient is IMessageRecipient {
    uint256 public calls;
    uint32 public lastOrigin;
    bytes32 public lastSender;
    bytes public lastBody;
    bool public failing;

    error Refused();

    function setFailing(bool f) external {
        failing = f;
    }

    function handle(uint32 origin, bytes32 sender, bytes calldata body) external {
        if (failing) revert Refused();
        calls++;
        lastOrigin = origin;
        lastSender = sender;
        lastBody = body;
    }
}

/// @notice Burns `burn` gas in handle (an expensive but honest recipient).
contract GasHungryRecipient is IMessageRecipient {
    uint256 public burn;
    uint256 public done;

    constructor(uint256 burn_) {
        burn = burn_;
    }

    function handle(uint32, bytes32, bytes calldata) external {
        uint256 start = gasleft();
        while (start - gasleft() < burn) {}
        done++;
    }
}

/// @notice Returns a huge revert reason (return-data bomb).
contract BombRecipient is IMessageRecipient {
    function handle(uint32, bytes32, bytes calldata) external pure {
        assembly {
            revert(0, 200000)
        }
    }
}

/// @notice Reenters the Mailbox from handle with a message of its choosing.
contract ReentrantRecipient is IMessageRecipient {
    Mailbox public mailbox;
    bytes public metadata;
    bytes public message;
    bool public reentryFailed;
    bytes public reentryError;
    uint256 public calls;

    function arm(Mailbox mailbox_, bytes memory metadata_, bytes memory message_) external {
        mailbox = mailbox_;
        metadata = metadata_;
        message = message_;
    }

    function handle(uint32, bytes32, bytes calldata) external {
        calls++;
        if (calls > 1) return;
        try mailbox.process(metadata, message) {
            reentryFailed = false;
        } catch (bytes memory err) {
            reentryFailed = true;
            reentryError = err;
        }
    }
}
