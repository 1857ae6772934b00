// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// interfaces.md §1: two signatures by one validator over different values for the same
/// (chainId, epoch, slot, proposer, phase).
struct EquivocationEvidence {
    uint64 chainId;
    uint64 epoch;
    uint64 slot;
    address proposer;
    uint8 phase;
    bytes32 valueA;
    bytes sigA;
    bytes32 valueB;
    bytes sigB;
}
