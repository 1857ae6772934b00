// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "spnkit-test/Test.sol";
import {Timelock} from "../src/governance/Timelock.sol";
import {SPNManager} from "../src/SPNManager.sol";

contract Counter {
    uint256 public value;

    function set(uint256 v) external {
        value = v;
    }
}

contract TimelockTest is Test {
    Timelock internal tl;
    Counter internal counter;
    uint64 internal constant DELAY = 3 days;

    function setUp() public {
        tl = new Timelock(address(this), DELAY);
        counter = new Counter();
    }

    function test_scheduleThenExecuteAfterDelay() public {
        bytes memory data = abi.encodeCall(Counter.set, (7));
        bytes32 id = tl.schedule(address(counter), 0, data, 0, DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(Timelock.NotReady.selector, id, uint64(block.timestamp + DELAY), block.timestamp)
        );
        tl.execute(address(counter), 0, data, 0);
        vm.warp(block.timestamp + DELAY);
        tl.execute(address(counter), 0, data, 0);
        assertEq(counter.value(), 7);
        assertTrue(tl.isDone(id));
        vm.expectRevert(abi.encodeWithSelector(Timelock.NotScheduled.selector, id));
        tl.execute(address(counter), 0, data, 0);
        vm.expectRevert(abi.encodeWithSelector(Timelock.AlreadyScheduled.selector, id));
        tl.schedule(address(counter), 0, data, 0, DELAY);
    }

    function test_rejectsShortDelayStaleAndStrangers() public {
        bytes memory data = abi.encodeCall(Counter.set, (1));
        vm.expectRevert(abi.encodeWithSelector(Timelock.DelayTooShort.selector, DELAY - 1, DELAY));
        tl.schedule(address(counter), 0, data, 0, DELAY - 1);
        vm.expectRevert(abi.encodeWithSelector(Timelock.DelayTooLong.selector, 61 days, 60 days));
        tl.schedule(address(counter), 0, data, 0, 61 days);
        vm.prank(makeAddr("x"));
        vm.expectRevert(abi.encodeWithSelector(Timelock.NotAdmin.selector, makeAddr("x")));
        tl.schedule(address(counter), 0, data, 0, DELAY);
        bytes32 id = tl.schedule(address(counter), 0, data, 0, DELAY);
        vm.warp(block.timestamp + DELAY + 14 days + 1);
        vm.expectRevert(abi.encodeWithSelector(Timelock.Stale.selector, id, uint64(block.timestamp - 1)));
        tl.execute(address(counter), 0, data, 0);
    }

    function test_cancel() public {
        bytes memory data = abi.encodeCall(Counter.set, (1));
        bytes32 id = tl.schedule(address(counter), 0, data, 0, DELAY);
        tl.cancel(id);
        vm.warp(block.timestamp + DELAY);
        vm.expectRevert(abi.encodeWithSelector(Timelock.NotScheduled.selector, id));
        tl.execute(address(counter), 0, data, 0);
        vm.expectRevert(abi.encodeWithSelector(Timelock.NotScheduled.selector, id));
        tl.cancel(id);
    }

    function test_failedCallReverts() public {
        bytes memory data = abi.encodeWithSignature("nope()");
        bytes32 id = tl.schedule(address(counter), 0, data, 0, DELAY);
        vm.warp(block.timestamp + DELAY);
        vm.expectRevert(abi.encodeWithSelector(Timelock.CallFailed.selector, id, ""));
        tl.execute(address(counter), 0, data, 0);
    }

    function test_selfGovernedSettings() public {
        vm.expectRevert(abi.encodeWithSelector(Timelock.NotSelf.selector, address(this)));
        tl.setMinDelay(0);
        vm.expectRevert(abi.encodeWithSelector(Timelock.NotSelf.selector, address(this)));
        tl.setAdmin(address(1));
        bytes memory data = abi.encodeCall(Timelock.setMinDelay, (5 days));
        tl.schedule(address(tl), 0, data, 0, DELAY);
        vm.warp(block.timestamp + DELAY);
        tl.execute(address(tl), 0, data, 0);
        assertEq(tl.minDelay(), 5 days);
    }

    function test_governsManagerThroughDelay() public {
        SPNManager m = new SPNManager(address(tl), 1000, true, address(0));
        bytes memory data = abi.encodeCall(SPNManager.setEscapeHatch, (address(0xbeef)));
        tl.schedule(address(m), 0, data, 0, DELAY);
        vm.expectRevert();
        m.setEscapeHatch(address(0xbeef));
        vm.warp(block.timestamp + DELAY);
        tl.execute(address(m), 0, data, 0);
        assertEq(m.escapeHatch(), address(0xbeef));
    }

    /// Timelocked actions never run early, whatever the delay and the attempt time.
    function testFuzz_neverEarly(uint64 delay, uint64 attemptAfter) public {
        delay = uint64(bound(delay, DELAY, 60 days));
        attemptAfter = uint64(bound(attemptAfter, 0, 80 days));
        bytes memory data = abi.encodeCall(Counter.set, (9));
        tl.schedule(address(counter), 0, data, bytes32(uint256(delay)), delay);
        uint256 start = block.timestamp;
        vm.warp(start + attemptAfter);
        try tl.execute(address(counter), 0, data, bytes32(uint256(delay))) {
            assertGe(block.timestamp, start + delay, "executed early");
            assertEq(counter.value(), 9);
        } catch {
            assertTrue(block.timestamp < start + delay || block.timestamp > start + delay + 14 days);
        }
    }
}
