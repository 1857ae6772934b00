// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ProtocolBase} from "./helpers/ProtocolBase.sol";
import {NoopRecipient} from "./helpers/Recipients.sol";
import {TestMerkle} from "./helpers/TestMerkle.sol";

/// @notice Gas figures for `npm run bench:gas` (contracts/ts/bench-gas.ts runs this contract with
/// `--isolate`, so every call is its own transaction with cold storage, as on a live chain). Recipients
/// are no-ops: the figures exclude the recipient's own work.
contract GasBenchTest is ProtocolBase {
    NoopRecipient internal noop;

    function setUp() public {
        setUpProtocol();
        noop = new NoopRecipient();
    }

    function test_gas_dispatch() public {
        // A live Mailbox: earlier dispatches already wrote the low branch levels.
        for (uint256 i; i < 8; ++i) {
            hub.dispatch(SPN1, bytes32(uint256(1)), new bytes(64));
        }
        hub.dispatch(SPN1, bytes32(uint256(uint160(address(noop)))), new bytes(64));
        vm.snapshotGasLastCall("dispatch");
    }

    function test_gas_processMainnet() public {
        (bytes memory message, uint256 index) = _spn1Message(HUB, address(noop), new bytes(64));
        bytes memory metadata = _checkpointSpn1(index);
        hub.process(metadata, message);
        vm.snapshotGasLastCall("process_mainnet");
        assertEq(hub.status(keccak256(message)), 1);
    }

    function test_gas_processSpnImport() public {
        bytes32 id = hub.dispatch(SPN1, bytes32(uint256(uint160(address(noop)))), new bytes(64));
        hubLeaves.push(id);
        uint64 height = _checkpointHub();
        bytes memory message = abi.encodePacked(
            uint8(1),
            uint32(0),
            HUB,
            bytes32(uint256(uint160(address(this)))),
            SPN1,
            bytes32(uint256(uint160(address(noop)))),
            new bytes(64)
        );
        bytes memory metadata = TestMerkle.metadata(height, hubLeaves, 0);
        spnMailbox.process(metadata, message);
        vm.snapshotGasLastCall("process_spn_import");
        assertEq(spnMailbox.status(id), 1);
    }

    function test_gas_checkpoint11of16() public {
        _submitSPN(spn1Id, 10, bytes32(uint256(1)), bytes32(uint256(2)));
        _submitSPN(spn1Id, 20, bytes32(uint256(3)), bytes32(uint256(4)));
        vm.snapshotGasLastCall("checkpoint_11_of_16");
    }
}
