// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RestakingBase} from "../utils/RestakingBase.sol";
import {Restaking} from "../../src/Restaking.sol";
import {Slashing} from "../../src/Slashing.sol";
import {ValidatorSetHeader} from "@spnkit/contracts/interfaces/IValidatorSetSource.sol";
import {EquivocationEvidence} from "../../src/interfaces/EquivocationEvidence.sol";

/// Drives random actions over the whole system and records any rule it sees broken in ghost flags.
contract Handler is RestakingBase {
    address[] public ops;
    address[] public delegators;
    uint256[] public withdrawalIds;
    uint256[] public requestIds;
    EquivocationEvidence[] internal submitted;

    uint64 public epoch;
    address[] internal vals;
    uint256[] internal powers;

    bool public earlyWithdrawal;
    bool public rateMovedOutsideReports;
    bool public evidenceReused;
    bool public throttleBroken;
    uint64 public lastSeenEpoch;
    bool public epochWentBack;
    uint256 public maxSingleSlash;

    function setUpHandler() external {
        setUp();
        for (uint256 i; i < 3; i++) {
            address op = _operator(string.concat("op", vm.toString(i)), 10 ether + i * 5 ether);
            _join(op, SPN, uint64(WAD / (i + 2)));
            ops.push(op);
            delegators.push(makeAddr(string.concat("delegator", vm.toString(i))));
        }
        _publishNow();
    }

    function system() external view returns (Restaking, Slashing, address, address) {
        return (restaking, slashing, address(cert), address(sets));
    }

    // ---- actions ------------------------------------------------------------------------------

    function delegate(uint256 who, uint256 opIndex, uint256 amount) external {
        address d = delegators[who % delegators.length];
        address op = ops[opIndex % ops.length];
        address current = restaking.delegatedTo(d);
        if (current != address(0)) op = current;
        Restaking.Operator memory o = restaking.operator(op);
        if (o.pendingSlashes != 0 || o.maxMagnitude == 0) return;
        _checkRate();
        _delegate(d, op, bound(amount, 0.01 ether, 50 ether));
        _checkRate();
    }

    function queueWithdrawal(uint256 who, uint256 fraction) external {
        address d = delegators[who % delegators.length];
        uint256 shares = restaking.delegatorShares(d);
        if (shares == 0) return;
        uint256 amount = bound(fraction, 1, shares);
        vm.prank(d);
        withdrawalIds.push(restaking.queueWithdrawal(amount));
    }

    function completeWithdrawal(uint256 index, uint256 wait) external {
        if (withdrawalIds.length == 0) return;
        uint256 id = withdrawalIds[index % withdrawalIds.length];
        Restaking.Withdrawal memory w = restaking.withdrawal(id);
        if (w.completed) return;
        vm.warp(block.timestamp + bound(wait, 0, 2 days));
        vm.prank(w.staker);
        try restaking.completeWithdrawal(id) {
            if (block.timestamp < uint256(w.startedAt) + WITHDRAW_DELAY) earlyWithdrawal = true;
        } catch {}
    }

    function allocate(uint256 opIndex, uint256 magnitude) external {
        address op = ops[opIndex % ops.length];
        Restaking.Operator memory o = restaking.operator(op);
        Restaking.Allocation memory a = restaking.allocation(op, SPN);
        if (a.jailed || !a.registered || o.maxMagnitude == o.encumbered) return;
        vm.prank(op);
        restaking.allocate(SPN, uint64(bound(magnitude, 1, o.maxMagnitude - o.encumbered)));
    }

    function deallocate(uint256 opIndex, uint256 magnitude) external {
        address op = ops[opIndex % ops.length];
        Restaking.Allocation memory a = restaking.allocation(op, SPN);
        uint64 live = a.magnitude - a.pendingDecrease;
        if (live == 0) return;
        vm.prank(op);
        restaking.deallocate(SPN, uint64(bound(magnitude, 1, live)));
    }

    function clearDeallocation(uint256 opIndex) external {
        try restaking.clearDeallocation(ops[opIndex % ops.length], SPN) {} catch {}
    }

    function publish(uint256 wait) external {
        vm.warp(block.timestamp + bound(wait, 0, 2 days));
        _publishNow();
    }

    function submitEvidence(uint256 opIndex, uint64 slot) external {
        address op = ops[opIndex % ops.length];
        if (_powerOf(op, vals, powers) == 0) return;
        EquivocationEvidence memory ev = _evidence(op, CHAIN, epoch, slot % 8);
        vm.prank(whistleblower);
        try slashing.submitEvidence(ev, vals, powers) returns (uint256 id) {
            for (uint256 i; i < submitted.length; i++) {
                if (keccak256(abi.encode(submitted[i])) == keccak256(abi.encode(ev))) evidenceReused = true;
            }
            submitted.push(ev);
            requestIds.push(id);
        } catch {}
    }

    function veto(uint256 index) external {
        if (requestIds.length == 0) return;
        vm.prank(vetoer);
        try slashing.veto(requestIds[index % requestIds.length]) {} catch {}
    }

    function execute(uint256 index, uint256 wait) external {
        if (requestIds.length == 0) return;
        vm.warp(block.timestamp + bound(wait, 0, 2 days));
        uint256 id = requestIds[index % requestIds.length];
        Slashing.SlashRequest memory r = slashing.request(id);
        uint256 period = block.timestamp / 1 days;
        uint256 usedBefore = slashing.spnSlashedInPeriod(r.spnId, period);
        uint256 cap = sets.header(r.spnId, r.epoch).totalPower * 3300 / 10_000;
        _checkRate();
        try slashing.execute(id) returns (uint256 slashed) {
            if (usedBefore != 0 && usedBefore >= cap) throttleBroken = true;
            if (slashed > maxSingleSlash) maxSingleSlash = slashed;
        } catch {}
        _checkRate();
    }

    function reportRewards(uint256 bps) external {
        vm.warp(block.timestamp + 1 days);
        uint256 amount = cert.totalAssets() * bound(bps, 1, 10) / 10_000;
        if (amount == 0) return;
        vm.deal(reporter, amount);
        vm.prank(reporter);
        cert.reportRewards{value: amount}();
        _rate = _currentRate();
    }

    function reportSlash(uint256 bps) external {
        uint256 amount = cert.totalAssets() * bound(bps, 1, 500) / 10_000;
        if (amount == 0) return;
        vm.prank(reporter);
        cert.reportSlash(amount);
        _rate = _currentRate();
    }

    // ---- ghost helpers ------------------------------------------------------------------------

    uint256 internal _rate;

    function _currentRate() internal view returns (uint256) {
        return cert.convertToAssets(1e24);
    }

    /// Outside reports the certificate rate may only stay or tick up by rounding.
    function _checkRate() internal {
        uint256 r = _currentRate();
        if (_rate != 0 && r < _rate) rateMovedOutsideReports = true;
        if (_rate != 0 && r > _rate + 1e6) rateMovedOutsideReports = true;
        _rate = r;
    }

    function _publishNow() internal {
        uint64 latest = sets.latestEpoch(SPN);
        if (latest != 0 && block.timestamp < uint256(sets.captureTime(SPN, latest)) + EPOCH) return;
        feed.setAnswer(2000e8);
        (address[] memory v, uint256[] memory p) = sets.previewSet(SPN);
        if (v.length == 0) return;
        try sets.publish(SPN) returns (uint64 e, bytes32) {
            if (e <= lastSeenEpoch) epochWentBack = true;
            lastSeenEpoch = e;
            epoch = e;
            vals = v;
            powers = p;
        } catch {}
    }

    function opCount() external view returns (uint256) {
        return ops.length;
    }

    function delegatorCount() external view returns (uint256) {
        return delegators.length;
    }

    function withdrawalCount() external view returns (uint256) {
        return withdrawalIds.length;
    }

    function requestCount() external view returns (uint256) {
        return requestIds.length;
    }
}

