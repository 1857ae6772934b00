// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "spnkit-test/Test.sol";
import {StakingCertificate} from "../../src/StakingCertificate.sol";
import {Restaking} from "../../src/Restaking.sol";
import {ValidatorSets} from "../../src/ValidatorSets.sol";
import {Slashing} from "../../src/Slashing.sol";
import {UsdPriceOracle} from "../../src/UsdPriceOracle.sol";
import {MockPriceFeed} from "../../src/mocks/MockPriceFeed.sol";
import {EquivocationEvidence} from "../../src/interfaces/EquivocationEvidence.sol";

/// Deploys the whole restaking system with test parameters and offers actor helpers.
abstract contract RestakingBase is Test {
    uint64 internal constant WAD = 1e18;
    uint32 internal constant SPN = 1;
    uint32 internal constant SPN2 = 2;
    uint64 internal constant CHAIN = 1001;
    uint64 internal constant CHAIN2 = 1002;
    uint64 internal constant EVIDENCE_WINDOW = 4 days;
    uint64 internal constant VETO = 1 days;
    uint64 internal constant DEALLOC_DELAY = 6 days;
    uint64 internal constant WITHDRAW_DELAY = 7 days;
    uint64 internal constant EPOCH = 1 days;
    uint16 internal constant SLASH_BPS = 1000;
    uint8 internal constant PROPOSE = 1;

    address internal owner = makeAddr("owner");
    address internal reporter = makeAddr("reporter");
    address internal vetoer = makeAddr("vetoer");
    address internal treasury = makeAddr("treasury");
    address internal whistleblower = makeAddr("whistleblower");

    MockPriceFeed internal feed;
    UsdPriceOracle internal oracle;
    StakingCertificate internal cert;
    Restaking internal restaking;
    ValidatorSets internal sets;
    Slashing internal slashing;

    mapping(address => uint256) internal keyOf; // operator => consensus private key

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        vm.roll(100);
        feed = new MockPriceFeed(8, 2000e8, "NATIVE / USD");
        oracle = new UsdPriceOracle(feed, 1 hours, 1e8, 1_000_000e8);
        cert = new StakingCertificate(owner, reporter, _certConfig());
        restaking = new Restaking(owner, cert, oracle, EVIDENCE_WINDOW, VETO, DEALLOC_DELAY, WITHDRAW_DELAY);
        sets = new ValidatorSets(restaking);
        slashing = new Slashing(owner, restaking, sets, _slashingConfig());
        vm.startPrank(owner);
        restaking.setSlasher(address(slashing));
        restaking.createSpn(SPN, _spnConfig(CHAIN));
        restaking.createSpn(SPN2, _spnConfig(CHAIN2));
        vm.stopPrank();
    }

    function _certConfig() internal pure virtual returns (StakingCertificate.Config memory) {
        return StakingCertificate.Config({
            minWithdrawal: 100,
            maxWithdrawal: 1000 ether,
            withdrawalDelay: 1 days,
            minReportInterval: 1 days,
            maxRewardBps: 10,
            maxSlashBps: 500,
            stakeLockBlocks: 2
        });
    }

    function _slashingConfig() internal pure virtual returns (Slashing.Config memory) {
        return Slashing.Config({
            whistleblowerBps: 1000,
            treasury: address(0),
            throttlePeriod: 1 days,
            spnThrottleBps: 3300,
            globalThrottleBps: 1000
        });
    }

    function _spnConfig(uint64 chainId) internal view returns (Restaking.Spn memory) {
        return Restaking.Spn({
            exists: true,
            active: true,
            chainId: chainId,
            epochDuration: EPOCH,
            slashBps: SLASH_BPS,
            maxValidators: 100,
            vetoer: vetoer,
            minStakeUsd: 1000e18
        });
    }

    // ---- actors -------------------------------------------------------------------------------

    /// Native -> certificate for `who`, past the stake lock.
    function _stake(address who, uint256 amount) internal returns (uint256 shares) {
        vm.deal(who, who.balance + amount);
        vm.prank(who);
        shares = cert.stake{value: amount}();
        vm.roll(block.number + 3);
    }

    function _keyProof(uint256 keyPk, address operator) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyPk, restaking.keyProofDigest(operator));
        return abi.encodePacked(r, s, v);
    }

    /// A registered operator with `selfStake` native staked and delegated to itself.
    function _operator(string memory name, uint256 selfStake) internal returns (address op) {
        op = makeAddr(name);
        (, uint256 keyPk) = makeAddrAndKey(string.concat(name, ".consensus"));
        keyOf[op] = keyPk;
        bytes memory proof = _keyProof(keyPk, op);
        vm.prank(op);
        restaking.registerOperator(vm.addr(keyPk), proof);
        if (selfStake > 0) _delegate(op, op, selfStake);
    }

    function _delegate(address staker, address op, uint256 amount) internal returns (uint256 poolShares) {
        uint256 shares = _stake(staker, amount);
        vm.startPrank(staker);
        cert.approve(address(restaking), shares);
        poolShares = restaking.delegate(op, shares);
        vm.stopPrank();
    }

    function _join(address op, uint32 spnId, uint64 magnitude) internal {
        vm.startPrank(op);
        restaking.registerForSpn(spnId);
        restaking.allocate(spnId, magnitude);
        vm.stopPrank();
    }

    /// Publishes the next epoch of `spnId` and returns it with the committed list.
    function _publish(uint32 spnId) internal returns (uint64 epoch, address[] memory vals, uint256[] memory powers) {
        uint64 latest = sets.latestEpoch(spnId);
        if (latest != 0) {
            uint256 due = uint256(sets.captureTime(spnId, latest)) + EPOCH;
            if (block.timestamp < due) vm.warp(due);
        }
        feed.setAnswer(2000e8); // keep the price fresh across warps
        (vals, powers) = sets.previewSet(spnId);
        (epoch,) = sets.publish(spnId);
    }

    function _sig(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    /// Two PROPOSE signatures by `op`'s consensus key for different values at (chainId, epoch, slot).
    function _evidence(address op, uint64 chainId, uint64 epoch, uint64 slot)
        internal
        view
        returns (EquivocationEvidence memory ev)
    {
        uint256 pk = keyOf[op];
        address proposer = vm.addr(pk);
        bytes32 a = keccak256(abi.encode("block A", slot));
        bytes32 b = keccak256(abi.encode("block B", slot));
        ev = EquivocationEvidence({
            chainId: chainId,
            epoch: epoch,
            slot: slot,
            proposer: proposer,
            phase: PROPOSE,
            valueA: a,
            sigA: _sig(pk, slashing.consensusDigest(chainId, epoch, slot, proposer, PROPOSE, a)),
            valueB: b,
            sigB: _sig(pk, slashing.consensusDigest(chainId, epoch, slot, proposer, PROPOSE, b))
        });
    }

    function _submit(EquivocationEvidence memory ev, address[] memory vals, uint256[] memory powers)
        internal
        returns (uint256 id)
    {
        vm.prank(whistleblower);
        id = slashing.submitEvidence(ev, vals, powers);
    }

    function _powerOf(address op, address[] memory vals, uint256[] memory powers) internal view returns (uint256) {
        address key = restaking.operator(op).consensusKey;
        for (uint256 i; i < vals.length; i++) {
            if (vals[i] == key) return powers[i];
        }
        return 0;
    }
}
