// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "spnkit-test/Test.sol";
import {UsdPriceOracle} from "../../src/UsdPriceOracle.sol";
import {MockPriceFeed} from "../../src/mocks/MockPriceFeed.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

contract UsdPriceOracleTest is Test {
    MockPriceFeed internal feed;
    UsdPriceOracle internal oracle;

    function setUp() public {
        vm.warp(1_700_000_000);
        feed = new MockPriceFeed(8, 2000e8, "NATIVE / USD");
        oracle = new UsdPriceOracle(feed, 1 hours, 1e8, 100_000e8);
    }

    function test_price_andConversions() public view {
        assertEq(oracle.price(), 2000e8);
        assertEq(oracle.usdValue(1 ether), 2000e18);
        assertEq(oracle.nativeForUsd(2000e18), 1 ether);
        assertEq(oracle.nativeForUsd(1), 1, "rounds up");
        assertEq(oracle.feedDecimals(), 8);
    }

    function test_price_rejectsBadAnswers() public {
        feed.setAnswer(0);
        vm.expectRevert(abi.encodeWithSelector(UsdPriceOracle.PriceNotPositive.selector, int256(0)));
        oracle.price();
        feed.setAnswer(-5);
        vm.expectRevert(abi.encodeWithSelector(UsdPriceOracle.PriceNotPositive.selector, int256(-5)));
        oracle.price();
        feed.setAnswer(200_000e8);
        vm.expectRevert(abi.encodeWithSelector(UsdPriceOracle.PriceOutOfBounds.selector, 200_000e8, 1e8, 100_000e8));
        oracle.price();
        feed.setAnswer(0.5e8);
        vm.expectRevert(abi.encodeWithSelector(UsdPriceOracle.PriceOutOfBounds.selector, 0.5e8, 1e8, 100_000e8));
        oracle.price();
        feed.setRound(2000e8, block.timestamp - 3601, 10);
        vm.expectRevert(
            abi.encodeWithSelector(UsdPriceOracle.PriceStale.selector, block.timestamp - 3601, block.timestamp - 3600)
        );
        oracle.price();
        feed.setRound(2000e8, block.timestamp + 1, 10);
        vm.expectRevert(
            abi.encodeWithSelector(UsdPriceOracle.PriceFromFuture.selector, block.timestamp + 1, block.timestamp)
        );
        oracle.price();
        feed.setRound(2000e8, block.timestamp, 1); // round 8 answered in round 1
        vm.expectRevert(abi.encodeWithSelector(UsdPriceOracle.PriceIncompleteRound.selector, 8, 1));
        oracle.price();
    }

    function test_constructor_rejectsBadConfig() public {
        vm.expectRevert(abi.encodeWithSelector(UsdPriceOracle.InvalidOracleConfig.selector, "feed is the zero address"));
        new UsdPriceOracle(AggregatorV3Interface(address(0)), 1, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(UsdPriceOracle.InvalidOracleConfig.selector, "maxStaleness must be > 0"));
        new UsdPriceOracle(feed, 0, 1, 1);
        vm.expectRevert(
            abi.encodeWithSelector(UsdPriceOracle.InvalidOracleConfig.selector, "need 0 < minPrice <= maxPrice")
        );
        new UsdPriceOracle(feed, 1, 2, 1);
    }

    function test_mockFeed_ownerOnlyAndRounds() public {
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(MockPriceFeed.NotOwner.selector, stranger));
        feed.setAnswer(1);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(MockPriceFeed.NotOwner.selector, stranger));
        feed.setRound(1, 1, 1);
        (uint80 id, int256 answer,,,) = feed.latestRoundData();
        assertEq(id, 1);
        assertEq(answer, 2000e8);
        (, int256 same,,,) = feed.getRoundData(1);
        assertEq(same, 2000e8);
        vm.expectRevert(abi.encodeWithSelector(MockPriceFeed.UnknownRound.selector, 0));
        feed.getRoundData(0);
        assertEq(feed.version(), 4);
        assertEq(feed.description(), "NATIVE / USD");
    }
}
