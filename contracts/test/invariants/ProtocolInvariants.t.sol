// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "spnkit-test/Test.sol";
import {BridgeLedger} from "../../src/bridge/BridgeLedger.sol";
import {Checkpoint} from "../../src/libraries/CheckpointLib.sol";
import {BridgeTestBase} from "../helpers/BridgeBase.sol";
import {StoreTree} from "../helpers/StoreTree.sol";
import {TestMerkle} from "../helpers/TestMerkle.sol";

/// @notice Drives the whole protocol (bridges both ways over real checkpoints and proofs, replays, forged
/// deliveries, forged checkpoints, freezing and escape claims) and records anything that must never happen.
contract ProtocolHandler is BridgeTestBase {
    using StoreTree for StoreTree.Tree;

    address[3] internal actors;
    bool public frozen;
    bytes32 internal frozenRoot;
    StoreTree.Tree internal finalTree;
    mapping(address => uint256) internal finalBalance;
    mapping(address => bool) internal escaped;

    // Ghost variables: each counts an event that must never happen.
    uint256 public doubleDeliveries;
    uint256 public unprovenDeliveries;
    uint256 public checkpointsWhileFrozen;
    uint256 public forgedCheckpointsAccepted;
    uint256 public escapedTotal;
    uint256 public lockedAtFreeze;

    function init() external {
        setUpBridges();
        StoreTree.Tree memory t;
        uint256 found;
        for (uint256 i; found < 3; ++i) {
            address a = makeAddr(string.concat("actor", vm.toString(i)));
            bytes32 key = BridgeLedger.storeKey(address(spoke), BridgeLedger.balanceSlot(address(0), a));
            if (!t.canInsert(key)) continue;
            t.insert(key, hex"01");
            actors[found++] = a;
        }
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % 3];
    }

    function deposit(uint256 seed, uint256 amount) external {
        if (frozen) return;
        address a = _actor(seed);
        amount = bound(amount, 1, 10 ether);
        vm.deal(a, amount);
        vm.prank(a);
        hubBridge.deposit{value: amount}(SPN1, address(0), a, amount);
        _pump();
    }

    function withdraw(uint256 seed, uint256 amount) external {
        if (frozen) return;
        address a = _actor(seed);
        uint256 balance = spoke.balanceOf(address(0), a);
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        vm.prank(a);
        spoke.withdraw(address(0), a, amount, HUB);
        _pump();
    }

    function transferOnSpn(uint256 from, uint256 to, uint256 amount) external {
        if (frozen) return;
        address a = _actor(from);
        uint256 balance = spoke.balanceOf(address(0), a);
        if (balance == 0) return;
        vm.prank(a);
        spoke.transfer(address(0), _actor(to), bound(amount, 1, balance));
    }

    /// Replay already-delivered messages on both chains: must revert.
    function replay(uint256 seed) external {
        if (hubProcessed.length > 0) {
            bytes memory m = hubProcessed[seed % hubProcessed.length];
            bytes memory md = TestMerkle.metadata(spn1Height, spn1Leaves, _indexOf(spn1Leaves, m));
            try hub.process(md, m) {
                doubleDeliveries++;
            } catch {}
        }
        if (spnProcessed.length > 0) {
            bytes memory m = spnProcessed[seed % spnProcessed.length];
            bytes memory md = TestMerkle.metadata(hubHeight, hubLeaves, _indexOf(hubLeaves, m));
            try spnMailbox.process(md, m) {
                doubleDeliveries++;
            } catch {}
        }
    }

    /// Deliver a message that was never dispatched, with a proof built for some real leaf.
    function forgedDelivery(uint256 seed, bytes32 junk) external {
        bytes memory message = abi.encodePacked(
            uint8(1),
            uint32(seed),
            SPN1,
            bytes32(uint256(uint160(address(spoke)))),
            HUB,
            bytes32(uint256(uint160(address(hubBridge)))),
            abi.encode(junk)
        );
        uint256 index = spn1Leaves.length == 0 ? 0 : seed % spn1Leaves.length;
        bytes memory metadata = TestMerkle.metadata(spn1Height, spn1Leaves, index);
        try hub.process(metadata, message) {
            unprovenDeliveries++;
        } catch {}
    }

    /// A checkpoint signed by too few validators (or the wrong keys) must never be accepted.
    function forgedCheckpoint(uint256 signers, bytes32 root) external {
        signers = bound(signers, 1, 10);
        Checkpoint memory cp =
            Checkpoint(spn1Id, 1, spn1Height + 1000, root | bytes32(uint256(1)), root | bytes32(uint256(1)));
        bytes memory sigs = _sign(valKeys, signers, _spnDigest(cp));
        try adapter.submitCheckpoint(cp, vals, powers, sigs) {
            forgedCheckpointsAccepted++;
        } catch {}
    }

    /// Checkpoint the real ledger balances, then freeze (once).
    function freeze() external {
        if (frozen) return;
        StoreTree.Tree memory t;
        for (uint256 i; i < 3; ++i) {
            uint256 b = spoke.balanceOf(address(0), actors[i]);
            finalBalance[actors[i]] = b;
            if (b > 0) {
                t.insert(
                    BridgeLedger.storeKey(address(spoke), BridgeLedger.balanceSlot(address(0), actors[i])),
                    abi.encode(b)
                );
            }
        }
        finalTree = t;
        spn1Height += 10;
        bytes32 root = t.root();
        _submitSPN(spn1Id, spn1Height, root == 0 ? keccak256("no balances") : root, spnMailbox.root());
        manager.freeze(spn1Id);
        frozen = true;
        lockedAtFreeze = hubBridge.locked(SPN1, address(0));
    }

    function checkpointAfterFreeze(bytes32 root) external {
        if (!frozen) return;
        spn1Height += 10;
        try this.submitExternal(spn1Height, root | bytes32(uint256(1))) {
            checkpointsWhileFrozen++;
        } catch {}
    }

    function submitExternal(uint64 height, bytes32 root) external {
        _submitSPN(spn1Id, height, root, root);
    }

    function escape(uint256 seed) external {
        if (!frozen) return;
        address a = _actor(seed);
        uint256 amount = finalBalance[a];
        if (amount == 0) return;
        bytes memory proof =
            StoreTree.proof(finalTree, BridgeLedger.storeKey(address(spoke), BridgeLedger.balanceSlot(address(0), a)));
        try hatch.escapeWithdraw(spn1Id, address(0), a, amount, proof) {
            if (escaped[a]) doubleDeliveries++;
            escaped[a] = true;
            escapedTotal += amount;
        } catch {}
    }

    function _spnStateRoot() internal pure override returns (bytes32) {
        return keccak256("spn-state");
    }

    function lockedNative() external view returns (uint256) {
        return hubBridge.locked(SPN1, address(0));
    }

    function supplyNative() external view returns (uint256) {
        return spoke.totalSupply(address(0));
    }

    function bridgeBalance() external view returns (uint256) {
        return address(hubBridge).balance;
    }
}

