// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RestakingBase} from "../utils/RestakingBase.sol";
import {Slashing} from "../../src/Slashing.sol";
import {Restaking} from "../../src/Restaking.sol";
import {ValidatorSets} from "../../src/ValidatorSets.sol";
import {EquivocationEvidence} from "../../src/interfaces/EquivocationEvidence.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract SlashingTest is RestakingBase {
    uint256 internal constant HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;
    uint256 internal constant N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    address internal op;
    address internal honest;
    uint64 internal epoch;
    address[] internal vals;
    uint256[] internal powers;

    function setUp() public override {
        super.setUp();
        op = _operator("op", 10 ether);
        honest = _operator("honest", 30 ether);
        _join(op, SPN, WAD);
        _join(honest, SPN, WAD);
        (epoch, vals, powers) = _publish(SPN);
    }

    function test_verifyEvidence_acceptsValid() public view {
        EquivocationEvidence memory ev = _evidence(op, CHAIN, epoch, 5);
        (uint32 spnId, address signer, uint256 power) = slashing.verifyEvidence(ev, vals, powers);
        assertEq(spnId, SPN);
        assertEq(signer, restaking.operator(op).consensusKey);
        assertEq(power, _powerOf(op, vals, powers));
    }

    function test_submitEvidence_opensRequest() public {
        EquivocationEvidence memory ev = _evidence(op, CHAIN, epoch, 5);
        uint256 power = _powerOf(op, vals, powers);
        uint256 id = _submit(ev, vals, powers);
        Slashing.SlashRequest memory r = slashing.request(id);
        assertEq(r.operator, op);
        assertEq(r.spnId, SPN);
        assertEq(r.epoch, epoch);
        assertEq(r.status, 1);
        assertEq(r.whistleblower, whistleblower);
        assertEq(r.capturedPower, power);
        assertEq(r.amount, (power * SLASH_BPS + 9999) / 10_000);
        assertEq(r.vetoDeadline, block.timestamp + VETO);
        assertTrue(slashing.offenceReported(r.offenceKey));
        assertEq(r.offenceKey, keccak256(abi.encode(ev.chainId, ev.epoch, ev.slot, ev.proposer, ev.phase, r.signer)));
        assertEq(restaking.operator(op).pendingSlashes, 1);
        assertEq(slashing.requestCount(), 1);
    }

    function test_submitEvidence_rejectsEachForgery() public {
        EquivocationEvidence memory ev = _evidence(op, CHAIN, epoch, 5);
        // Unknown chain.
        ev.chainId = 999;
        vm.expectRevert(abi.encodeWithSelector(Slashing.UnknownChain.selector, 999));
        slashing.submitEvidence(ev, vals, powers);
        // Unknown epoch.
        ev = _evidence(op, CHAIN, epoch + 1, 5);
        vm.expectRevert(abi.encodeWithSelector(ValidatorSets.UnknownEpoch.selector, SPN, epoch + 1));
        slashing.submitEvidence(ev, vals, powers);
        // Tampered list.
        ev = _evidence(op, CHAIN, epoch, 5);
        uint256[] memory inflated = new uint256[](powers.length);
        for (uint256 i; i < powers.length; i++) {
            inflated[i] = powers[i] * 2;
        }
        vm.expectRevert(abi.encodeWithSelector(Slashing.ValidatorListMismatch.selector, SPN, epoch));
        slashing.submitEvidence(ev, vals, inflated);
        // Same value twice.
        EquivocationEvidence memory same = _evidence(op, CHAIN, epoch, 5);
        same.valueB = same.valueA;
        same.sigB = same.sigA;
        vm.expectRevert(abi.encodeWithSelector(Slashing.SameValue.selector, same.valueA));
        slashing.submitEvidence(same, vals, powers);
        // Bad length.
        ev.sigA = hex"1234";
        vm.expectRevert(abi.encodeWithSelector(Slashing.BadSignatureLength.selector, 0, 2));
        slashing.submitEvidence(ev, vals, powers);
        // High-s (the malleable twin of a valid signature).
        ev = _evidence(op, CHAIN, epoch, 5);
        ev.sigB = _malleate(ev.sigB);
        vm.expectRevert(abi.encodeWithSelector(Slashing.HighS.selector, 1));
        slashing.submitEvidence(ev, vals, powers);
        // Bad v.
        ev = _evidence(op, CHAIN, epoch, 5);
        ev.sigA[64] = bytes1(uint8(29));
        vm.expectRevert(abi.encodeWithSelector(Slashing.BadV.selector, 0, 29));
        slashing.submitEvidence(ev, vals, powers);
        // Signature that recovers to nobody (r = 0).
        ev = _evidence(op, CHAIN, epoch, 5);
        for (uint256 i; i < 32; i++) {
            ev.sigA[i] = 0;
        }
        vm.expectRevert(abi.encodeWithSelector(Slashing.InvalidSignature.selector, 0));
        slashing.submitEvidence(ev, vals, powers);
        // Two different signers.
        ev = _evidence(op, CHAIN, epoch, 5);
        EquivocationEvidence memory other = _evidence(honest, CHAIN, epoch, 5);
        ev.sigB = _sig(keyOf[honest], slashing.consensusDigest(CHAIN, epoch, 5, ev.proposer, PROPOSE, ev.valueB));
        vm.expectRevert(
            abi.encodeWithSelector(
                Slashing.SignerMismatch.selector, restaking.operator(op).consensusKey, other.proposer
            )
        );
        slashing.submitEvidence(ev, vals, powers);
        // Signer not in the set.
        address outsider = _operator("outsider", 10 ether);
        ev = _evidence(outsider, CHAIN, epoch, 5);
        vm.expectRevert(
            abi.encodeWithSelector(
                Slashing.NotInValidatorSet.selector, restaking.operator(outsider).consensusKey, SPN, epoch
            )
        );
        slashing.submitEvidence(ev, vals, powers);
        // Expired.
        ev = _evidence(op, CHAIN, epoch, 5);
        uint256 deadline = uint256(sets.captureTime(SPN, epoch)) + EVIDENCE_WINDOW;
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(Slashing.EvidenceExpired.selector, epoch, deadline));
        slashing.submitEvidence(ev, vals, powers);
    }

    function test_submitEvidence_onlyOncePerOffence() public {
        EquivocationEvidence memory ev = _evidence(op, CHAIN, epoch, 5);
        uint256 id = _submit(ev, vals, powers);
        bytes32 key = slashing.request(id).offenceKey;
        // Same offence with swapped values or fresh values is the same key.
        EquivocationEvidence memory swapped = ev;
        (swapped.valueA, swapped.valueB) = (ev.valueB, ev.valueA);
        (swapped.sigA, swapped.sigB) = (ev.sigB, ev.sigA);
        vm.expectRevert(abi.encodeWithSelector(Slashing.OffenceAlreadyReported.selector, key));
        slashing.submitEvidence(swapped, vals, powers);
        // A different slot is a different offence.
        _submit(_evidence(op, CHAIN, epoch, 6), vals, powers);
        assertEq(restaking.operator(op).pendingSlashes, 2);
    }

    function test_veto_cancelsRequest() public {
        uint256 id = _submit(_evidence(op, CHAIN, epoch, 5), vals, powers);
        vm.prank(whistleblower);
        vm.expectRevert(abi.encodeWithSelector(Slashing.NotVetoer.selector, whistleblower, vetoer));
        slashing.veto(id);
        vm.prank(vetoer);
        slashing.veto(id);
        assertEq(slashing.request(id).status, 2);
        assertEq(restaking.operator(op).pendingSlashes, 0);
        vm.prank(vetoer);
        vm.expectRevert(abi.encodeWithSelector(Slashing.NotPending.selector, id, 2));
        slashing.veto(id);
        vm.expectRevert(abi.encodeWithSelector(Slashing.NotPending.selector, id, 2));
        slashing.execute(id);
    }

    function test_veto_closesAtDeadline() public {
        uint256 id = _submit(_evidence(op, CHAIN, epoch, 5), vals, powers);
        vm.warp(block.timestamp + VETO);
        vm.prank(vetoer);
        vm.expectRevert(abi.encodeWithSelector(Slashing.VetoWindowClosed.selector, id, block.timestamp));
        slashing.veto(id);
    }

    function test_execute_slashesBurnsAndPaysWhistleblower() public {
        uint256 id = _submit(_evidence(op, CHAIN, epoch, 5), vals, powers);
        vm.expectRevert(abi.encodeWithSelector(Slashing.VetoWindowOpen.selector, id, block.timestamp + VETO));
        slashing.execute(id);
        vm.warp(block.timestamp + VETO);
        uint256 poolBefore = restaking.operator(op).assets;
        uint256 certSupplyBefore = cert.totalSupply();
        uint256 slashed = slashing.execute(id);
        Slashing.SlashRequest memory r = slashing.request(id);
        assertEq(slashed, r.amount);
        assertEq(r.slashed, slashed);
        assertEq(r.status, 3);
        assertEq(restaking.operator(op).assets, poolBefore - slashed);
        assertEq(cert.balanceOf(whistleblower), slashed / 10);
        assertEq(cert.totalSupply(), certSupplyBefore - (slashed - slashed / 10), "rest burned");
        assertEq(slashing.slashedForCapture(op, SPN, epoch), slashed);
        assertTrue(restaking.allocation(op, SPN).jailed);
        vm.expectRevert(abi.encodeWithSelector(Slashing.NotPending.selector, id, 3));
        slashing.execute(id);
        vm.expectRevert(abi.encodeWithSelector(Slashing.UnknownRequest.selector, 9));
        slashing.execute(9);
        vm.expectRevert(abi.encodeWithSelector(Slashing.UnknownRequest.selector, 9));
        slashing.request(9);
    }

    function test_execute_sendsRestToTreasuryWhenConfigured() public {
        Slashing.Config memory c = _slashingConfig();
        c.treasury = treasury;
        vm.prank(owner);
        slashing.setConfig(c);
        uint256 id = _submit(_evidence(op, CHAIN, epoch, 5), vals, powers);
        vm.warp(block.timestamp + VETO);
        uint256 slashed = slashing.execute(id);
        assertEq(cert.balanceOf(treasury), slashed - slashed / 10);
    }

    function test_execute_cappedAtCapturedPower() public {
        Slashing.Config memory c = _slashingConfig();
        c.spnThrottleBps = 10_000;
        c.globalThrottleBps = 10_000;
        vm.prank(owner);
        slashing.setConfig(c);
        // 100% slash per offence: the second offence in the same epoch finds nothing left to take.
        vm.prank(owner);
        restaking.updateSpn(SPN, _withSlashBps(10_000));
        uint256 id1 = _submit(_evidence(op, CHAIN, epoch, 5), vals, powers);
        uint256 id2 = _submit(_evidence(op, CHAIN, epoch, 6), vals, powers);
        vm.warp(block.timestamp + VETO);
        uint256 first = slashing.execute(id1);
        uint256 second = slashing.execute(id2);
        assertEq(first, _powerOf(op, vals, powers));
        assertEq(second, 0);
        assertLe(slashing.slashedForCapture(op, SPN, epoch), _powerOf(op, vals, powers));
    }

    function test_execute_throttledPerSpn() public {
        Slashing.Config memory c = _slashingConfig();
        c.spnThrottleBps = 1; // tiny cap: the first slash passes (meter positive), the next waits
        vm.prank(owner);
        slashing.setConfig(c);
        uint256 id1 = _submit(_evidence(op, CHAIN, epoch, 5), vals, powers);
        uint256 id2 = _submit(_evidence(honest, CHAIN, epoch, 5), vals, powers);
        vm.warp(block.timestamp + VETO);
        uint256 first = slashing.execute(id1);
        uint256 period = block.timestamp / 1 days;
        uint256 cap = sets.header(SPN, epoch).totalPower / 10_000;
        vm.expectRevert(abi.encodeWithSelector(Slashing.ThrottleExceeded.selector, first, cap, (period + 1) * 1 days));
        slashing.execute(id2);
        vm.warp((period + 1) * 1 days);
        assertGt(slashing.execute(id2), 0, "next period");
    }

    function test_execute_throttledGlobally() public {
        Slashing.Config memory c = _slashingConfig();
        c.globalThrottleBps = 1;
        vm.prank(owner);
        slashing.setConfig(c);
        uint256 id1 = _submit(_evidence(op, CHAIN, epoch, 5), vals, powers);
        uint256 id2 = _submit(_evidence(honest, CHAIN, epoch, 5), vals, powers);
        vm.warp(block.timestamp + VETO);
        slashing.execute(id1);
        vm.expectRevert();
        slashing.execute(id2);
        assertEq(slashing.request(id2).status, 1, "still pending");
    }

    function test_setConfig_validatesAndOnlyOwner() public {
        Slashing.Config memory c = _slashingConfig();
        vm.prank(whistleblower);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, whistleblower));
        slashing.setConfig(c);
        c.whistleblowerBps = 5001;
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Slashing.InvalidConfig.selector, "whistleblowerBps above 50%"));
        slashing.setConfig(c);
        c = _slashingConfig();
        c.throttlePeriod = 0;
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Slashing.InvalidConfig.selector, "throttlePeriod must be > 0"));
        slashing.setConfig(c);
        c = _slashingConfig();
        c.spnThrottleBps = 0;
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Slashing.InvalidConfig.selector, "spnThrottleBps must be in (0, 10000]"));
        slashing.setConfig(c);
        c = _slashingConfig();
        c.globalThrottleBps = 10_001;
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(Slashing.InvalidConfig.selector, "globalThrottleBps must be in (0, 10000]")
        );
        slashing.setConfig(c);
        assertEq(slashing.config().whistleblowerBps, 1000);
    }

    // ---- fuzz: signature checks ---------------------------------------------------------------

    /// Random bytes as signatures never pass as a validator's equivocation.
    function testFuzz_randomSignaturesRejected(bytes32 r, bytes32 s, uint8 v) public {
        EquivocationEvidence memory ev = _evidence(op, CHAIN, epoch, 5);
        ev.sigA = abi.encodePacked(r, s, v);
        vm.expectRevert();
        slashing.submitEvidence(ev, vals, powers);
    }

    // ---- helpers ------------------------------------------------------------------------------

    function _malleate(bytes memory sig) internal pure returns (bytes memory) {
        bytes32 r;
        bytes32 s;
        assembly {
            r := mload(add(sig, 32))
            s := mload(add(sig, 64))
        }
        uint8 v = uint8(sig[64]);
        return abi.encodePacked(r, bytes32(N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
    }

    function _withSlashBps(uint16 bps) internal view returns (Restaking.Spn memory c) {
        c = _spnConfig(CHAIN);
        c.slashBps = bps;
    }
}
