// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStateProofVerifier} from "../interfaces/IStateProofVerifier.sol";
import {StateProofVerifier} from "../libraries/StateProofVerifier.sol";

/// @title StoreProofVerifier
/// @notice Deployed face of the store's `StateProofVerifier` library, bound immutably into the EscapeHatch.
contract StoreProofVerifier is IStateProofVerifier {
    function verify(bytes32 root, bytes32 key, bytes calldata value, bytes calldata proof)
        external
        pure
        returns (bool)
    {
        return StateProofVerifier.verify(root, key, value, proof);
    }
}
