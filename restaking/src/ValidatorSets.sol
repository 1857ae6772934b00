// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IValidatorSetSource, ValidatorSetHeader} from "@spnkit/contracts/interfaces/IValidatorSetSource.sol";
import {ValidatorSetLib} from "@spnkit/contracts/libraries/ValidatorSetLib.sol";
import {Restaking} from "./Restaking.sol";
import {StakingCertificate} from "./StakingCertificate.sol";
import {UsdPriceOracle} from "./UsdPriceOracle.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SortLib} from "./libraries/SortLib.sol";

/// Publishes each SPN's validator set per epoch as a hash-chained header (interfaces.md §2).
///
/// Anyone may publish the next epoch once `epochDuration` has passed since the last capture; the
/// set is derived on-chain from Restaking (so nobody can forge or skip a header): eligible
/// operators whose allocated stake is worth at least the SPN's USD minimum (Chainlink price,
/// staleness and bounds checked), top `maxValidators` by power, sorted by consensus key.
/// Only the root is stored; the full list is emitted and supplied back (checked against the
/// root) by whoever needs it, e.g. the slashing evidence submitter and SPNAdapter.
contract ValidatorSets is IValidatorSetSource {
    Restaking public immutable restaking;
    StakingCertificate public immutable certificate;
    UsdPriceOracle public immutable priceOracle;

    struct Record {
        ValidatorSetHeader header;
        bytes32 hash;
        uint64 captureTime;
    }

    mapping(uint32 => uint64) private _latestEpoch;
    mapping(uint32 => mapping(uint64 => Record)) private _records;

    error UnknownSpn(uint32 spnId);
    error SpnInactive(uint32 spnId);
    error EpochNotDue(uint32 spnId, uint256 dueAt);
    error EmptyValidatorSet(uint32 spnId);
    error UnknownEpoch(uint32 spnId, uint64 epoch);

    event ValidatorSetPublished(
        uint32 indexed spnId,
        uint64 indexed epoch,
        bytes32 indexed headerHash,
        ValidatorSetHeader header,
        address[] validators,
        uint256[] powers
    );

    constructor(Restaking restaking_) {
        restaking = restaking_;
        certificate = restaking_.certificate();
        priceOracle = restaking_.priceOracle();
    }

    /// Captures and publishes the next epoch's set of `spnId`.
    function publish(uint32 spnId) external returns (uint64 epoch, bytes32 headerHash) {
        Restaking.Spn memory spn = restaking.spn(spnId);
        if (!spn.exists) revert UnknownSpn(spnId);
        if (!spn.active) revert SpnInactive(spnId);
        uint64 previous = _latestEpoch[spnId];
        Record storage parent = _records[spnId][previous];
        if (previous != 0 && block.timestamp < uint256(parent.captureTime) + spn.epochDuration) {
            revert EpochNotDue(spnId, uint256(parent.captureTime) + spn.epochDuration);
        }

        (address[] memory keys, uint256[] memory powers) = _deriveSet(spnId, spn);
        uint256 total;
        for (uint256 i; i < powers.length; i++) {
            total += powers[i];
        }

        epoch = previous + 1;
        ValidatorSetHeader memory header = ValidatorSetHeader({
            spnId: spnId,
            epoch: epoch,
            captureBlock: uint64(block.number),
            validatorsRoot: ValidatorSetLib.validatorsRoot(keys, powers),
            totalPower: total,
            quorum: ValidatorSetLib.quorumFor(total),
            parentHash: parent.hash
        });
        headerHash = ValidatorSetLib.hash(header);
        _latestEpoch[spnId] = epoch;
        _records[spnId][epoch] = Record({header: header, hash: headerHash, captureTime: uint64(block.timestamp)});
        emit ValidatorSetPublished(spnId, epoch, headerHash, header, keys, powers);
    }

    /// The set `publish` would capture now (sorted by key), for previews and off-chain checks.
    function previewSet(uint32 spnId) external view returns (address[] memory keys, uint256[] memory powers) {
        Restaking.Spn memory spn = restaking.spn(spnId);
        if (!spn.exists) revert UnknownSpn(spnId);
        return _deriveSet(spnId, spn);
    }

    function _deriveSet(uint32 spnId, Restaking.Spn memory spn)
        private
        view
        returns (address[] memory keys, uint256[] memory powers)
    {
        (keys, powers) = restaking.spnCandidates(spnId);
        // Certificate shares worth the USD minimum, rounded up so the minimum is never undershot.
        uint256 minCert = Math.mulDiv(
            priceOracle.nativeForUsd(spn.minStakeUsd),
            certificate.totalSupply() + certificate.VIRTUAL_SHARES(),
            certificate.totalAssets() + certificate.VIRTUAL_ASSETS(),
            Math.Rounding.Ceil
        );
        uint256 count;
        for (uint256 i; i < keys.length; i++) {
            if (powers[i] < minCert) continue;
            keys[count] = keys[i];
            powers[count] = powers[i];
            count++;
        }
        if (count == 0) revert EmptyValidatorSet(spnId);
        assembly ("memory-safe") {
            mstore(keys, count)
            mstore(powers, count)
        }
        if (count > spn.maxValidators) {
            SortLib.sortByPowerDesc(keys, powers);
            uint256 max = spn.maxValidators;
            assembly ("memory-safe") {
                mstore(keys, max)
                mstore(powers, max)
            }
        }
        SortLib.sortByKeyAsc(keys, powers);
    }

    // ---- IValidatorSetSource ------------------------------------------------------------------

    function header(uint32 spnId, uint64 epoch) external view returns (ValidatorSetHeader memory) {
        return _record(spnId, epoch).header;
    }

    function latestEpoch(uint32 spnId) external view returns (uint64) {
        return _latestEpoch[spnId];
    }

    // ---- extra views --------------------------------------------------------------------------

    function headerHash(uint32 spnId, uint64 epoch) external view returns (bytes32) {
        return _record(spnId, epoch).hash;
    }

    /// Block timestamp at which the epoch's set was captured (starts the evidence window).
    function captureTime(uint32 spnId, uint64 epoch) external view returns (uint64) {
        return _record(spnId, epoch).captureTime;
    }

    /// True when `validators`/`powers` are exactly the set committed in the epoch's header.
    function isValidatorList(uint32 spnId, uint64 epoch, address[] calldata validators, uint256[] calldata powers)
        external
        view
        returns (bool)
    {
        return keccak256(abi.encode(validators, powers)) == _record(spnId, epoch).header.validatorsRoot;
    }

    function _record(uint32 spnId, uint64 epoch) private view returns (Record storage r) {
        r = _records[spnId][epoch];
        if (r.hash == bytes32(0)) revert UnknownEpoch(spnId, epoch);
    }
}
