// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// Reads the native token's USD price from a Chainlink `AggregatorV3Interface` feed and refuses
/// answers that are stale, incomplete, non-positive or outside configured bounds (the Kelp
/// rsETH oracle finding in research §5: a stale or jumping feed must stop, not mis-price stake).
contract UsdPriceOracle {
    AggregatorV3Interface public immutable feed;
    /// Oldest acceptable `updatedAt`, in seconds before now.
    uint256 public immutable maxStaleness;
    /// Sane price range in the feed's own decimals; answers outside it are rejected.
    uint256 public immutable minPrice;
    uint256 public immutable maxPrice;
    uint8 public immutable feedDecimals;

    error PriceNotPositive(int256 answer);
    error PriceStale(uint256 updatedAt, uint256 oldestAllowed);
    error PriceFromFuture(uint256 updatedAt, uint256 now_);
    error PriceIncompleteRound(uint80 roundId, uint80 answeredInRound);
    error PriceOutOfBounds(uint256 price, uint256 minPrice, uint256 maxPrice);
    error InvalidOracleConfig(string reason);

    constructor(AggregatorV3Interface feed_, uint256 maxStaleness_, uint256 minPrice_, uint256 maxPrice_) {
        if (address(feed_) == address(0)) revert InvalidOracleConfig("feed is the zero address");
        if (maxStaleness_ == 0) revert InvalidOracleConfig("maxStaleness must be > 0");
        if (minPrice_ == 0 || minPrice_ > maxPrice_) revert InvalidOracleConfig("need 0 < minPrice <= maxPrice");
        feed = feed_;
        maxStaleness = maxStaleness_;
        minPrice = minPrice_;
        maxPrice = maxPrice_;
        feedDecimals = feed_.decimals();
    }

    /// The checked price, in the feed's decimals.
    function price() public view returns (uint256) {
        (uint80 roundId, int256 answer,, uint256 updatedAt, uint80 answeredInRound) = feed.latestRoundData();
        if (answer <= 0) revert PriceNotPositive(answer);
        if (answeredInRound < roundId) revert PriceIncompleteRound(roundId, answeredInRound);
        if (updatedAt > block.timestamp) revert PriceFromFuture(updatedAt, block.timestamp);
        if (block.timestamp - updatedAt > maxStaleness) {
            revert PriceStale(updatedAt, block.timestamp - maxStaleness);
        }
        uint256 p = uint256(answer);
        if (p < minPrice || p > maxPrice) revert PriceOutOfBounds(p, minPrice, maxPrice);
        return p;
    }

    /// USD value (18 decimals) of `nativeAmount` wei.
    function usdValue(uint256 nativeAmount) external view returns (uint256) {
        return nativeAmount * price() / (10 ** feedDecimals);
    }

    /// Native wei worth `usdAmount` (18 decimals), rounded up so a minimum is never undershot.
    function nativeForUsd(uint256 usdAmount) external view returns (uint256) {
        uint256 p = price();
        return (usdAmount * (10 ** feedDecimals) + p - 1) / p;
    }
}