contract ProtocolInvariantTest is Test {
    ProtocolHandler internal handler;

    function setUp() public {
        handler = new ProtocolHandler();
        handler.init();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](9);
        selectors[0] = ProtocolHandler.deposit.selector;
        selectors[1] = ProtocolHandler.withdraw.selector;
        selectors[2] = ProtocolHandler.transferOnSpn.selector;
        selectors[3] = ProtocolHandler.replay.selector;
        selectors[4] = ProtocolHandler.forgedDelivery.selector;
        selectors[5] = ProtocolHandler.forgedCheckpoint.selector;
        selectors[6] = ProtocolHandler.freeze.selector;
        selectors[7] = ProtocolHandler.checkpointAfterFreeze.selector;
        selectors[8] = ProtocolHandler.escape.selector;
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// One campaign checks every property (five campaigns would cost five times the CI time).
    function invariant_protocol() public view {
        _noIdDeliveredTwice();
        _noDeliveryWithoutValidCheckpointAndProof();
        _bridgeConservation();
        _escapeClaimsNeverExceedLocked();
        _frozenSPNAcceptsNoCheckpoints();
    }

    function _noIdDeliveredTwice() internal view {
        assertEq(handler.doubleDeliveries(), 0, "an id was delivered twice");
    }

    function _noDeliveryWithoutValidCheckpointAndProof() internal view {
        assertEq(handler.unprovenDeliveries(), 0, "delivered without a valid proof");
        assertEq(handler.forgedCheckpointsAccepted(), 0, "accepted a checkpoint without quorum");
    }

    function _bridgeConservation() internal view {
        // Every relay is pumped to completion, so nothing is in flight: locked = minted, and the hub
        // holds exactly what is locked (after the freeze, escapes reduce both together).
        if (!handler.frozen()) assertEq(handler.lockedNative(), handler.supplyNative(), "locked != minted");
        assertEq(handler.bridgeBalance(), handler.lockedNative(), "hub balance != locked");
    }

    function _escapeClaimsNeverExceedLocked() internal view {
        assertLe(handler.escapedTotal(), handler.lockedAtFreeze(), "escaped more than was locked");
    }

    function _frozenSPNAcceptsNoCheckpoints() internal view {
        assertEq(handler.checkpointsWhileFrozen(), 0, "frozen SPN accepted a checkpoint");
    }
}
