// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {HubBridge} from "../src/bridge/HubBridge.sol";
import {EscapeHatch} from "../src/escape/EscapeHatch.sol";
import {Mailbox} from "../src/Mailbox.sol";
import {Owned} from "../src/access/Owned.sol";
import {OwnedValidatorSetSource} from "../src/validators/OwnedValidatorSetSource.sol";
import {BridgeTestBase} from "./helpers/BridgeBase.sol";
import {TestMerkle} from "./helpers/TestMerkle.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Takes 1% of every transfer: the hub bridge must refuse it (locked would exceed what it holds).
contract FeeToken is ERC20 {
    constructor() ERC20("Fee", "FEE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = value / 100;
            super._update(from, address(0xdead), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}

contract Refuser {
    function request(EscapeHatch hatch, uint32 spnId) external payable returns (uint256) {
        return hatch.requestForcedWithdrawal{value: msg.value}(spnId, address(0), 1);
    }

    function refund(EscapeHatch hatch, uint256 id) external {
        hatch.refundFee(id);
    }

    function withdraw(EscapeHatch hatch) external {
        hatch.withdrawFees();
    }
}

contract EdgeCasesTest is BridgeTestBase {
    function setUp() public {
        setUpBridges();
    }

    function test_feeOnTransferTokenRejected() public {
        FeeToken fee = new FeeToken();
        fee.mint(address(this), 100 ether);
        fee.approve(address(hubBridge), 100 ether);
        vm.expectRevert(
            abi.encodeWithSelector(HubBridge.FeeOnTransferToken.selector, address(fee), 99 ether, 100 ether)
        );
        hubBridge.deposit(SPN1, address(fee), address(this), 100 ether);
    }

    function test_escapeHatchOnlyEntryPoints() public {
        vm.expectRevert(abi.encodeWithSelector(HubBridge.NotEscapeHatch.selector, address(this)));
        hubBridge.escapeRelease(SPN1, address(0), address(this), 1);
        vm.expectRevert(abi.encodeWithSelector(HubBridge.NotEscapeHatch.selector, address(this)));
        hubBridge.sendForcedRequest(SPN1, 1, address(0), address(this), 1);
        vm.expectRevert(abi.encodeWithSelector(HubBridge.NotEscapeHatch.selector, address(this)));
        hubBridge.reclaimDeposit(SPN1, 1, address(0), address(this), 1);
    }

    function test_markServed_rejectsUnknownAndWrongSPN() public {
        vm.startPrank(address(hubBridge));
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.UnknownRequest.selector, 7));
        hatch.markServed(SPN1, 7);
        vm.stopPrank();
        vm.deal(address(this), 1 ether);
        uint256 id = hatch.requestForcedWithdrawal{value: FEE}(spn1Id, address(0), 1);
        vm.prank(address(hubBridge));
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.WrongSPN.selector, id, SPN2));
        hatch.markServed(SPN2, id);
    }

    function test_withdrawFees_failingRecipientReverts() public {
        Refuser r = new Refuser();
        vm.deal(address(r), 1 ether);
        uint256 id = r.request{value: FEE}(hatch, spn1Id);
        manager.freeze(spn1Id);
        r.refund(hatch, id);
        vm.expectRevert(EscapeHatch.TransferFailed.selector);
        r.withdraw(hatch);
    }

    function test_freezeForStaleCheckpoints_exactBoundary() public {
        (,,,, uint64 activatedAt) = registry.escapeInfo(spn1Id);
        vm.warp(uint256(activatedAt) + ESCAPE_WINDOW);
        vm.expectRevert(
            abi.encodeWithSelector(EscapeHatch.CheckpointsNotStale.selector, spn1Id, activatedAt, ESCAPE_WINDOW)
        );
        hatch.freezeForStaleCheckpoints(spn1Id);
        vm.warp(block.timestamp + 1);
        hatch.freezeForStaleCheckpoints(spn1Id);
    }

    function test_treeFull() public {
        // nonce and count share slot 3 with the forwarder address (bytes 20..23 and 24..27).
        bytes32 slot3 = vm.load(address(hub), bytes32(uint256(3)));
        uint256 full = (uint256(slot3) & ~(uint256(type(uint32).max) << 192)) | (uint256(type(uint32).max) << 192);
        vm.store(address(hub), bytes32(uint256(3)), bytes32(full));
        assertEq(hub.count(), type(uint32).max);
        vm.expectRevert(Mailbox.TreeFull.selector);
        hub.dispatch(SPN1, bytes32(0), "");
    }

    function test_views() public {
        bytes32 id = hub.dispatch(SPN1, bytes32(uint256(1)), "x");
        bytes32[32] memory b = hub.branchNodes();
        assertEq(b[0], id);
        (uint8 status, uint32 domain, address a) = registry.checkpointInfo(spn1Id);
        assertEq(status, 2);
        assertEq(domain, SPN1);
        assertEq(a, address(adapter));
        assertFalse(adapter.devnetMode());
        assertEq(hubBridge.availableInbound(SPN1, address(0)), type(uint256).max, "no limit configured");
        hubBridge.setRateLimit(SPN1, address(0), true, true, 5, 1);
        assertEq(hubBridge.availableInbound(SPN1, address(0)), 5);
        assertEq(
            spoke.creditedSlot(1),
            keccak256(
                abi.encode(uint256(1), uint256(0xc446a901d64dc409ddadf14e4370451b07809ea1c3d7642da9996f8438381c00) + 1)
            )
        );
        assertEq(TestMerkle.root(new bytes32[](0)), TestMerkle.zeroHashes()[32]);
    }

    function test_ownedSource_inputChecksAndOwnership() public {
        OwnedValidatorSetSource s = new OwnedValidatorSetSource(address(this));
        vm.expectRevert(OwnedValidatorSetSource.EmptyValidatorSet.selector);
        s.publish(1, 1, new address[](0), new uint256[](0));
        vm.expectRevert(abi.encodeWithSelector(OwnedValidatorSetSource.LengthMismatch.selector, 1, 2));
        s.publish(1, 1, new address[](1), new uint256[](2));
        address next = makeAddr("next");
        s.transferOwnership(next);
        assertEq(s.owner(), next);
        vm.expectRevert(abi.encodeWithSelector(OwnedValidatorSetSource.NotOwner.selector, address(this)));
        s.transferOwnership(address(this));
    }

    function test_adapterTrustedRelayer_onlyOwner() public {
        vm.prank(makeAddr("x"));
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, makeAddr("x"), address(this)));
        adapter.setTrustedRelayer(address(1));
    }
}
