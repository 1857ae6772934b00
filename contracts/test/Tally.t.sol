// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "spnkit-test/Test.sol";
import {Tally} from "./fixtures/Tally.sol";

contract TallyTest is Test {
    Tally internal tally;
    address internal alice = makeAddr("alice");

    event Added(address indexed from, uint256 amount, uint256 total);

    function setUp() public {
        tally = new Tally();
    }

    function test_add_accumulatesPerCaller() public {
        vm.prank(alice);
        tally.add(5);
        tally.add(7);
        assertEq(tally.total(), 12, "total");
        assertEq(tally.count(), 2, "count");
        assertEq(tally.byAccount(alice), 5, "alice's share");
        assertEq(tally.byAccount(address(this)), 7, "this contract's share");
    }

    function test_add_emitsAdded() public {
        vm.expectEmit(true, false, false, true, address(tally));
        emit Added(alice, 3, 3);
        vm.prank(alice);
        tally.add(3);
    }

    function test_add_rejectsZero() public {
        vm.expectRevert(Tally.ZeroAmount.selector);
        tally.add(0);
    }

    function test_add_rejectsOverflowWithBothOperands() public {
        tally.add(type(uint128).max);
        vm.expectRevert(abi.encodeWithSelector(Tally.Overflow.selector, uint256(type(uint128).max), uint256(1)));
        tally.add(1);
    }

    function test_cheatcodes_warpAndDeal() public {
        vm.warp(1_700_000_000);
        assertEq(block.timestamp, 1_700_000_000, "warped timestamp");
        vm.deal(alice, 3 ether);
        assertEq(alice.balance, 3 ether, "dealt balance");
    }

    function testFuzz_add_sumsTwoAmounts(uint256 a, uint256 b) public {
        a = bound(a, 1, type(uint64).max);
        b = bound(b, 1, type(uint64).max);
        tally.add(a);
        vm.prank(alice);
        tally.add(b);
        assertEq(tally.total(), a + b, "total of two adds");
        assertEq(tally.byAccount(alice), b, "alice's share");
    }
}

/// Drives Tally with random callers and amounts and keeps its own ledger to compare against.
contract TallyHandler is Test {
    Tally internal immutable tally;
    uint256 public ghostTotal;
    uint256 public ghostCount;
    address[] internal actors;

    constructor(Tally tally_) {
        tally = tally_;
        actors.push(makeAddr("actor0"));
        actors.push(makeAddr("actor1"));
        actors.push(makeAddr("actor2"));
    }

    function add(uint256 actorSeed, uint256 amount) external {
        amount = bound(amount, 1, type(uint96).max);
        address actor = actors[actorSeed % actors.length];
        vm.prank(actor);
        tally.add(amount);
        ghostTotal += amount;
        ghostCount += 1;
    }

    function sumOfShares() external view returns (uint256 sum) {
        for (uint256 i = 0; i < actors.length; i++) {
            sum += tally.byAccount(actors[i]);
        }
    }
}

contract TallyInvariantTest is Test {
    Tally internal tally;
    TallyHandler internal handler;

    function setUp() public {
        tally = new Tally();
        handler = new TallyHandler(tally);
        targetContract(address(handler));
    }

    function invariant_totalMatchesLedger() public view {
        assertEq(tally.total(), handler.ghostTotal(), "total == handler ledger");
        assertEq(tally.count(), handler.ghostCount(), "count == handler ledger");
    }

    function invariant_sharesSumToTotal() public view {
        assertEq(handler.sumOfShares(), tally.total(), "sum of per-account shares == total");
    }
}
