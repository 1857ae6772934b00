// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "spnkit-test/Test.sol";
import {RewardsDistributor} from "../../src/RewardsDistributor.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract RewardToken is ERC20 {
    constructor(address to) ERC20("Reward", "RWD") {
        _mint(to, 1e30);
    }
}

contract RewardsDistributorTest is Test {
    RewardsDistributor internal rewards;
    RewardToken internal token;
    address internal owner = makeAddr("owner");
    address internal updater = makeAddr("updater");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    bytes32 internal leafA;
    bytes32 internal leafB;
    bytes32 internal root;

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new RewardToken(updater);
        rewards = new RewardsDistributor(owner, IERC20(address(token)), updater, 1 hours);
        vm.prank(updater);
        token.approve(address(rewards), type(uint256).max);
        leafA = rewards.leaf(1, alice, 100);
        leafB = rewards.leaf(1, bob, 250);
        root = _hashPair(leafA, leafB);
    }

    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function _proof(bytes32 sibling) internal pure returns (bytes32[] memory p) {
        p = new bytes32[](1);
        p[0] = sibling;
    }

    function _post() internal {
        vm.prank(updater);
        rewards.postRoot(1, root, 350);
    }

    function test_claim_paysOncePerEpochAfterActivation() public {
        _post();
        assertEq(token.balanceOf(address(rewards)), 350);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.NotYetActive.selector, 1, block.timestamp + 1 hours));
        rewards.claim(1, 100, _proof(leafB), alice);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(alice);
        rewards.claim(1, 100, _proof(leafB), alice);
        assertEq(token.balanceOf(alice), 100);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.AlreadyClaimed.selector, 1, alice));
        rewards.claim(1, 100, _proof(leafB), alice);
        vm.prank(bob);
        rewards.claim(1, 250, _proof(leafA), bob);
        assertEq(rewards.distribution(1).claimed, 350);
        assertTrue(rewards.hasClaimed(1, bob));
    }

    function test_claim_rejectsWrongAmountOrEpochOrProof() public {
        _post();
        vm.warp(block.timestamp + 1 hours);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.InvalidProof.selector, 1, alice, 101));
        rewards.claim(1, 101, _proof(leafB), alice);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.InvalidProof.selector, 1, bob, 100));
        rewards.claim(1, 100, _proof(leafB), bob); // alice's leaf claimed by bob
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.UnknownEpoch.selector, 2));
        rewards.claim(2, 100, _proof(leafB), alice);
    }

    function test_claim_neverExceedsEpochFunding() public {
        // A root that promises more than it was funded with cannot pay beyond the funding.
        bytes32 big = rewards.leaf(3, alice, 1000);
        bytes32 other = rewards.leaf(3, bob, 1);
        vm.prank(updater);
        rewards.postRoot(3, _hashPair(big, other), 10);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.ExceedsEpochTotal.selector, 3, 1000, 10));
        rewards.claim(3, 1000, _proof(other), alice);
    }

    function test_postRoot_reverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.NotUpdater.selector, alice));
        rewards.postRoot(1, root, 1);
        vm.startPrank(updater);
        vm.expectRevert(RewardsDistributor.ZeroRoot.selector);
        rewards.postRoot(1, bytes32(0), 1);
        vm.expectRevert(RewardsDistributor.ZeroAmount.selector);
        rewards.postRoot(1, root, 0);
        rewards.postRoot(1, root, 350);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.EpochAlreadyPosted.selector, 1));
        rewards.postRoot(1, root, 350);
        vm.stopPrank();
    }

    function test_disableRoot_refundsBeforeActivationOnly() public {
        _post();
        uint256 before = token.balanceOf(updater);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.NotUpdater.selector, alice));
        rewards.disableRoot(1);
        vm.prank(owner);
        rewards.disableRoot(1);
        assertEq(token.balanceOf(updater), before + 350);
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.DistributionDisabled.selector, 1));
        rewards.disableRoot(1);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.DistributionDisabled.selector, 1));
        rewards.claim(1, 100, _proof(leafB), alice);
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.UnknownEpoch.selector, 5));
        rewards.disableRoot(5);
        vm.prank(updater);
        rewards.postRoot(2, root, 1);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(RewardsDistributor.AlreadyActive.selector, 2));
        rewards.disableRoot(2);
    }

    function test_setUpdater_onlyOwner() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        rewards.setUpdater(alice);
        vm.prank(owner);
        rewards.setUpdater(alice);
        assertEq(rewards.updater(), alice);
    }
}
