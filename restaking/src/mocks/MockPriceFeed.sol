// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// An owner-fed Chainlink-compatible feed for tests and the devnet, where no Chainlink network
/// exists. Every `setAnswer` opens a new round stamped with the current block time.
contract MockPriceFeed is AggregatorV3Interface {
    address public immutable owner;
    uint8 public immutable override decimals;
    string public override description;
    uint80 private _roundId;
    int256 private _answer;
    uint256 private _updatedAt;
    uint80 private _answeredInRound;

    error NotOwner(address caller);
    error UnknownRound(uint80 roundId);

    constructor(uint8 decimals_, int256 answer_, string memory description_) {
        owner = msg.sender;
        decimals = decimals_;
        description = description_;
        _set(answer_, block.timestamp);
    }

    function setAnswer(int256 answer_) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _set(answer_, block.timestamp);
    }

    /// Sets a round with an explicit timestamp and answeredInRound (to model stale or incomplete rounds).
    function setRound(int256 answer_, uint256 updatedAt_, uint80 answeredInRound_) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _roundId++;
        _answer = answer_;
        _updatedAt = updatedAt_;
        _answeredInRound = answeredInRound_;
    }

    function version() external pure override returns (uint256) {
        return 4;
    }

    /// Only the latest round is kept; older rounds revert like a feed that has no data for them.
    function getRoundData(uint80 roundId_) external view override returns (uint80, int256, uint256, uint256, uint80) {
        if (roundId_ != _roundId) revert UnknownRound(roundId_);
        return (_roundId, _answer, _updatedAt, _updatedAt, _answeredInRound);
    }

    function latestRoundData() external view override returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _updatedAt, _updatedAt, _answeredInRound);
    }

    function _set(int256 answer_, uint256 updatedAt_) private {
        _roundId++;
        _answer = answer_;
        _updatedAt = updatedAt_;
        _answeredInRound = _roundId;
    }
}
