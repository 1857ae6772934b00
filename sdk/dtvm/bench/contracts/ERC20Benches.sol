// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BenchToken} from "./BenchToken.sol";

/// @dev Recipients cycle through this many addresses: the first round writes cold zero slots,
/// later rounds hit warm non-zero ones, as a busy token's traffic mixes both.
uint160 constant RECIPIENTS = 512;
uint160 constant FIRST_RECIPIENT = 0x10000;

/// @notice erc20.transfer: `run(n)` makes n external `transfer` calls from this contract.
contract ERC20TransferBench {
    BenchToken public immutable token;

    constructor() {
        token = new BenchToken();
        token.mint(address(this), 1e30);
    }

    function run(uint256 transfers) external returns (uint256 remaining) {
        BenchToken t = token;
        for (uint256 i = 0; i < transfers; ++i) {
            t.transfer(address(FIRST_RECIPIENT + uint160(i) % RECIPIENTS), i + 1);
        }
        return t.balanceOf(address(this));
    }
}

/// @notice erc20.mint: `run(n)` makes n external `mint` calls (this contract is the minter).
contract ERC20MintBench {
    BenchToken public immutable token;

    constructor() {
        token = new BenchToken();
    }

    function run(uint256 mints) external returns (uint256 supply) {
        BenchToken t = token;
        for (uint256 i = 0; i < mints; ++i) {
            t.mint(address(FIRST_RECIPIENT + uint160(i) % RECIPIENTS), i + 1);
        }
        return t.totalSupply();
    }
}

/// @notice erc20.approval-transfer: `run(n)` does n rounds of `approve` then `transferFrom`
/// (this contract is owner and spender, so the allowance is spent in the same round).
contract ERC20ApprovalTransferBench {
    BenchToken public immutable token;

    constructor() {
        token = new BenchToken();
        token.mint(address(this), 1e30);
    }

    function run(uint256 rounds) external returns (uint256 remaining) {
        BenchToken t = token;
        for (uint256 i = 0; i < rounds; ++i) {
            uint256 amount = i + 1;
            t.approve(address(this), amount);
            t.transferFrom(address(this), address(FIRST_RECIPIENT + uint160(i) % RECIPIENTS), amount);
        }
        return t.balanceOf(address(this));
    }
}
