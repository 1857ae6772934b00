// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "spnkit-test/Test.sol";
import {Mailbox} from "../../src/Mailbox.sol";
import {MainnetRootVerifier} from "../../src/MainnetRootVerifier.sol";
import {Registry, SPNConfig} from "../../src/Registry.sol";
import {SPNAdapter} from "../../src/SPNAdapter.sol";
import {SPNManager} from "../../src/SPNManager.sol";
import {Checkpoint, CheckpointLib} from "../../src/libraries/CheckpointLib.sol";
import {Message} from "../../src/libraries/Message.sol";
import {OwnedValidatorSetSource} from "../../src/validators/OwnedValidatorSetSource.sol";
import {TestMerkle} from "./TestMerkle.sol";

/// @notice Mainnet (hub) contracts plus one SPN's Mailbox side by side in one EVM, with real validator
/// keys: 16 SPN validators of equal power (quorum = 11 of 16) and 4 mainnet validators.
abstract contract ProtocolBase is Test {
    uint32 internal constant HUB = 1000;
    uint32 internal constant SPN1 = 1;
    uint32 internal constant SPN2 = 2;
    uint64 internal constant SPN1_CHAIN = 901;
    uint64 internal constant SPN2_CHAIN = 902;
    uint64 internal constant RETRY_WINDOW = 7 days;
    uint64 internal constant ESCAPE_WINDOW = 1 days;

    OwnedValidatorSetSource internal source;
    SPNManager internal manager;
    Registry internal registry;
    Mailbox internal hub;
    SPNAdapter internal adapter;
    uint32 internal spn1Id;
    uint32 internal spn2Id;

    // The SPN side (SPN1's Mailbox importing from mainnet).
    OwnedValidatorSetSource internal spnSideSource;
    MainnetRootVerifier internal spnVerifier;
    Mailbox internal spnMailbox;

    address[] internal vals;
    uint256[] internal valKeys;
    uint256[] internal powers;
    address[] internal hubVals;
    uint256[] internal hubValKeys;
    uint256[] internal hubPowers;

    // Outbox leaves as the test knows them, for proofs.
    bytes32[] internal spn1Leaves;
    bytes32[] internal hubLeaves;
    uint64 internal spn1Height;
    uint64 internal hubHeight;

    function setUpProtocol() internal {
        (vals, valKeys, powers) = _keys("spn-validator", 16);
        (hubVals, hubValKeys, hubPowers) = _keys("hub-validator", 4);
        source = new OwnedValidatorSetSource(address(this));
        manager = new SPNManager(address(this), HUB, false, address(source));
        registry = manager.registry();
        hub = new Mailbox(HUB, RETRY_WINDOW, address(this));
        adapter = new SPNAdapter(address(this), manager, hub, false);
        hub.setVerifier(address(adapter));
        hub.setForwarder(address(adapter));
        spn1Id = _registerSPN(SPN1, SPN1_CHAIN, makeAddr("spn1-bridge"));
        spn2Id = _registerSPN(SPN2, SPN2_CHAIN, makeAddr("spn2-bridge"));

        spnSideSource = new OwnedValidatorSetSource(address(this));
        spnSideSource.publish(0, 1, hubVals, hubPowers);
        spnVerifier = new MainnetRootVerifier(block.chainid, spnSideSource);
        spnMailbox = new Mailbox(SPN1, RETRY_WINDOW, address(this));
        spnMailbox.setVerifier(address(spnVerifier));
    }

    function _registerSPN(uint32 domain, uint64 chainId, address bridge) internal returns (uint32 spnId) {
        spnId = manager.register(address(this), _config(domain, chainId, bridge));
        source.publish(spnId, 1, vals, powers);
        manager.syncValidatorSet(spnId, 1);
        manager.activate(spnId);
    }

    function _config(uint32 domain, uint64 chainId, address bridge) internal view returns (SPNConfig memory) {
        return SPNConfig({
            chainId: chainId,
            domain: domain,
            adapter: address(adapter),
            bridge: bridge,
            escapeWindow: ESCAPE_WINDOW,
            blockGasLimit: 30_000_000,
            maxHandleGas: 200_000,
            rpcHints: "http://127.0.0.1:9545"
        });
    }

    /// @notice `n` deterministic keys sorted by address, equal power 100 each.
    function _keys(string memory label, uint256 n)
        internal
        returns (address[] memory addrs, uint256[] memory keys, uint256[] memory pw)
    {
        addrs = new address[](n);
        keys = new uint256[](n);
        pw = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            (addrs[i], keys[i]) = makeAddrAndKey(string.concat(label, vm.toString(i)));
            pw[i] = 100;
        }
        for (uint256 i; i < n; ++i) {
            for (uint256 j = i + 1; j < n; ++j) {
                if (addrs[j] < addrs[i]) {
                    (addrs[i], addrs[j]) = (addrs[j], addrs[i]);
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                }
            }
        }
    }

    /// @notice Signatures by the first `count` keys (already in ascending address order).
    function _sign(uint256[] memory keys, uint256 count, bytes32 digest) internal pure returns (bytes memory sigs) {
        for (uint256 i; i < count; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
            sigs = bytes.concat(sigs, abi.encodePacked(r, s, v));
        }
    }

    function _spnDigest(Checkpoint memory cp) internal view returns (bytes32) {
        bytes32 headerHash = manager.validatorSet(cp.spnId).headerHash;
        return keccak256(
            abi.encode(
                CheckpointLib.CHECKPOINT_DOMAIN,
                block.chainid,
                cp.spnId,
                cp.epoch,
                cp.height,
                cp.stateRoot,
                cp.outboxRoot,
                headerHash
            )
        );
    }

    function _submitSPN(uint32 spnId, uint64 height, bytes32 stateRoot, bytes32 outboxRoot) internal returns (bool) {
        Checkpoint memory cp = Checkpoint(spnId, manager.validatorSet(spnId).epoch, height, stateRoot, outboxRoot);
        return adapter.submitCheckpoint(cp, vals, powers, _sign(valKeys, 11, _spnDigest(cp)));
    }

    /// @notice A message as SPN1's Mailbox would have dispatched it, added to the SPN1 outbox leaves.
    function _spn1Message(uint32 destination, address recipient, bytes memory body)
        internal
        returns (bytes memory message, uint256 index)
    {
        message = abi.encodePacked(
            Message.VERSION,
            uint32(spn1Leaves.length),
            SPN1,
            bytes32(uint256(uint160(makeAddr("spn1-sender")))),
            destination,
            bytes32(uint256(uint160(recipient))),
            body
        );
        index = spn1Leaves.length;
        spn1Leaves.push(keccak256(message));
    }

    /// @notice Checkpoints SPN1's current outbox and returns the proof metadata for leaf `index`.
    function _checkpointSpn1(uint256 index) internal returns (bytes memory metadata) {
        spn1Height += 10;
        _submitSPN(spn1Id, spn1Height, keccak256(abi.encode("state", spn1Height)), TestMerkle.root(spn1Leaves));
        return TestMerkle.metadata(spn1Height, spn1Leaves, index);
    }

    function _hubDigest(Checkpoint memory cp) internal view returns (bytes32) {
        bytes32 headerHash = keccak256(abi.encode(spnSideSource.header(0, cp.epoch)));
        return keccak256(
            abi.encode(
                CheckpointLib.CHECKPOINT_DOMAIN,
                block.chainid,
                cp.spnId,
                cp.epoch,
                cp.height,
                cp.stateRoot,
                cp.outboxRoot,
                headerHash
            )
        );
    }

    /// @notice Posts the hub Mailbox's current root to the SPN-side verifier (3 of 4 mainnet validators).
    function _checkpointHub() internal returns (uint64 height) {
        hubHeight += 1;
        Checkpoint memory cp = Checkpoint(0, 1, hubHeight, keccak256(abi.encode("hub", hubHeight)), hub.root());
        spnVerifier.submitCheckpoint(cp, hubVals, hubPowers, _sign(hubValKeys, 3, _hubDigest(cp)));
        return hubHeight;
    }
}
