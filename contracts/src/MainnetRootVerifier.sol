// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMessageVerifier} from "./interfaces/IMessageVerifier.sol";
import {IValidatorSetSource, ValidatorSetHeader} from "./interfaces/IValidatorSetSource.sol";
import {Checkpoint, CheckpointLib} from "./libraries/CheckpointLib.sol";
import {MerkleLib} from "./libraries/MerkleLib.sol";
import {Message} from "./libraries/Message.sol";
import {ValidatorSetLib} from "./libraries/ValidatorSetLib.sol";

/// @title MainnetRootVerifier
/// @notice The SPN-side verifier of an SPN's Mailbox: it accepts mainnet checkpoints (spnId 0) signed by
/// ≥ 2/3 of mainnet's current validator set (read from a validator-set source on the SPN) and proves
/// inbound messages by inclusion in the mainnet Mailbox tree, which holds both mainnet's own dispatches
/// and the SPN messages the SPNAdapter forwarded. Same digest, same quorum rules as the SPNAdapter.
contract MainnetRootVerifier is IMessageVerifier {
    uint32 public constant MAINNET_SPN_ID = 0;

    uint256 public immutable mainnetChainId;
    IValidatorSetSource public immutable validatorSetSource;

    struct Roots {
        bytes32 stateRoot;
        bytes32 outboxRoot;
    }

    mapping(uint64 height => Roots) internal checkpoints;
    uint64 public latestHeight;
    bool public hasCheckpoint;

    event CheckpointAccepted(uint64 indexed height, uint64 epoch, bytes32 stateRoot, bytes32 outboxRoot);
    event ConflictingCheckpoint(uint64 indexed height, bytes32 conflictingDigest, bytes signatures);

    error NotMainnetCheckpoint(uint32 spnId);
    error WrongEpoch(uint64 epoch, uint64 current);
    error StaleCheckpoint(uint64 height, uint64 latestHeight);
    error DuplicateCheckpoint(uint64 height);
    error ZeroRoot();
    error UnknownCheckpoint(uint64 height);

    constructor(uint256 mainnetChainId_, IValidatorSetSource validatorSetSource_) {
        mainnetChainId = mainnetChainId_;
        validatorSetSource = validatorSetSource_;
    }

    /// @notice Accepts a mainnet checkpoint signed by a quorum of mainnet's latest validator set. Returns
    /// false (emitting evidence) for a different checkpoint at an already-accepted height.
    function submitCheckpoint(
        Checkpoint calldata cp,
        address[] calldata validators,
        uint256[] calldata powers,
        bytes calldata signatures
    ) external returns (bool) {
        if (cp.spnId != MAINNET_SPN_ID) revert NotMainnetCheckpoint(cp.spnId);
        uint64 current = validatorSetSource.latestEpoch(MAINNET_SPN_ID);
        if (cp.epoch != current) revert WrongEpoch(cp.epoch, current);
        ValidatorSetHeader memory h = validatorSetSource.header(MAINNET_SPN_ID, current);
        bytes32 digest = CheckpointLib.digest(mainnetChainId, cp, ValidatorSetLib.hash(h));
        CheckpointLib.verifyQuorum(digest, validators, powers, signatures, h.validatorsRoot, h.quorum);
        if (cp.stateRoot == 0 || cp.outboxRoot == 0) revert ZeroRoot();
        if (hasCheckpoint && cp.height <= latestHeight) {
            Roots memory existing = checkpoints[cp.height];
            if (existing.outboxRoot == 0) revert StaleCheckpoint(cp.height, latestHeight);
            if (existing.stateRoot == cp.stateRoot && existing.outboxRoot == cp.outboxRoot) {
                revert DuplicateCheckpoint(cp.height);
            }
            emit ConflictingCheckpoint(cp.height, digest, signatures);
            return false;
        }
        checkpoints[cp.height] = Roots(cp.stateRoot, cp.outboxRoot);
        latestHeight = cp.height;
        hasCheckpoint = true;
        emit CheckpointAccepted(cp.height, cp.epoch, cp.stateRoot, cp.outboxRoot);
        return true;
    }

    /// @notice `metadata` = uint64 mainnet height ‖ uint32 leaf index ‖ 32 siblings, against the mainnet
    /// Mailbox root checkpointed at that height.
    function verify(bytes calldata metadata, bytes calldata message) external view returns (bool) {
        Message.checkLength(message);
        (uint64 height, uint32 index, uint256 proofOffset) = MerkleLib.decodeMetadata(metadata);
        bytes32 outboxRoot = checkpoints[height].outboxRoot;
        if (outboxRoot == 0) return false;
        return MerkleLib.rootFromCalldataProof(Message.idCalldata(message), proofOffset, index) == outboxRoot;
    }

    function checkpointRoots(uint64 height) external view returns (bytes32 stateRoot, bytes32 outboxRoot) {
        Roots memory r = checkpoints[height];
        if (r.outboxRoot == 0) revert UnknownCheckpoint(height);
        return (r.stateRoot, r.outboxRoot);
    }
}
