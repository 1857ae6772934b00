// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RestakingBase} from "../utils/RestakingBase.sol";
import {Restaking} from "../../src/Restaking.sol";
import {StakingCertificate} from "../../src/StakingCertificate.sol";
import {UsdPriceOracle} from "../../src/UsdPriceOracle.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract RestakingTest is RestakingBase {
    address internal alice = makeAddr("alice");

    // ---- constructor and admin ----------------------------------------------------------------

    function test_constructor_rejectsBadDelays() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                Restaking.InvalidConfig.selector, "deallocationDelay must exceed evidenceWindow + vetoPeriod"
            )
        );
        new Restaking(owner, cert, oracle, 4 days, 1 days, 5 days, 7 days);
        vm.expectRevert(
            abi.encodeWithSelector(Restaking.InvalidConfig.selector, "withdrawalDelay must be >= deallocationDelay")
        );
        new Restaking(owner, cert, oracle, 4 days, 1 days, 6 days, 5 days);
        vm.expectRevert(
            abi.encodeWithSelector(Restaking.InvalidConfig.selector, "evidence window and veto period must be > 0")
        );
        new Restaking(owner, cert, oracle, 0, 1 days, 6 days, 7 days);
        vm.expectRevert(abi.encodeWithSelector(Restaking.ZeroAddress.selector, "certificate"));
        new Restaking(owner, StakingCertificate(address(0)), oracle, 4 days, 1 days, 6 days, 7 days);
        vm.expectRevert(abi.encodeWithSelector(Restaking.ZeroAddress.selector, "priceOracle"));
        new Restaking(owner, cert, UsdPriceOracle(address(0)), 4 days, 1 days, 6 days, 7 days);
    }

    function test_setSlasher_onceOnlyByOwner() public {
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Restaking.SlasherAlreadySet.selector, address(slashing)));
        restaking.setSlasher(alice);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        restaking.setSlasher(alice);
    }

    function test_createSpn_validatesConfig() public {
        Restaking.Spn memory c = _spnConfig(77);
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(Restaking.SpnExists.selector, SPN));
        restaking.createSpn(SPN, c);
        vm.expectRevert(abi.encodeWithSelector(Restaking.ChainIdTaken.selector, CHAIN, SPN));
        restaking.createSpn(9, _spnConfig(CHAIN));
        vm.expectRevert(abi.encodeWithSelector(Restaking.InvalidConfig.selector, "spnId 0 is reserved"));
        restaking.createSpn(0, c);
        c.slashBps = 0;
        vm.expectRevert(abi.encodeWithSelector(Restaking.InvalidConfig.selector, "slashBps must be in (0, 10000]"));
        restaking.createSpn(9, c);
        c = _spnConfig(77);
        c.maxValidators = 513;
        vm.expectRevert(abi.encodeWithSelector(Restaking.InvalidConfig.selector, "maxValidators must be in [1, 512]"));
        restaking.createSpn(9, c);
        c = _spnConfig(77);
        c.epochDuration = EVIDENCE_WINDOW;
        vm.expectRevert(
            abi.encodeWithSelector(Restaking.InvalidConfig.selector, "epochDuration must be in (0, evidenceWindow / 2]")
        );
        restaking.createSpn(9, c);
        c = _spnConfig(77);
        c.vetoer = address(0);
        vm.expectRevert(abi.encodeWithSelector(Restaking.ZeroAddress.selector, "vetoer"));
        restaking.createSpn(9, c);
        c = _spnConfig(0);
        vm.expectRevert(abi.encodeWithSelector(Restaking.InvalidConfig.selector, "chainId must be > 0"));
        restaking.createSpn(9, c);
        restaking.createSpn(9, _spnConfig(77));
        vm.stopPrank();
        assertEq(restaking.spnIdOfChain(77), 9);
        assertTrue(restaking.spn(9).exists);
    }

    function test_updateSpn() public {
        Restaking.Spn memory c = _spnConfig(CHAIN);
        c.slashBps = 500;
        vm.prank(owner);
        restaking.updateSpn(SPN, c);
        assertEq(restaking.spn(SPN).slashBps, 500);
        c.chainId = 5;
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Restaking.InvalidConfig.selector, "chainId cannot change"));
        restaking.updateSpn(SPN, c);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Restaking.UnknownSpn.selector, 42));
        restaking.updateSpn(42, c);
    }

    // ---- operators ----------------------------------------------------------------------------

    function test_registerOperator_bindsKeyWithProof() public {
        address op = _operator("op", 0);
        Restaking.Operator memory o = restaking.operator(op);
        assertTrue(o.registered);
        assertEq(o.maxMagnitude, WAD);
        assertEq(restaking.operatorOfKey(o.consensusKey), op);
    }

    function test_registerOperator_reverts() public {
        address op = _operator("op", 0);
        (address key, uint256 pk) = makeAddrAndKey("other.key");
        bytes memory proof = _keyProof(pk, op);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(Restaking.OperatorAlreadyRegistered.selector, op));
        restaking.registerOperator(key, proof);
        // Someone else's key proof does not verify for alice.
        vm.prank(alice);
        vm.expectRevert();
        restaking.registerOperator(key, proof);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Restaking.ZeroAddress.selector, "consensusKey"));
        restaking.registerOperator(address(0), proof);
        address opKey = restaking.operator(op).consensusKey;
        bytes memory aliceProof = _keyProof(keyOf[op], alice);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Restaking.KeyAlreadyBound.selector, opKey, op));
        restaking.registerOperator(opKey, aliceProof);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Restaking.BadKeyProof.selector, key, address(0)));
        restaking.registerOperator(key, hex"00");
    }

    function test_rotateConsensusKey_keepsOldKeyBound() public {
        address op = _operator("op", 0);
        address oldKey = restaking.operator(op).consensusKey;
        (address newKey, uint256 pk) = makeAddrAndKey("op.newkey");
        bytes memory proof = _keyProof(pk, op);
        vm.prank(op);
        restaking.rotateConsensusKey(newKey, proof);
        assertEq(restaking.operator(op).consensusKey, newKey);
        assertEq(restaking.operatorOfKey(oldKey), op, "old key still maps to the operator");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Restaking.NotOperator.selector, alice));
        restaking.rotateConsensusKey(newKey, proof);
    }

    // ---- delegation ---------------------------------------------------------------------------

    function test_delegate_mintsPoolSharesAndCheckpoints() public {
        address op = _operator("op", 0);
        uint256 certShares = _stake(alice, 10 ether);
        vm.startPrank(alice);
        cert.approve(address(restaking), certShares);
        uint256 poolShares = restaking.delegate(op, certShares);
        vm.stopPrank();
        assertEq(poolShares, certShares * 1000, "pool virtual offset");
        assertEq(restaking.delegatedTo(alice), op);
        assertEq(restaking.withdrawableAssets(alice), certShares);
        assertEq(restaking.totalPooledAssets(), certShares);
        assertEq(restaking.operatorStakeAt(op, block.number), certShares);
        assertEq(restaking.operatorStakeAt(op, block.number - 1), 0);
    }

    function test_delegate_reverts() public {
        address op = _operator("op", 1 ether);
        address op2 = _operator("op2", 1 ether);
        vm.expectRevert(Restaking.ZeroAmount.selector);
        restaking.delegate(op, 0);
        vm.expectRevert(abi.encodeWithSelector(Restaking.NotOperator.selector, alice));
        restaking.delegate(alice, 1);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(Restaking.DelegatedElsewhere.selector, op, op));
        restaking.delegate(op2, 1);
    }

    // ---- withdrawals --------------------------------------------------------------------------

    function test_withdrawal_queueAndCompleteAfterDelay() public {
        address op = _operator("op", 1 ether);
        uint256 shares = _delegate(alice, op, 10 ether);
        vm.prank(alice);
        uint256 id = restaking.queueWithdrawal(shares);
        assertEq(restaking.delegatedTo(alice), address(0), "fully undelegated");
        assertEq(restaking.operator(op).queuedShares, shares);
        vm.warp(block.timestamp + WITHDRAW_DELAY - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Restaking.WithdrawalDelayNotPassed.selector, id, block.timestamp + 1));
        restaking.completeWithdrawal(id);
        vm.warp(block.timestamp + 1);
        vm.prank(alice);
        uint256 assets = restaking.completeWithdrawal(id);
        assertEq(assets, 10 ether * 1000);
        assertEq(cert.balanceOf(alice), assets);
        assertTrue(restaking.withdrawal(id).completed);
        assertEq(restaking.withdrawalCount(), 1);
    }

    function test_withdrawal_reverts() public {
        address op = _operator("op", 1 ether);
        uint256 shares = _delegate(alice, op, 10 ether);
        vm.startPrank(alice);
        vm.expectRevert(Restaking.ZeroAmount.selector);
        restaking.queueWithdrawal(0);
        vm.expectRevert(abi.encodeWithSelector(Restaking.InsufficientShares.selector, shares + 1, shares));
        restaking.queueWithdrawal(shares + 1);
        uint256 id = restaking.queueWithdrawal(shares / 2);
        vm.expectRevert(abi.encodeWithSelector(Restaking.UnknownWithdrawal.selector, id + 1));
        restaking.completeWithdrawal(id + 1);
        vm.stopPrank();
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(Restaking.NotWithdrawalStaker.selector, id, op));
        restaking.completeWithdrawal(id);
        vm.warp(block.timestamp + WITHDRAW_DELAY);
        vm.startPrank(alice);
        restaking.completeWithdrawal(id);
        vm.expectRevert(abi.encodeWithSelector(Restaking.WithdrawalAlreadyCompleted.selector, id));
        restaking.completeWithdrawal(id);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(Restaking.UnknownWithdrawal.selector, 99));
        restaking.withdrawal(99);
    }

    // ---- SPN registration ---------------------------------------------------------------------

    function test_registerForSpn_andDeregister() public {
        address op = _operator("op", 10 ether);
        vm.prank(op);
        restaking.registerForSpn(SPN);
        assertEq(restaking.spnOperators(SPN).length, 1);
        assertTrue(restaking.allocation(op, SPN).registered);
        vm.prank(op);
        restaking.deregisterFromSpn(SPN);
        assertEq(restaking.spnOperators(SPN).length, 0);
        assertEq(restaking.allocation(op, SPN).slashableUntil, block.timestamp + DEALLOC_DELAY);
        vm.prank(op);
        vm.expectRevert(
            abi.encodeWithSelector(Restaking.StillSlashable.selector, op, SPN, block.timestamp + DEALLOC_DELAY)
        );
        restaking.registerForSpn(SPN);
        vm.warp(block.timestamp + DEALLOC_DELAY);
        feed.setAnswer(2000e8);
        vm.prank(op);
        restaking.registerForSpn(SPN);
    }

    function test_registerForSpn_reverts() public {
        address op = _operator("op", 10 ether);
        address poor = _operator("poor", 0.1 ether); // $200 < $1000 minimum
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Restaking.NotOperator.selector, alice));
        restaking.registerForSpn(SPN);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(Restaking.UnknownSpn.selector, 42));
        restaking.registerForSpn(42);
        vm.prank(poor);
        vm.expectRevert(abi.encodeWithSelector(Restaking.BelowMinimumStake.selector, poor, SPN, 200e18, 1000e18));
        restaking.registerForSpn(SPN);
        vm.startPrank(op);
        restaking.registerForSpn(SPN);
        vm.expectRevert(abi.encodeWithSelector(Restaking.AlreadyRegisteredForSpn.selector, op, SPN));
        restaking.registerForSpn(SPN);
        vm.stopPrank();
        Restaking.Spn memory c = _spnConfig(CHAIN2);
        c.active = false;
        vm.prank(owner);
        restaking.updateSpn(SPN2, c);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(Restaking.SpnInactive.selector, SPN2));
        restaking.registerForSpn(SPN2);
    }

    function test_deregisterFromSpn_reverts() public {
        address op = _operator("op", 10 ether);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(Restaking.NotRegisteredForSpn.selector, op, SPN));
        restaking.deregisterFromSpn(SPN);
        _join(op, SPN, WAD / 2);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(Restaking.AllocationStillActive.selector, op, SPN, WAD / 2));
        restaking.deregisterFromSpn(SPN);
    }

    function test_deregister_swapsListEntries() public {
        address a = _operator("a", 10 ether);
        address b = _operator("b", 10 ether);
        address c = _operator("c", 10 ether);
        _join(a, SPN, 1);
        _join(b, SPN, 1);
        _join(c, SPN, 1);
        vm.startPrank(a);
        restaking.deallocate(SPN, 1);
        restaking.deregisterFromSpn(SPN);
        vm.stopPrank();
        address[] memory list = restaking.spnOperators(SPN);
        assertEq(list.length, 2);
        assertEq(list[0], c);
        assertEq(list[1], b);
        vm.startPrank(c);
        restaking.deallocate(SPN, 1);
        restaking.deregisterFromSpn(SPN);
        vm.stopPrank();
        assertEq(restaking.spnOperators(SPN)[0], b);
    }

    // ---- allocation ---------------------------------------------------------------------------

    function test_allocate_splitsStakeAcrossSpns() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD / 4);
        _join(op, SPN2, WAD / 2);
        uint256 pool = restaking.activeAssets(op);
        assertEq(restaking.allocatedStake(op, SPN), pool / 4);
        assertEq(restaking.allocatedStake(op, SPN2), pool / 2);
        assertEq(restaking.operator(op).encumbered, WAD * 3 / 4);
        assertEq(restaking.slashableStake(op, SPN), pool / 4);
    }

    function test_allocate_reverts() public {
        address op = _operator("op", 10 ether);
        vm.startPrank(op);
        vm.expectRevert(Restaking.ZeroAmount.selector);
        restaking.allocate(SPN, 0);
        vm.expectRevert(abi.encodeWithSelector(Restaking.NotRegisteredForSpn.selector, op, SPN));
        restaking.allocate(SPN, 1);
        restaking.registerForSpn(SPN);
        restaking.allocate(SPN, WAD);
        vm.expectRevert(abi.encodeWithSelector(Restaking.OverAllocation.selector, 1, 0));
        restaking.allocate(SPN, 1);
        vm.stopPrank();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Restaking.NotOperator.selector, alice));
        restaking.allocate(SPN, 1);
    }

    function test_deallocate_staysSlashableUntilCleared() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD);
        uint256 pool = restaking.activeAssets(op);
        vm.prank(op);
        restaking.deallocate(SPN, WAD / 2);
        assertEq(restaking.allocatedStake(op, SPN), pool / 2, "power drops at once");
        assertEq(restaking.slashableStake(op, SPN), pool, "slashable until cleared");
        vm.expectRevert(
            abi.encodeWithSelector(Restaking.DeallocationNotReady.selector, block.timestamp + DEALLOC_DELAY)
        );
        restaking.clearDeallocation(op, SPN);
        vm.warp(block.timestamp + DEALLOC_DELAY);
        restaking.clearDeallocation(op, SPN);
        assertEq(restaking.slashableStake(op, SPN), pool / 2);
        assertEq(restaking.operator(op).encumbered, WAD / 2);
        vm.expectRevert(abi.encodeWithSelector(Restaking.NoPendingDeallocation.selector, op, SPN));
        restaking.clearDeallocation(op, SPN);
    }

    function test_deallocate_reverts() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, 100);
        vm.startPrank(op);
        vm.expectRevert(Restaking.ZeroAmount.selector);
        restaking.deallocate(SPN, 0);
        vm.expectRevert(abi.encodeWithSelector(Restaking.OverDeallocation.selector, 101, 100));
        restaking.deallocate(SPN, 101);
        restaking.deallocate(SPN, 60);
        vm.expectRevert(abi.encodeWithSelector(Restaking.OverDeallocation.selector, 41, 40));
        restaking.deallocate(SPN, 41);
        vm.stopPrank();
    }

    // ---- slasher hooks ------------------------------------------------------------------------

    function test_slasherHooks_onlySlasher() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(Restaking.NotSlasher.selector, alice));
        restaking.onSlashRequested(alice, SPN);
        vm.expectRevert(abi.encodeWithSelector(Restaking.NotSlasher.selector, alice));
        restaking.onSlashVetoed(alice, SPN);
        vm.expectRevert(abi.encodeWithSelector(Restaking.NotSlasher.selector, alice));
        restaking.executeSlash(alice, SPN, 1, alice, 0, address(0));
        vm.stopPrank();
    }

    function test_executeSlash_roundsMagnitudeUpAndKeepsOtherSpnsWhole() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD / 2);
        _join(op, SPN2, WAD / 2);
        uint256 before2 = restaking.allocatedStake(op, SPN2);
        vm.startPrank(address(slashing));
        restaking.onSlashRequested(op, SPN);
        uint256 removed = restaking.executeSlash(op, SPN, 1 ether * 1000 + 7, whistleblower, 1000, treasury);
        vm.stopPrank();
        assertEq(removed, 1 ether * 1000 + 7);
        assertGe(restaking.allocatedStake(op, SPN2), before2, "unique stake: SPN2 untouched");
        assertEq(cert.balanceOf(whistleblower), removed / 10);
        assertEq(cert.balanceOf(treasury), removed - removed / 10);
        assertTrue(restaking.allocation(op, SPN).jailed);
        assertEq(restaking.operator(op).pendingSlashes, 0);
    }

    function test_executeSlash_nothingAllocatedSlashesNothing() public {
        address op = _operator("op", 10 ether);
        vm.startPrank(address(slashing));
        restaking.onSlashRequested(op, SPN);
        assertEq(restaking.executeSlash(op, SPN, 1 ether, whistleblower, 1000, address(0)), 0);
        vm.stopPrank();
        _join(op, SPN2, WAD);
        vm.startPrank(address(slashing));
        restaking.onSlashRequested(op, SPN2);
        assertEq(restaking.executeSlash(op, SPN2, 0, whistleblower, 1000, address(0)), 0, "zero cap");
        vm.stopPrank();
    }

    function test_jailed_cannotAllocateOrRejoin() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD / 2);
        vm.startPrank(address(slashing));
        restaking.onSlashRequested(op, SPN);
        restaking.executeSlash(op, SPN, 1, whistleblower, 0, address(0));
        vm.stopPrank();
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(Restaking.Jailed.selector, op, SPN));
        restaking.allocate(SPN, 1);
    }

    function test_pendingSlash_blocksDelegationAndDeallocationClear() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD);
        vm.prank(op);
        restaking.deallocate(SPN, WAD / 2);
        vm.prank(address(slashing));
        restaking.onSlashRequested(op, SPN);
        uint256 certShares = _stake(alice, 1 ether);
        vm.startPrank(alice);
        cert.approve(address(restaking), certShares);
        vm.expectRevert(abi.encodeWithSelector(Restaking.OperatorSlashPending.selector, op, 1));
        restaking.delegate(op, certShares);
        vm.stopPrank();
        vm.warp(block.timestamp + DEALLOC_DELAY);
        vm.expectRevert(abi.encodeWithSelector(Restaking.OperatorSlashPending.selector, op, 1));
        restaking.clearDeallocation(op, SPN);
        vm.prank(address(slashing));
        restaking.onSlashVetoed(op, SPN);
        restaking.clearDeallocation(op, SPN);
    }

    function test_delegate_revertsWhenFullySlashed() public {
        address op = _operator("op", 10 ether);
        _join(op, SPN, WAD);
        vm.startPrank(address(slashing));
        restaking.onSlashRequested(op, SPN);
        restaking.executeSlash(op, SPN, type(uint256).max, whistleblower, 0, address(0));
        vm.stopPrank();
        assertEq(restaking.operator(op).maxMagnitude, 0);
        assertEq(restaking.allocatedStake(op, SPN), 0, "no division by zero");
        assertEq(restaking.slashableStake(op, SPN), 0);
        uint256 certShares = _stake(alice, 1 ether);
        vm.startPrank(alice);
        cert.approve(address(restaking), certShares);
        vm.expectRevert(abi.encodeWithSelector(Restaking.OperatorFullySlashed.selector, op));
        restaking.delegate(op, certShares);
        vm.stopPrank();
    }

    function test_spnCandidates_skipsJailedPendingAndZeroPower() public {
        address a = _operator("a", 10 ether);
        address b = _operator("b", 10 ether);
        address c = _operator("c", 10 ether);
        _join(a, SPN, WAD);
        _join(b, SPN, WAD);
        vm.prank(c);
        restaking.registerForSpn(SPN); // registered, nothing allocated
        vm.prank(address(slashing));
        restaking.onSlashRequested(b, SPN);
        (address[] memory keys, uint256[] memory powers) = restaking.spnCandidates(SPN);
        assertEq(keys.length, 1);
        assertEq(keys[0], restaking.operator(a).consensusKey);
        assertEq(powers[0], restaking.allocatedStake(a, SPN));
    }

    // ---- fuzz: pool and allocation math -------------------------------------------------------

    /// Slashing one SPN never lowers another SPN's allocated or slashable stake (unique stake),
    /// never removes more than asked or than is slashable, and keeps encumbered <= max.
    function testFuzz_slashIsolatesSpns(uint96 stake, uint64 magA, uint64 magB, uint256 slashAmount) public {
        uint256 s = bound(stake, 1 ether, 1e27);
        address op = _operator("op", s);
        uint64 a = uint64(bound(magA, 1, WAD));
        uint64 b = uint64(bound(magB, 0, WAD - a));
        _join(op, SPN, a);
        if (b > 0) _join(op, SPN2, b);
        uint256 beforeB = restaking.allocatedStake(op, SPN2);
        uint256 slashableBeforeB = restaking.slashableStake(op, SPN2);
        uint256 slashableA = restaking.slashableStake(op, SPN);
        uint256 amount = bound(slashAmount, 0, slashableA * 2);
        vm.startPrank(address(slashing));
        restaking.onSlashRequested(op, SPN);
        uint256 removed = restaking.executeSlash(op, SPN, amount, whistleblower, 1000, address(0));
        vm.stopPrank();
        assertLe(removed, amount);
        assertLe(removed, slashableA);
        assertGe(restaking.allocatedStake(op, SPN2), beforeB, "other SPN power kept");
        assertGe(restaking.slashableStake(op, SPN2), slashableBeforeB, "other SPN slashable kept");
        Restaking.Operator memory o = restaking.operator(op);
        assertLe(o.encumbered, o.maxMagnitude);
    }

    /// Delegate -> queue -> complete never returns more than was delegated, for any pool state.
    function testFuzz_poolRoundTripNeverProfits(uint96 first, uint96 second, uint96 slash) public {
        address op = _operator("op", bound(first, 1 ether, 1e27));
        _join(op, SPN, WAD);
        uint256 slashAmount = bound(slash, 0, restaking.slashableStake(op, SPN));
        if (slashAmount > 0) {
            vm.startPrank(address(slashing));
            restaking.onSlashRequested(op, SPN);
            restaking.executeSlash(op, SPN, slashAmount, whistleblower, 0, address(0));
            vm.stopPrank();
        }
        vm.assume(restaking.operator(op).maxMagnitude > 0);
        uint256 amount = bound(second, 0.001 ether, 1e27);
        uint256 certIn = cert.previewStake(amount);
        uint256 shares = _delegate(alice, op, amount);
        vm.prank(alice);
        uint256 id = restaking.queueWithdrawal(shares);
        vm.warp(block.timestamp + WITHDRAW_DELAY);
        vm.prank(alice);
        assertLe(restaking.completeWithdrawal(id), certIn, "no profit from a round trip");
    }
}
