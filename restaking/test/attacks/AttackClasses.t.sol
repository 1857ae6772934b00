// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RestakingBase} from "../utils/RestakingBase.sol";
import {Restaking} from "../../src/Restaking.sol";
import {StakingCertificate} from "../../src/StakingCertificate.sol";
import {Slashing} from "../../src/Slashing.sol";
import {ValidatorSets} from "../../src/ValidatorSets.sol";
import {UsdPriceOracle} from "../../src/UsdPriceOracle.sol";
import {EquivocationEvidence} from "../../src/interfaces/EquivocationEvidence.sol";
import {ValidatorSetHeader} from "@spnkit/contracts/interfaces/IValidatorSetSource.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// Sends its balance to a target on selfdestruct (forced native transfer, no receive hook).
contract ForceSend {
    constructor(address payable target) payable {
        selfdestruct(target);
    }
}

contract RevertingClaimer {
    function request(StakingCertificate cert, uint256 shares) external returns (uint256) {
        return cert.requestWithdrawal(shares);
    }

    function claim(StakingCertificate cert, uint256 id) external {
        cert.claim(id, address(this));
    }

    receive() external payable {
        revert("griefing");
    }
}

/// One named test per attack class of shared/research/restaking.md §8.
contract AttackClassesTest is RestakingBase {
    address internal alice = makeAddr("alice");
    address internal attacker = makeAddr("attacker");

    // 1. Share inflation / first depositor.
    function test_attack01_firstDepositorInflation_attackerLosesVictimKeepsStake() public {
        // Certificate: 1 wei first stake, then a huge "donation" that internal accounting ignores.
        uint256 attackerShares = _stake(attacker, 1);
        vm.deal(attacker, 100 ether);
        vm.prank(attacker);
        new ForceSend{value: 100 ether}(payable(address(cert)));
        uint256 victimShares = _stake(alice, 10 ether);
        assertEq(cert.convertToAssets(victimShares), 10 ether, "victim keeps all of it");
        assertLe(cert.convertToAssets(attackerShares), 1, "attacker cannot redeem the donation");
        // Restaking pool: same attack through a direct certificate transfer into Restaking.
        address op = _operator("op", 0);
        uint256 dust = _stake(attacker, 1 ether);
        vm.startPrank(attacker);
        cert.approve(address(restaking), 1);
        restaking.delegate(op, 1);
        assertTrue(cert.transfer(address(restaking), dust - 1));
        vm.stopPrank();
        uint256 poolShares = _delegate(alice, op, 10 ether);
        assertEq(restaking.sharesToAssets(op, poolShares), cert.previewStake(10 ether), "pool victim whole");
    }

    // 2. Donation / direct-transfer rate manipulation.
    function test_attack02_donationDoesNotMoveRate() public {
        _stake(alice, 10 ether);
        uint256 rate = cert.convertToAssets(1e18);
        vm.deal(attacker, 5 ether);
        vm.prank(attacker);
        new ForceSend{value: 5 ether}(payable(address(cert)));
        assertEq(cert.convertToAssets(1e18), rate, "forced native ignored");
        assertEq(cert.totalAssets(), 10 ether);
        address op = _operator("op", 10 ether);
        uint256 poolRate = restaking.sharesToAssets(op, 1e21);
        uint256 gift = _stake(attacker, 1 ether);
        vm.prank(attacker);
        assertTrue(cert.transfer(address(restaking), gift));
        assertEq(restaking.sharesToAssets(op, 1e21), poolRate, "certificate donation ignored");
    }

    // 3. Withdraw-before-slash front-running (also inside the veto window).
    function test_attack03_withdrawBeforeSlash_queuedWithdrawalStillSlashed() public {
        address op = _operator("op", 10 ether);
        uint256 shares = _delegate(alice, op, 10 ether);
        _join(op, SPN, WAD);
        (uint64 epoch, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        // Alice sees the equivocation and queues her exit before the evidence lands.
        vm.prank(alice);
        uint256 wid = restaking.queueWithdrawal(shares);
        uint256 valueAtQueue = restaking.sharesToAssets(op, shares);
        uint256 id = _submit(_evidence(op, CHAIN, epoch, 1), vals, powers);
        vm.warp(block.timestamp + WITHDRAW_DELAY);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Restaking.OperatorSlashPending.selector, op, 1));
        restaking.completeWithdrawal(wid);
        slashing.execute(id);
        vm.prank(alice);
        uint256 out = restaking.completeWithdrawal(wid);
        assertLt(out, valueAtQueue, "the queued withdrawal paid its share of the slash");
    }

    // 4. Deposit-after-infraction dilution / innocent slashing.
    function test_attack04_depositAfterEvidence_blockedWhileSlashPending() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD);
        (uint64 epoch, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        uint256 id = _submit(_evidence(op, CHAIN, epoch, 1), vals, powers);
        uint256 certShares = _stake(alice, 5 ether);
        vm.startPrank(alice);
        cert.approve(address(restaking), certShares);
        vm.expectRevert(abi.encodeWithSelector(Restaking.OperatorSlashPending.selector, op, 1));
        restaking.delegate(op, certShares);
        vm.stopPrank();
        vm.warp(block.timestamp + VETO);
        uint256 slashed = slashing.execute(id);
        // The slash was sized on captured power, not on whatever the pool holds at execution.
        assertEq(slashed, (_powerOf(op, vals, powers) * SLASH_BPS + 9999) / 10_000);
    }

    // 5. Rate-update sandwich.
    function test_attack05_rateSandwich_stakeLockAndMinRateBlockIt() public {
        _stake(alice, 100 ether);
        // Stake right before a reward report, try to exit right after: locked.
        vm.deal(attacker, 50 ether);
        vm.prank(attacker);
        uint256 shares = cert.stake{value: 50 ether}();
        vm.deal(reporter, 1 ether);
        vm.prank(reporter);
        cert.reportRewards{value: 0.15 ether}();
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(StakingCertificate.StakeLocked.selector, attacker, block.number + 2));
        cert.requestWithdrawal(shares);
        // Reverse: request before a slash report -> paid at the lower finalization rate.
        vm.roll(block.number + 2);
        vm.prank(attacker);
        uint256 id = cert.requestWithdrawal(shares);
        uint256 atRequest = cert.withdrawalRequest(id).assetsAtRequest;
        vm.prank(reporter);
        cert.reportSlash(5 ether);
        vm.warp(block.timestamp + 1 days);
        cert.finalize(1);
        assertLt(cert.withdrawalRequest(id).payout, atRequest, "exit before the slash report does not dodge it");
    }

    // 6. Deallocation/deregistration escape + the 100%-slash-then-deallocate race.
    function test_attack06_deallocationEscape_stillSlashable() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD);
        (uint64 epoch, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        vm.startPrank(op);
        restaking.deallocate(SPN, WAD);
        restaking.deregisterFromSpn(SPN);
        vm.stopPrank();
        assertEq(restaking.slashableStake(op, SPN), restaking.activeAssets(op), "still fully slashable");
        uint256 id = _submit(_evidence(op, CHAIN, epoch, 1), vals, powers);
        vm.warp(block.timestamp + VETO);
        assertGt(slashing.execute(id), 0, "deregistered operator slashed");
        // Re-registering to reset the clock is refused.
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(Restaking.Jailed.selector, op, SPN));
        restaking.registerForSpn(SPN);
    }

    function test_attack06b_fullSlashThenDeallocate_neverBecomesAllocation() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD);
        vm.startPrank(address(slashing));
        restaking.onSlashRequested(op, SPN);
        restaking.executeSlash(op, SPN, type(uint256).max, whistleblower, 0, address(0));
        vm.stopPrank();
        // The operator's in-flight "deallocate half" now reverts instead of re-allocating.
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(Restaking.OverDeallocation.selector, WAD / 2, 0));
        restaking.deallocate(SPN, WAD / 2);
        assertEq(restaking.operator(op).encumbered, 0);
    }

    // 7. Over-slashing: same evidence twice, cross-SPN, beyond the captured stake.
    function test_attack07_overSlashing_onceAndOnlyAllocatedStake() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD / 2);
        _join(op, SPN2, WAD / 2);
        (uint64 e1, address[] memory v1, uint256[] memory p1) = _publish(SPN);
        (uint64 e2, address[] memory v2, uint256[] memory p2) = _publish(SPN2);
        uint256 spn2Before = restaking.slashableStake(op, SPN2);
        EquivocationEvidence memory ev = _evidence(op, CHAIN, e1, 1);
        uint256 id = _submit(ev, v1, p1);
        vm.expectRevert(
            abi.encodeWithSelector(Slashing.OffenceAlreadyReported.selector, slashing.request(id).offenceKey)
        );
        slashing.submitEvidence(ev, v1, p1);
        vm.warp(block.timestamp + VETO);
        slashing.execute(id);
        assertGe(restaking.slashableStake(op, SPN2), spn2Before, "SPN2's stake untouched by SPN1's slash");
        assertLe(slashing.slashedForCapture(op, SPN, e1), _powerOf(op, v1, p1));
        // SPN2's own evidence can still slash SPN2's allocation (separately captured).
        uint256 id2 = _submit(_evidence(op, CHAIN2, e2, 1), v2, p2);
        vm.warp(block.timestamp + VETO);
        assertGt(slashing.execute(id2), 0);
    }

    // 8. Under-slashing: rounding to zero, queued stake excluded.
    function test_attack08_underSlashing_tinySlashStillRemovesMagnitude() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD);
        uint64 magBefore = restaking.allocation(op, SPN).magnitude;
        vm.startPrank(address(slashing));
        restaking.onSlashRequested(op, SPN);
        uint256 removed = restaking.executeSlash(op, SPN, 1, whistleblower, 0, address(0));
        vm.stopPrank();
        assertEq(removed, 1);
        assertLt(restaking.allocation(op, SPN).magnitude, magBefore, "magnitude rounded up, never zero");
    }

    // 9. Rounding/precision: no profit from loops, no division by zero at 100%.
    function test_attack09_rounding_loopsNeverProfitAndFullSlashSafe() public {
        address op = _operator("op", 3 ether);
        uint256 certStart = _stake(attacker, 1 ether);
        vm.prank(attacker);
        cert.approve(address(restaking), type(uint256).max);
        uint256 held = certStart;
        for (uint256 i; i < 5; i++) {
            vm.prank(attacker);
            uint256 s = restaking.delegate(op, held);
            vm.prank(attacker);
            uint256 wid = restaking.queueWithdrawal(s);
            vm.warp(block.timestamp + WITHDRAW_DELAY);
            vm.prank(attacker);
            held = restaking.completeWithdrawal(wid);
        }
        assertLe(held, certStart, "loops never profit");
        feed.setAnswer(2000e8);
        _join(op, SPN, WAD);
        vm.startPrank(address(slashing));
        restaking.onSlashRequested(op, SPN);
        restaking.executeSlash(op, SPN, type(uint256).max, whistleblower, 0, address(0));
        vm.stopPrank();
        assertEq(restaking.allocatedStake(op, SPN), 0);
        assertEq(restaking.withdrawableAssets(op), 0);
    }

    // 10. Evidence forgery/replay: cross-SPN replay, rotated keys, stale evidence.
    function test_attack10_evidenceForgery_crossSpnReplayAndRotatedKey() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD / 2);
        (uint64 epoch, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        // Evidence signed for SPN1's chain id cannot be replayed as SPN2 evidence.
        EquivocationEvidence memory ev = _evidence(op, CHAIN, epoch, 1);
        ev.chainId = CHAIN2;
        vm.expectRevert(abi.encodeWithSelector(ValidatorSets.UnknownEpoch.selector, SPN2, epoch));
        slashing.submitEvidence(ev, vals, powers);
        // Rotation does not launder old-key offences: evidence for the old epoch still slashes.
        _rotate(op);
        uint256 id = _submit(_evidence(op, CHAIN, epoch, 2), vals, powers);
        assertEq(slashing.request(id).operator, op);
        // Stale evidence past the window is refused.
        uint256 deadline = uint256(sets.captureTime(SPN, epoch)) + EVIDENCE_WINDOW;
        vm.warp(deadline + 1);
        ev = _evidence(op, CHAIN, epoch, 3);
        vm.expectRevert(abi.encodeWithSelector(Slashing.EvidenceExpired.selector, epoch, deadline));
        slashing.submitEvidence(ev, vals, powers);
    }

    function _rotate(address op) internal {
        (address newKey, uint256 newPk) = makeAddrAndKey("op.rotated");
        bytes memory proof = _keyProof(newPk, op);
        vm.prank(op);
        restaking.rotateConsensusKey(newKey, proof);
    }

    // 11. Malicious SPN: mass slashing throttled, vetoer can only cancel.
    function test_attack11_maliciousSpn_massSlashThrottled() public {
        address[] memory ops = new address[](4);
        for (uint256 i; i < ops.length; i++) {
            ops[i] = _operator(string.concat("v", vm.toString(i)), 10 ether);
            _join(ops[i], SPN, WAD);
        }
        Slashing.Config memory c = _slashingConfig();
        c.spnThrottleBps = 1000; // 10% of the SPN's power per day
        vm.prank(owner);
        slashing.setConfig(c);
        Restaking.Spn memory s = _spnConfig(CHAIN);
        s.slashBps = 10_000;
        vm.prank(owner);
        restaking.updateSpn(SPN, s);
        (uint64 epoch, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        uint256[] memory ids = new uint256[](4);
        for (uint256 i; i < ops.length; i++) {
            ids[i] = _submit(_evidence(ops[i], CHAIN, epoch, 1), vals, powers);
        }
        // The vetoer role has no path to slash: it can only cancel pending requests in the window.
        vm.prank(vetoer);
        slashing.veto(ids[3]);
        vm.warp(block.timestamp + VETO);
        slashing.execute(ids[0]);
        uint256 executed = 1;
        for (uint256 i = 1; i < ids.length; i++) {
            try slashing.execute(ids[i]) {
                executed++;
            } catch {}
        }
        assertEq(executed, 1, "one slash per period once the meter is spent");
        assertEq(slashing.request(ids[3]).status, 2);
        assertEq(slashing.request(ids[1]).status, 1, "throttled request waits");
    }

    // 12. Withdrawal-queue griefing: dust requests, reverting recipients.
    function test_attack12_withdrawalQueueGriefing_dustRejectedRevertingClaimerIsolated() public {
        uint256 dust = _stake(attacker, 1 ether);
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(StakingCertificate.WithdrawalTooSmall.selector, 0, 100));
        cert.requestWithdrawal(10);
        RevertingClaimer bad = new RevertingClaimer();
        vm.prank(attacker);
        assertTrue(cert.transfer(address(bad), dust));
        uint256 badId = bad.request(cert, dust);
        uint256 aliceShares = _stake(alice, 1 ether);
        vm.prank(alice);
        uint256 aliceId = cert.requestWithdrawal(aliceShares);
        vm.warp(block.timestamp + 1 days);
        assertEq(cert.finalize(10), 2, "FIFO finalization is not blocked");
        vm.expectRevert();
        bad.claim(cert, badId);
        vm.prank(alice);
        cert.claim(aliceId, alice);
        assertEq(alice.balance, 1 ether);
    }

    // 13. Cross-chain transport: headers are derived on-chain, hash-chained, never skipped.
    function test_attack13_headerTransport_hashChainedNoGapsNoForgedList() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD);
        (, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        _publish(SPN);
        _publish(SPN);
        for (uint64 e = 2; e <= 3; e++) {
            ValidatorSetHeader memory h = sets.header(SPN, e);
            assertEq(h.parentHash, sets.headerHash(SPN, e - 1), "chained");
            assertEq(h.epoch, e, "no gaps");
        }
        // A forged list (an extra attacker key) never matches the committed root.
        address[] memory forged = new address[](vals.length + 1);
        uint256[] memory forgedPowers = new uint256[](vals.length + 1);
        for (uint256 i; i < vals.length; i++) {
            forged[i] = vals[i];
            forgedPowers[i] = powers[i];
        }
        forged[vals.length] = address(type(uint160).max);
        forgedPowers[vals.length] = 1;
        assertFalse(sets.isValidatorList(SPN, 1, forged, forgedPowers));
        assertTrue(sets.isValidatorList(SPN, 1, vals, powers));
    }

    // 14. Governance: separate pause flags, two-step ownership, slasher set once.
    function test_attack14_governance_pauseFlagsIndependentAndOwnershipTwoStep() public {
        uint256 shares = _stake(alice, 1 ether);
        vm.prank(owner);
        cert.setPaused(1); // stake only
        vm.prank(alice);
        cert.requestWithdrawal(shares / 2); // other functions keep working
        vm.prank(owner);
        restaking.transferOwnership(attacker);
        assertEq(restaking.owner(), owner, "not transferred until accepted");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        restaking.acceptOwnership();
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Restaking.SlasherAlreadySet.selector, address(slashing)));
        restaking.setSlasher(attacker);
    }

    // 15. Oracle risks: stale or out-of-bounds prices stop set derivation instead of mis-pricing it.
    function test_attack15_oracle_staleOrJumpingPriceHaltsPublication() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD);
        feed.setAnswer(5_000_000e8); // 2500x jump, above the configured bound
        vm.expectRevert(abi.encodeWithSelector(UsdPriceOracle.PriceOutOfBounds.selector, 5_000_000e8, 1e8, 1_000_000e8));
        sets.publish(SPN);
        feed.setRound(2000e8, block.timestamp - 2 hours, 100);
        vm.expectRevert(
            abi.encodeWithSelector(
                UsdPriceOracle.PriceStale.selector, block.timestamp - 2 hours, block.timestamp - 1 hours
            )
        );
        sets.publish(SPN);
        feed.setAnswer(2000e8);
        (uint64 epoch,) = sets.publish(SPN);
        assertEq(epoch, 1);
    }
}
