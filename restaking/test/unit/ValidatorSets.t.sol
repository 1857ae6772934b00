// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RestakingBase} from "../utils/RestakingBase.sol";
import {Restaking} from "../../src/Restaking.sol";
import {ValidatorSets} from "../../src/ValidatorSets.sol";
import {UsdPriceOracle} from "../../src/UsdPriceOracle.sol";
import {ValidatorSetHeader} from "@spnkit/contracts/interfaces/IValidatorSetSource.sol";

contract ValidatorSetsTest is RestakingBase {
    function test_publish_firstHeaderCommitsSortedSet() public {
        address a = _operator("a", 10 ether);
        address b = _operator("b", 20 ether);
        _join(a, SPN, WAD);
        _join(b, SPN, WAD / 2);
        (uint64 epoch, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        assertEq(epoch, 1);
        assertEq(sets.latestEpoch(SPN), 1);
        assertEq(vals.length, 2);
        assertLt(uint160(vals[0]), uint160(vals[1]), "ascending keys");
        ValidatorSetHeader memory h = sets.header(SPN, 1);
        assertEq(h.spnId, SPN);
        assertEq(h.epoch, 1);
        assertEq(h.captureBlock, block.number);
        assertEq(h.validatorsRoot, keccak256(abi.encode(vals, powers)));
        assertEq(h.totalPower, powers[0] + powers[1]);
        assertEq(h.quorum, (2 * h.totalPower) / 3 + 1);
        assertEq(h.parentHash, bytes32(0));
        assertEq(sets.headerHash(SPN, 1), keccak256(abi.encode(h)));
        assertEq(sets.captureTime(SPN, 1), block.timestamp);
        assertTrue(sets.isValidatorList(SPN, 1, vals, powers));
        assertEq(_powerOf(a, vals, powers), restaking.allocatedStake(a, SPN));
    }

    function test_publish_chainsHeadersAndEmits() public {
        address a = _operator("a", 10 ether);
        _join(a, SPN, WAD);
        _publish(SPN);
        bytes32 first = sets.headerHash(SPN, 1);
        vm.warp(block.timestamp + EPOCH);
        feed.setAnswer(2000e8);
        vm.recordLogs();
        (uint64 epoch,) = sets.publish(SPN);
        assertEq(epoch, 2);
        assertEq(sets.header(SPN, 2).parentHash, first);
        assertEq(vm.getRecordedLogs()[0].topics[0], ValidatorSets.ValidatorSetPublished.selector);
    }

    function test_publish_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(ValidatorSets.UnknownSpn.selector, 42));
        sets.publish(42);
        vm.expectRevert(abi.encodeWithSelector(ValidatorSets.EmptyValidatorSet.selector, SPN));
        sets.publish(SPN);
        address a = _operator("a", 10 ether);
        _join(a, SPN, WAD);
        sets.publish(SPN);
        vm.expectRevert(abi.encodeWithSelector(ValidatorSets.EpochNotDue.selector, SPN, block.timestamp + EPOCH));
        sets.publish(SPN);
        Restaking.Spn memory c = _spnConfig(CHAIN);
        c.active = false;
        vm.prank(owner);
        restaking.updateSpn(SPN, c);
        vm.expectRevert(abi.encodeWithSelector(ValidatorSets.SpnInactive.selector, SPN));
        sets.publish(SPN);
        vm.expectRevert(abi.encodeWithSelector(ValidatorSets.UnknownSpn.selector, 42));
        sets.previewSet(42);
    }

    function test_publish_revertsOnStalePrice() public {
        address a = _operator("a", 10 ether);
        _join(a, SPN, WAD);
        vm.warp(block.timestamp + 2 hours);
        vm.expectRevert(
            abi.encodeWithSelector(
                UsdPriceOracle.PriceStale.selector, block.timestamp - 2 hours, block.timestamp - 1 hours
            )
        );
        sets.publish(SPN);
    }

    function test_views_revertOnUnknownEpoch() public {
        vm.expectRevert(abi.encodeWithSelector(ValidatorSets.UnknownEpoch.selector, SPN, 1));
        sets.header(SPN, 1);
        vm.expectRevert(abi.encodeWithSelector(ValidatorSets.UnknownEpoch.selector, SPN, 1));
        sets.headerHash(SPN, 1);
        vm.expectRevert(abi.encodeWithSelector(ValidatorSets.UnknownEpoch.selector, SPN, 1));
        sets.captureTime(SPN, 1);
        assertEq(sets.latestEpoch(SPN), 0);
    }

    function test_publish_filtersBelowUsdMinimumAtCurrentPrice() public {
        address a = _operator("a", 10 ether);
        address b = _operator("b", 1 ether); // $2000 at registration
        _join(a, SPN, WAD);
        _join(b, SPN, WAD);
        feed.setAnswer(900e8); // b is now worth $900 < $1000
        (address[] memory vals,) = sets.previewSet(SPN);
        assertEq(vals.length, 1);
        assertEq(vals[0], restaking.operator(a).consensusKey);
    }

    function test_publish_keepsTopPowerWhenOverMaxValidators() public {
        Restaking.Spn memory c = _spnConfig(CHAIN);
        c.maxValidators = 2;
        vm.prank(owner);
        restaking.updateSpn(SPN, c);
        address a = _operator("a", 10 ether);
        address b = _operator("b", 30 ether);
        address d = _operator("d", 20 ether);
        _join(a, SPN, WAD);
        _join(b, SPN, WAD);
        _join(d, SPN, WAD);
        (, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        assertEq(vals.length, 2);
        assertEq(_powerOf(a, vals, powers), 0, "weakest dropped");
        assertGt(_powerOf(b, vals, powers), 0);
        assertGt(_powerOf(d, vals, powers), 0);
    }

    /// Fuzzed powers: the published list is always sorted, unique, the top-N by power, and
    /// matches the header's root and total.
    function testFuzz_publish_sortedTopN(uint256 seed, uint8 n, uint8 max) public {
        uint256 count = bound(n, 1, 12);
        Restaking.Spn memory c = _spnConfig(CHAIN);
        c.maxValidators = uint16(bound(max, 1, 12));
        vm.prank(owner);
        restaking.updateSpn(SPN, c);
        for (uint256 i; i < count; i++) {
            uint256 stake = 1 ether + uint256(keccak256(abi.encode(seed, i))) % 100 ether;
            address op = _operator(string.concat("op", vm.toString(i)), stake);
            _join(op, SPN, WAD);
        }
        (, address[] memory vals, uint256[] memory powers) = _publish(SPN);
        assertEq(vals.length, count < c.maxValidators ? count : c.maxValidators);
        uint256 total;
        uint256 minKept = type(uint256).max;
        for (uint256 i; i < vals.length; i++) {
            if (i > 0) assertLt(uint160(vals[i - 1]), uint160(vals[i]), "strictly ascending");
            total += powers[i];
            if (powers[i] < minKept) minKept = powers[i];
        }
        assertEq(sets.header(SPN, 1).totalPower, total);
        (address[] memory all, uint256[] memory allPowers) = restaking.spnCandidates(SPN);
        uint256 stronger;
        for (uint256 i; i < all.length; i++) {
            if (allPowers[i] > minKept) stronger++;
        }
        assertLe(stronger, vals.length, "no dropped candidate beats a kept one");
    }
}
