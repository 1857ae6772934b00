// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BridgeLedger} from "../src/bridge/BridgeLedger.sol";
import {HubBridge} from "../src/bridge/HubBridge.sol";
import {EscapeHatch} from "../src/escape/EscapeHatch.sol";
import {SPNAdapter} from "../src/SPNAdapter.sol";
import {Checkpoint} from "../src/libraries/CheckpointLib.sol";
import {BridgeTestBase} from "./helpers/BridgeBase.sol";
import {TestMerkle} from "./helpers/TestMerkle.sol";
import {Vm} from "spnkit-test/Vm.sol";
import {StoreTree} from "./helpers/StoreTree.sol";

contract EscapeHatchTest is BridgeTestBase {
    using StoreTree for StoreTree.Tree;

    address internal alice = makeAddr("alice");
    bytes32 internal nextStateRoot;

    receive() external payable {}

    function setUp() public {
        setUpBridges();
        vm.deal(alice, 100 ether);
    }

    function _spnStateRoot() internal view override returns (bytes32) {
        return nextStateRoot != 0 ? nextStateRoot : keccak256(abi.encode("spn-state", spn1Height));
    }

    function _balanceKey(address token_, address user) internal view returns (bytes32) {
        return BridgeLedger.storeKey(address(spoke), BridgeLedger.balanceSlot(token_, user));
    }

    /// A user whose balance key lands in a free slot of the single-node test tree.
    function _user(StoreTree.Tree memory t, string memory label) internal returns (address u) {
        for (uint256 i;; ++i) {
            u = makeAddr(string.concat(label, vm.toString(i)));
            if (t.canInsert(_balanceKey(address(0), u))) return u;
        }
    }

    function _deposit(address to, uint256 amount) internal {
        vm.prank(alice);
        hubBridge.deposit{value: amount}(SPN1, address(0), to, amount);
    }

    /// Deposits and relays, then checkpoints a real store root holding the users' ledger balances.
    function _fundAndCheckpoint(StoreTree.Tree memory t, address[] memory users, uint256[] memory amounts) internal {
        for (uint256 i; i < users.length; ++i) {
            _deposit(users[i], amounts[i]);
        }
        _pump();
        for (uint256 i; i < users.length; ++i) {
            assertEq(spoke.balanceOf(address(0), users[i]), amounts[i]);
            t.insert(_balanceKey(address(0), users[i]), abi.encode(amounts[i]));
        }
        nextStateRoot = t.root();
        spn1Height += 10;
        _submitSPN(spn1Id, spn1Height, nextStateRoot, spnMailbox.root());
    }

    function _freezeStale() internal {
        vm.warp(block.timestamp + ESCAPE_WINDOW + 1);
        hatch.freezeForStaleCheckpoints(spn1Id);
    }

    // ───────────────────────────── forced requests ─────────────────────────────

    function test_forcedRequest_servedBySPN() public {
        _deposit(alice, 5 ether);
        _pump();
        vm.prank(alice);
        uint256 id = hatch.requestForcedWithdrawal{value: FEE}(spn1Id, address(0), 3 ether);
        assertEq(hatch.openRequests(spn1Id), 1);
        uint256 before = alice.balance;
        _pump();
        assertEq(alice.balance, before + 3 ether, "forced withdrawal paid out");
        assertEq(spoke.balanceOf(address(0), alice), 2 ether);
        assertEq(hatch.openRequests(spn1Id), 0);
        (, uint8 state,,,,) = hatch.requests(id);
        assertEq(state, 2);
        assertEq(hatch.feesOwed(address(this)), FEE, "fee goes to the SPN owner");
        vm.warp(block.timestamp + ESCAPE_WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.RequestNotOpen.selector, id, uint8(2)));
        hatch.freezeForMissedRequest(id);
    }

    function test_forcedRequest_worksWhileBridgePaused() public {
        _deposit(alice, 1 ether);
        _pump();
        spoke.pause();
        hubBridge.pause();
        vm.prank(alice);
        hatch.requestForcedWithdrawal{value: FEE}(spn1Id, address(0), 1 ether);
        uint256 before = alice.balance;
        _pump();
        assertEq(alice.balance, before + 1 ether);
    }

    function test_forcedRequest_reverts() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.WrongFee.selector, 0, FEE));
        hatch.requestForcedWithdrawal(spn1Id, address(0), 1);
        vm.expectRevert(EscapeHatch.ZeroAmount.selector);
        hatch.requestForcedWithdrawal{value: FEE}(spn1Id, address(0), 0);
        vm.stopPrank();
        manager.freeze(spn2Id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.NotActive.selector, spn2Id, uint8(3)));
        hatch.requestForcedWithdrawal{value: FEE}(spn2Id, address(0), 1);
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.NotBridge.selector, address(this)));
        hatch.markServed(SPN1, 1);
    }

    function test_attack_forcedRequestSpamIsCappedAndPriced() public {
        vm.startPrank(alice);
        for (uint256 i; i < 4; ++i) {
            hatch.requestForcedWithdrawal{value: FEE}(spn1Id, address(0), 1);
        }
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.TooManyOpenRequests.selector, spn1Id, uint32(4)));
        hatch.requestForcedWithdrawal{value: FEE}(spn1Id, address(0), 1);
        vm.stopPrank();
        _pump();
        assertEq(hatch.openRequests(spn1Id), 0, "served requests free the slots");
        assertEq(hatch.feesOwed(address(this)), 4 * FEE);
        hatch.withdrawFees();
        vm.expectRevert(EscapeHatch.NothingOwed.selector);
        hatch.withdrawFees();
    }

    function test_missedDeadline_freezes_andFrozenSPNAcceptsNoCheckpoints() public {
        vm.prank(alice);
        uint256 id = hatch.requestForcedWithdrawal{value: FEE}(spn1Id, address(0), 1 ether);
        (,, uint64 deadline,,,) = hatch.requests(id);
        // Freeze griefing: not before the deadline.
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.DeadlineNotPassed.selector, id, deadline));
        hatch.freezeForMissedRequest(id);
        vm.warp(uint256(deadline) + 1);
        vm.prank(makeAddr("anyone"));
        hatch.freezeForMissedRequest(id);
        assertEq(registry.status(spn1Id), 3);
        Checkpoint memory cp = Checkpoint(spn1Id, 1, 999, bytes32(uint256(1)), bytes32(uint256(2)));
        bytes memory sigs = _sign(valKeys, 11, _spnDigest(cp));
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.SPNNotActive.selector, spn1Id, uint8(3)));
        adapter.submitCheckpoint(cp, vals, powers, sigs);
        // The unserved request's fee goes back to its user.
        hatch.refundFee(id);
        assertEq(hatch.feesOwed(alice), FEE);
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.RequestNotOpen.selector, id, uint8(3)));
        hatch.refundFee(id);
    }

    function test_forcedResultAfterFeeRefund_stillPaysUser() public {
        _deposit(alice, 2 ether);
        _pump();
        vm.prank(alice);
        uint256 id = hatch.requestForcedWithdrawal{value: FEE}(spn1Id, address(0), 2 ether);
        // Deliver the request to the SPN and let it answer, but hold the answer back from mainnet.
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bytes memory request;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(hub) && logs[i].topics[0] == DISPATCH_TOPIC) {
                (, request) = abi.decode(logs[i].data, (uint32, bytes));
                hubLeaves.push(keccak256(request));
            }
        }
        uint64 h = _checkpointHub();
        spnMailbox.process(TestMerkle.metadata(h, hubLeaves, hubLeaves.length - 1), request);
        logs = vm.getRecordedLogs();
        bytes memory answer;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(spnMailbox) && logs[i].topics[0] == DISPATCH_TOPIC) {
                (, answer) = abi.decode(logs[i].data, (uint32, bytes));
                spn1Leaves.push(keccak256(answer));
            }
        }
        spn1Height += 10;
        _submitSPN(spn1Id, spn1Height, bytes32(uint256(5)), spnMailbox.root());
        manager.freeze(spn1Id);
        hatch.refundFee(id);
        uint256 before = alice.balance;
        hub.process(TestMerkle.metadata(spn1Height, spn1Leaves, spn1Leaves.length - 1), answer);
        assertEq(alice.balance, before + 2 ether, "burned on the SPN, so released on mainnet");
        (, uint8 state,,,,) = hatch.requests(id);
        assertEq(state, 3, "stays fee-refunded");
    }

    function test_attack_freezeGriefingAgainstLiveSPN() public {
        _submitSPN(spn1Id, 10, bytes32(uint256(1)), bytes32(uint256(2)));
        vm.warp(block.timestamp + ESCAPE_WINDOW);
        vm.expectRevert();
        hatch.freezeForStaleCheckpoints(spn1Id);
        _submitSPN(spn1Id, 20, bytes32(uint256(3)), bytes32(uint256(4)));
        vm.warp(block.timestamp + ESCAPE_WINDOW);
        vm.expectRevert();
        hatch.freezeForStaleCheckpoints(spn1Id);
        assertEq(registry.status(spn1Id), 2, "a live SPN cannot be frozen");
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.RequestNotOpen.selector, 42, uint8(0)));
        hatch.freezeForMissedRequest(42);
        vm.warp(block.timestamp + 1);
        hatch.freezeForStaleCheckpoints(spn1Id);
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.NotActive.selector, spn1Id, uint8(3)));
        hatch.freezeForStaleCheckpoints(spn1Id);
    }

    // ───────────────────────────── escape claims ─────────────────────────────

    function test_escapeWithdraw_withRealStateProof() public {
        StoreTree.Tree memory t;
        address[] memory users = new address[](2);
        users[0] = _user(t, "u");
        t.insert(_balanceKey(address(0), users[0]), hex"01"); // reserve the slot while picking the next user
        users[1] = _user(t, "v");
        delete t;
        uint256[] memory amounts = new uint256[](2);
        amounts[0] = 3 ether;
        amounts[1] = 4 ether;
        _fundAndCheckpoint(t, users, amounts);
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.NotFrozen.selector, spn1Id, uint8(2)));
        hatch.escapeWithdraw(spn1Id, address(0), users[0], 3 ether, t.proof(_balanceKey(address(0), users[0])));
        _freezeStale();

        bytes memory proof0 = t.proof(_balanceKey(address(0), users[0]));
        // Wrong amount: the proof does not verify.
        vm.expectRevert(
            abi.encodeWithSelector(EscapeHatch.InvalidStateProof.selector, spn1Id, _balanceKey(address(0), users[0]))
        );
        hatch.escapeWithdraw(spn1Id, address(0), users[0], 30 ether, proof0);
        // Proof for another user's leaf does not pay this user.
        vm.expectRevert(
            abi.encodeWithSelector(EscapeHatch.InvalidStateProof.selector, spn1Id, _balanceKey(address(0), users[1]))
        );
        hatch.escapeWithdraw(spn1Id, address(0), users[1], 3 ether, proof0);
        // Anyone submits; only the owner of the balance is paid.
        vm.prank(makeAddr("helper"));
        hatch.escapeWithdraw(spn1Id, address(0), users[0], 3 ether, proof0);
        assertEq(users[0].balance, 3 ether);
        // Double escape claim.
        vm.expectRevert(
            abi.encodeWithSelector(EscapeHatch.AlreadyClaimed.selector, spn1Id, _balanceKey(address(0), users[0]))
        );
        hatch.escapeWithdraw(spn1Id, address(0), users[0], 3 ether, proof0);
        hatch.escapeWithdraw(spn1Id, address(0), users[1], 4 ether, t.proof(_balanceKey(address(0), users[1])));
        assertEq(users[1].balance, 4 ether);
        assertEq(hubBridge.locked(SPN1, address(0)), 0);
    }

    function test_escapeWithdraw_inflatedRootBoundedByLocked() public {
        StoreTree.Tree memory t;
        address u = _user(t, "u");
        _deposit(u, 1 ether);
        _pump();
        t.insert(_balanceKey(address(0), u), abi.encode(uint256(50 ether)));
        nextStateRoot = t.root();
        spn1Height += 10;
        _submitSPN(spn1Id, spn1Height, nextStateRoot, spnMailbox.root());
        // SPN2 has its own locked funds that SPN1's claims must never touch.
        vm.prank(alice);
        hubBridge.deposit{value: 10 ether}(SPN2, address(0), alice, 10 ether);
        _freezeStale();
        bytes memory proof = t.proof(_balanceKey(address(0), u));
        vm.expectRevert(
            abi.encodeWithSelector(HubBridge.InsufficientLocked.selector, SPN1, address(0), 50 ether, 1 ether)
        );
        hatch.escapeWithdraw(spn1Id, address(0), u, 50 ether, proof);
        assertEq(hubBridge.locked(SPN2, address(0)), 10 ether);
    }

    function test_escapeWithdraw_needsFinalizedState() public {
        manager.freeze(spn1Id);
        vm.expectRevert(abi.encodeWithSelector(EscapeHatch.NoFinalizedState.selector, spn1Id));
        hatch.escapeWithdraw(spn1Id, address(0), alice, 1, "");
        vm.expectRevert(EscapeHatch.ZeroAmount.selector);
        hatch.escapeWithdraw(spn1Id, address(0), alice, 0, "");
    }

    // ───────────────────────────── deposit reclaim ─────────────────────────────

    function test_reclaimDeposit_neverCredited() public {
        StoreTree.Tree memory t;
        address u = _user(t, "u");
        _deposit(u, 1 ether);
        _pump(); // credited (nonce 1)
        t.insert(_balanceKey(address(0), u), abi.encode(uint256(1 ether)));
        bytes32 credited1 = BridgeLedger.storeKey(address(spoke), BridgeLedger.creditedSlot(1));
        if (t.canInsert(credited1)) t.insert(credited1, abi.encode(uint256(1)));
        // Deposit 2 is dispatched but the SPN never imports it before freezing.
        vm.prank(alice);
        uint256 nonce = hubBridge.deposit{value: 2 ether}(SPN1, address(0), alice, 2 ether);
        vm.getRecordedLogs(); // the relayer never delivers it
        bytes32 credited2 = BridgeLedger.storeKey(address(spoke), BridgeLedger.creditedSlot(nonce));
        vm.assume(t.canInsert(credited2));
        nextStateRoot = t.root();
        spn1Height += 10;
        _submitSPN(spn1Id, spn1Height, nextStateRoot, spnMailbox.root());
        _freezeStale();
        bytes memory absence = t.proof(credited2);
        // Wrong details do not match the recorded deposit.
        vm.expectRevert(abi.encodeWithSelector(HubBridge.UnknownDeposit.selector, nonce));
        hatch.reclaimDeposit(spn1Id, nonce, address(0), alice, 3 ether, absence);
        uint256 before = alice.balance;
        hatch.reclaimDeposit(spn1Id, nonce, address(0), alice, 2 ether, absence);
        assertEq(alice.balance, before + 2 ether);
        vm.expectRevert(abi.encodeWithSelector(HubBridge.UnknownDeposit.selector, nonce));
        hatch.reclaimDeposit(spn1Id, nonce, address(0), alice, 2 ether, absence);
        // A credited deposit cannot be reclaimed (its flag is present, so no absence proof exists).
        if (!t.canInsert(credited1)) {
            vm.expectRevert();
            hatch.reclaimDeposit(spn1Id, 1, address(0), alice, 1 ether, t.proof(credited1));
        }
    }

    function test_reclaimDeposit_withoutAnyCheckpoint() public {
        _deposit(alice, 1 ether);
        manager.freeze(spn1Id);
        uint256 before = alice.balance;
        hatch.reclaimDeposit(spn1Id, 1, address(0), alice, 1 ether, "");
        assertEq(alice.balance, before + 1 ether);
    }

    // ───────────────────────────── gas ─────────────────────────────

    function test_gas_escapeWithdraw() public {
        StoreTree.Tree memory t;
        address[] memory users = new address[](1);
        users[0] = _user(t, "u");
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = 1 ether;
        _fundAndCheckpoint(t, users, amounts);
        _freezeStale();
        bytes memory proof = t.proof(_balanceKey(address(0), users[0]));
        hatch.escapeWithdraw(spn1Id, address(0), users[0], 1 ether, proof);
        vm.snapshotGasLastCall("escape_withdraw");
    }
}
