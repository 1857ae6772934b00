// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice One epoch's validator set of one SPN, as published by restaking (interfaces.md §2).
/// `validatorsRoot = keccak256(abi.encode(address[] validators, uint256[] powers))` with validators sorted
/// ascending and unique; `quorum = floor(2 * totalPower / 3) + 1`; `parentHash` is the previous epoch's
/// header hash (bytes32(0) for the first), and `headerHash = keccak256(abi.encode(header))`.
struct ValidatorSetHeader {
    uint32 spnId;
    uint64 epoch;
    uint64 captureBlock;
    bytes32 validatorsRoot;
    uint256 totalPower;
    uint256 quorum;
    bytes32 parentHash;
}

/// @notice Where the contracts read SPN validator sets from. Restaking implements it on mainnet;
/// devnets and tests use the owner-fed `OwnedValidatorSetSource`.
interface IValidatorSetSource {
    /// @notice The header published for `(spnId, epoch)`; reverts when none was published.
    function header(uint32 spnId, uint64 epoch) external view returns (ValidatorSetHeader memory);

    /// @notice The newest epoch published for `spnId` (0 when none was published yet).
    function latestEpoch(uint32 spnId) external view returns (uint64);
}
