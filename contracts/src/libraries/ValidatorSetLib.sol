// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ValidatorSetHeader} from "../interfaces/IValidatorSetSource.sol";

/// @notice Hashing rules for validator-set headers (interfaces.md §2), shared by every consumer so the
/// encodings can never drift apart.
library ValidatorSetLib {
    /// @notice keccak256(abi.encode(header)): what checkpoints sign and what `parentHash` chains.
    function hash(ValidatorSetHeader memory header) internal pure returns (bytes32) {
        return keccak256(abi.encode(header));
    }

    /// @notice keccak256(abi.encode(validators, powers)) over sorted unique validators.
    function validatorsRoot(address[] memory validators, uint256[] memory powers) internal pure returns (bytes32) {
        return keccak256(abi.encode(validators, powers));
    }

    /// @notice Power needed for a quorum: strictly more than two thirds of the total.
    function quorumFor(uint256 totalPower) internal pure returns (uint256) {
        return (2 * totalPower) / 3 + 1;
    }
}
