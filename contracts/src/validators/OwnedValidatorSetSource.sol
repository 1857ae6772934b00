// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IValidatorSetSource, ValidatorSetHeader} from "../interfaces/IValidatorSetSource.sol";
import {ValidatorSetLib} from "../libraries/ValidatorSetLib.sol";

/// @notice Validator-set source fed by one owner: for devnets (where restaking may not run) and tests.
/// It enforces the same header rules restaking does (epochs strictly increasing, parent-hash chaining,
/// quorum formula, root over sorted unique validators), so consumers behave identically on both.
contract OwnedValidatorSetSource is IValidatorSetSource {
    address public owner;
    mapping(uint32 spnId => mapping(uint64 epoch => ValidatorSetHeader)) internal headers;
    mapping(uint32 spnId => uint64) public latestEpoch;
    mapping(uint32 spnId => bool) public hasPublished;

    event HeaderPublished(uint32 indexed spnId, uint64 indexed epoch, bytes32 headerHash);
    event OwnerChanged(address indexed previousOwner, address indexed newOwner);

    error NotOwner(address caller);
    error HeaderNotFound(uint32 spnId, uint64 epoch);
    error EpochNotIncreasing(uint32 spnId, uint64 epoch, uint64 latestEpoch);
    error ValidatorsNotSortedUnique(uint256 index);
    error LengthMismatch(uint256 validators, uint256 powers);
    error EmptyValidatorSet();
    error ZeroPower(uint256 index);

    constructor(address owner_) {
        owner = owner_;
        emit OwnerChanged(address(0), owner_);
    }

    function transferOwnership(address newOwner) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        emit OwnerChanged(owner, newOwner);
        owner = newOwner;
    }

    /// @notice Publishes the next epoch's set for `spnId`, deriving root, total, quorum and parent hash.
    function publish(uint32 spnId, uint64 epoch, address[] calldata validators, uint256[] calldata powers)
        external
        returns (ValidatorSetHeader memory published)
    {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        uint64 latest = latestEpoch[spnId];
        bool first = !hasPublished[spnId];
        if (!first && epoch <= latest) revert EpochNotIncreasing(spnId, epoch, latest);
        if (validators.length != powers.length) revert LengthMismatch(validators.length, powers.length);
        if (validators.length == 0) revert EmptyValidatorSet();
        uint256 total;
        for (uint256 i; i < validators.length; ++i) {
            if (i > 0 && validators[i] <= validators[i - 1]) revert ValidatorsNotSortedUnique(i);
            if (powers[i] == 0) revert ZeroPower(i);
            total += powers[i];
        }
        published = ValidatorSetHeader({
            spnId: spnId,
            epoch: epoch,
            captureBlock: uint64(block.number),
            validatorsRoot: ValidatorSetLib.validatorsRoot(validators, powers),
            totalPower: total,
            quorum: ValidatorSetLib.quorumFor(total),
            parentHash: first ? bytes32(0) : ValidatorSetLib.hash(headers[spnId][latest])
        });
        headers[spnId][epoch] = published;
        latestEpoch[spnId] = epoch;
        hasPublished[spnId] = true;
        emit HeaderPublished(spnId, epoch, ValidatorSetLib.hash(published));
    }

    function header(uint32 spnId, uint64 epoch) external view returns (ValidatorSetHeader memory h) {
        h = headers[spnId][epoch];
        if (h.validatorsRoot == 0) revert HeaderNotFound(spnId, epoch);
    }
}
