// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RestakingBase} from "../utils/RestakingBase.sol";
import {Restaking} from "../../src/Restaking.sol";

/// Gas at the largest supported validator set (Restaking.MAX_OPERATORS_PER_SPN = 512): publishing
/// the header and slashing with the full list as calldata must each fit well inside one block.
contract GasMaxSetTest is RestakingBase {
    uint256 internal constant BLOCK_GAS_LIMIT = 30_000_000;

    function test_gas_maxValidatorSetFitsInOneBlock() public {
        uint256 n = restaking.MAX_OPERATORS_PER_SPN();
        Restaking.Spn memory c = _spnConfig(CHAIN);
        c.maxValidators = uint16(n);
        vm.prank(owner);
        restaking.updateSpn(SPN, c);
        address first;
        for (uint256 i; i < n; i++) {
            address op = _operator(string.concat("v", vm.toString(i)), 1 ether + i * 0.01 ether);
            _join(op, SPN, WAD);
            if (i == 0) first = op;
        }
        feed.setAnswer(2000e8);
        (address[] memory vals, uint256[] memory powers) = sets.previewSet(SPN);
        assertEq(vals.length, n);
        uint256 gasBefore = gasleft();
        sets.publish(SPN);
        uint256 publishGas = gasBefore - gasleft();
        assertLt(publishGas, BLOCK_GAS_LIMIT / 2, "header publication at max set fits in half a block");

        gasBefore = gasleft();
        uint256 id = _submit(_evidence(first, CHAIN, 1, 1), vals, powers);
        uint256 submitGas = gasBefore - gasleft();
        assertLt(submitGas, BLOCK_GAS_LIMIT / 10, "evidence with the full list as calldata");
        vm.warp(block.timestamp + VETO);
        gasBefore = gasleft();
        slashing.execute(id);
        assertLt(gasBefore - gasleft(), 500_000, "execution is O(1) in the set size");
    }
}