contract InvariantsTest is RestakingBase {
    Handler internal handler;
    Restaking internal r;
    Slashing internal s;

    function setUp() public override {
        handler = new Handler();
        handler.setUpHandler();
        (r, s,,) = handler.system();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](12);
        selectors[0] = Handler.delegate.selector;
        selectors[1] = Handler.queueWithdrawal.selector;
        selectors[2] = Handler.completeWithdrawal.selector;
        selectors[3] = Handler.allocate.selector;
        selectors[4] = Handler.deallocate.selector;
        selectors[5] = Handler.clearDeallocation.selector;
        selectors[6] = Handler.publish.selector;
        selectors[7] = Handler.submitEvidence.selector;
        selectors[8] = Handler.veto.selector;
        selectors[9] = Handler.execute.selector;
        selectors[10] = Handler.reportRewards.selector;
        selectors[11] = Handler.reportSlash.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// The handler really reaches the slashing path (so I4/I8/I9 are not vacuous).
    function test_handlerReachesSlashExecution() public {
        handler.submitEvidence(0, 1);
        assertEq(handler.requestCount(), 1);
        handler.execute(0, 2 days);
        Slashing.SlashRequest memory req = s.request(handler.requestIds(0));
        assertEq(req.status, 3, "executed");
        assertGt(req.slashed, 0);
    }

    /// I1: an operator's pool covers every delegator's withdrawable amount, queued ones included.
    function invariant_operatorStakeCoversDelegators() public view {
        for (uint256 i; i < handler.opCount(); i++) {
            address op = handler.ops(i);
            uint256 owed;
            for (uint256 j; j < handler.delegatorCount(); j++) {
                address d = handler.delegators(j);
                if (r.delegatedTo(d) == op) owed += r.sharesToAssets(op, r.delegatorShares(d));
            }
            if (r.delegatedTo(op) == op) owed += r.sharesToAssets(op, r.delegatorShares(op));
            for (uint256 k; k < handler.withdrawalCount(); k++) {
                Restaking.Withdrawal memory w = r.withdrawal(handler.withdrawalIds(k));
                if (w.operator == op && !w.completed) owed += r.sharesToAssets(op, w.shares);
            }
            assertGe(r.operator(op).assets, owed, "pool covers delegators");
        }
    }

    /// I2: solvency of Restaking (certificates held) and of the certificate (native held).
    function invariant_solvency() public view {
        uint256 sum;
        for (uint256 i; i < handler.opCount(); i++) {
            sum += r.operator(handler.ops(i)).assets;
        }
        assertEq(sum, r.totalPooledAssets(), "pooled assets add up");
        assertGe(r.certificate().balanceOf(address(r)), r.totalPooledAssets(), "restaking solvent");
        address c = address(r.certificate());
        assertGe(c.balance, r.certificate().totalAssets() + r.certificate().reservedForClaims(), "certificate solvent");
    }

    /// I3: allocated <= max <= WAD.
    function invariant_allocatedWithinMax() public view {
        for (uint256 i; i < handler.opCount(); i++) {
            Restaking.Operator memory o = r.operator(handler.ops(i));
            assertLe(o.encumbered, o.maxMagnitude, "encumbered <= max");
            assertLe(o.maxMagnitude, WAD, "max <= WAD");
            Restaking.Allocation memory a = r.allocation(handler.ops(i), SPN);
            assertLe(a.pendingDecrease, a.magnitude);
            assertLe(a.magnitude, o.encumbered);
        }
    }

    /// I4: total slashed per capture never exceeds what was captured.
    function invariant_slashedWithinCaptured() public view {
        for (uint256 k; k < handler.requestCount(); k++) {
            Slashing.SlashRequest memory req = s.request(handler.requestIds(k));
            assertLe(s.slashedForCapture(req.operator, req.spnId, req.epoch), req.capturedPower, "<= captured");
            assertLe(req.slashed, req.amount);
        }
    }

    /// I5: no withdrawal completed before its delay.
    function invariant_noEarlyWithdrawal() public view {
        assertFalse(handler.earlyWithdrawal(), "withdrawal before delay");
    }

    /// I6: the certificate rate moves only through reports.
    function invariant_rateOnlyThroughReports() public view {
        assertFalse(handler.rateMovedOutsideReports(), "rate moved outside a report");
    }

    /// I7: headers are monotonic and hash-chained.
    function invariant_headersChained() public view {
        assertFalse(handler.epochWentBack());
        (,,, address setsAddress) = handler.system();
        ValidatorSetsView v = ValidatorSetsView(setsAddress);
        uint64 latest = v.latestEpoch(SPN);
        for (uint64 e = 1; e <= latest; e++) {
            ValidatorSetHeader memory h = v.header(SPN, e);
            assertEq(h.epoch, e);
            assertEq(h.parentHash, e == 1 ? bytes32(0) : v.headerHash(SPN, e - 1), "hash chain");
            assertEq(keccak256(abi.encode(h)), v.headerHash(SPN, e));
            assertEq(h.quorum, 2 * h.totalPower / 3 + 1);
        }
    }

    /// I8: each piece of evidence opens at most one request.
    function invariant_evidenceUsedOnce() public view {
        assertFalse(handler.evidenceReused(), "evidence reused");
        for (uint256 k; k < handler.requestCount(); k++) {
            assertTrue(s.offenceReported(s.request(handler.requestIds(k)).offenceKey));
        }
    }

    /// I9: the slash meter holds: no slash starts once a period reached its cap.
    function invariant_throttleHolds() public view {
        assertFalse(handler.throttleBroken(), "throttle broken");
    }
}

interface ValidatorSetsView {
    function latestEpoch(uint32) external view returns (uint64);
    function header(uint32, uint64) external view returns (ValidatorSetHeader memory);
    function headerHash(uint32, uint64) external view returns (bytes32);
}
