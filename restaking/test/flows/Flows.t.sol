// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RestakingBase} from "../utils/RestakingBase.sol";
import {Restaking} from "../../src/Restaking.sol";
import {Slashing} from "../../src/Slashing.sol";

/// Multi-actor flows across certificate, restaking, validator sets and slashing.
contract FlowsTest is RestakingBase {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    /// stake -> certificate -> delegate -> allocate -> header -> equivocation -> evidence -> veto
    /// window -> execute -> the queued withdrawal is reduced -> next header excludes the operator.
    function test_flow_equivocationEvidenceVetoExecuteReducesQueuedWithdrawal() public {
        address op = _operator("op", 10 ether);
        address honest = _operator("honest", 10 ether);
        uint256 aliceShares = _delegate(alice, op, 20 ether);
        uint256 bobShares = _delegate(bob, op, 10 ether);
        _join(op, SPN, WAD);
        _join(honest, SPN, WAD);
        (uint64 epoch, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        assertEq(vals.length, 2);

        // Alice queues her exit; Bob stays. Then op's key double-signs slot 9.
        vm.prank(alice);
        uint256 wid = restaking.queueWithdrawal(aliceShares);
        uint256 aliceBefore = restaking.sharesToAssets(op, aliceShares);
        uint256 bobBefore = restaking.withdrawableAssets(bob);
        uint256 id = _submit(_evidence(op, CHAIN, epoch, 9), vals, powers);

        // During the veto window the operator is out of the next set and frozen.
        (, address[] memory nextVals,) = _publish(SPN);
        assertEq(nextVals.length, 1, "pending offender excluded from the next header");
        vm.warp(block.timestamp + VETO);
        uint256 slashed = slashing.execute(id);
        assertGt(slashed, 0);

        uint256 aliceAfter = restaking.sharesToAssets(op, aliceShares);
        assertLt(aliceAfter, aliceBefore, "queued withdrawal reduced");
        assertLt(restaking.withdrawableAssets(bob), bobBefore, "active delegator reduced");
        // Proportional: both lose the same fraction (within rounding).
        assertApproxEqAbs(aliceAfter * bobBefore / aliceBefore, restaking.withdrawableAssets(bob), 2, "pro rata");

        vm.warp(uint256(sets.captureTime(SPN, epoch)) + WITHDRAW_DELAY);
        vm.prank(alice);
        uint256 out = restaking.completeWithdrawal(wid);
        assertEq(out, aliceAfter);
        assertEq(cert.balanceOf(alice), out);
        assertEq(cert.balanceOf(whistleblower), slashed / 10);
        (, address[] memory laterVals,) = _publish(SPN);
        assertEq(laterVals.length, 1, "jailed offender never returns");
    }

    /// A vetoed request releases the freeze and the operator returns to the set.
    function test_flow_vetoedEvidenceUnfreezes() public {
        address op = _operator("op", 10 ether);
        uint256 shares = _delegate(alice, op, 5 ether);
        _join(op, SPN, WAD);
        (uint64 epoch, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        vm.prank(alice);
        uint256 wid = restaking.queueWithdrawal(shares);
        uint256 id = _submit(_evidence(op, CHAIN, epoch, 1), vals, powers);
        vm.prank(vetoer);
        slashing.veto(id);
        vm.warp(block.timestamp + WITHDRAW_DELAY);
        vm.prank(alice);
        assertEq(restaking.completeWithdrawal(wid), cert.previewStake(5 ether) - 0, "not slashed");
        (, address[] memory next,) = _publish(SPN);
        assertEq(next.length, 1);
    }

    /// Redelegation: exit op A fully (still slashable for A's SPN), then join op B.
    function test_flow_redelegationKeepsOldStakeSlashable() public {
        address a = _operator("a", 10 ether);
        address b = _operator("b", 10 ether);
        uint256 shares = _delegate(alice, a, 10 ether);
        _join(a, SPN, WAD);
        (uint64 epoch, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        vm.prank(alice);
        uint256 wid = restaking.queueWithdrawal(shares);
        uint256 more = _stake(alice, 1 ether);
        vm.startPrank(alice);
        cert.approve(address(restaking), more);
        restaking.delegate(b, more); // allowed: fully exited A
        vm.stopPrank();
        uint256 queuedValue = restaking.sharesToAssets(a, shares);
        uint256 id = _submit(_evidence(a, CHAIN, epoch, 1), vals, powers);
        vm.warp(block.timestamp + VETO);
        slashing.execute(id);
        assertLt(restaking.sharesToAssets(a, shares), queuedValue);
        vm.warp(block.timestamp + WITHDRAW_DELAY);
        vm.prank(alice);
        restaking.completeWithdrawal(wid);
        assertEq(restaking.delegatedTo(alice), b);
    }

    /// Two SPNs slash the same operator for separate offences: each only its own allocation.
    function test_flow_twoSpnsSlashSameOperatorIndependently() public {
        address op = _operator("op", 20 ether);
        _join(op, SPN, WAD / 4);
        _join(op, SPN2, WAD / 4);
        uint256 id1 = _publishAndSubmit(op, SPN, CHAIN);
        uint256 id2 = _publishAndSubmit(op, SPN2, CHAIN2);
        uint256 pool = restaking.operator(op).assets;
        vm.warp(block.timestamp + VETO);
        uint256 s1 = slashing.execute(id1);
        uint256 s2 = slashing.execute(id2);
        assertEq(s1, s2, "same allocation, same slash");
        assertEq(restaking.operator(op).assets, pool - s1 - s2);
        // Half the pool was never allocated: it is intact (up to magnitude rounding).
        Restaking.Operator memory o = restaking.operator(op);
        assertEq(o.encumbered, restaking.allocation(op, SPN).magnitude + restaking.allocation(op, SPN2).magnitude);
        assertLe(o.encumbered, o.maxMagnitude);
    }

    function _publishAndSubmit(address op, uint32 spnId, uint64 chainId) internal returns (uint256) {
        (uint64 epoch, address[] memory vals, uint256[] memory powers) = _publish(spnId);
        return _submit(_evidence(op, chainId, epoch, 1), vals, powers);
    }
}
