// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Owned} from "./access/Owned.sol";
import {IMessageVerifier} from "./interfaces/IMessageVerifier.sol";
import {Checkpoint, CheckpointLib} from "./libraries/CheckpointLib.sol";
import {MerkleLib} from "./libraries/MerkleLib.sol";
import {Message} from "./libraries/Message.sol";
import {Mailbox} from "./Mailbox.sol";
import {Registry, SPNStatus} from "./Registry.sol";
import {SPNManager} from "./SPNManager.sol";

/// @title SPNAdapter
/// @notice Mainnet's view of every SPN. It accepts SPN checkpoints (height, state root, outbox root) signed
/// by ≥ 2/3 of the SPN's current restaked power, and is the mainnet Mailbox's verifier: a message from an
/// SPN is delivered only with a Merkle proof of its id against an accepted outbox root OF ITS ORIGIN
/// domain. Messages for another SPN are `forward`ed into the mainnet Mailbox tree, from which the
/// destination SPN imports them.
///
/// Checkpoints are final when accepted (BFT quorum). One that is older than the latest is rejected; one
/// at an already-accepted height with different roots is recorded as conflict evidence (the quorum
/// signed two histories) and never replaces the accepted one.
contract SPNAdapter is IMessageVerifier, Owned {
    SPNManager public immutable manager;
    Registry public immutable registry;
    Mailbox public immutable mailbox;
    /// @notice Devnet-only: lets `trustedRelayer` post checkpoints without signatures. Fixed at deployment;
    /// the constructor refuses it under a production manager, and a production manager refuses it too.
    bool public immutable devnetMode;
    address public trustedRelayer;

    struct Roots {
        bytes32 stateRoot;
        bytes32 outboxRoot;
    }

    struct Latest {
        uint64 height;
        uint64 epoch;
        uint64 timestamp;
        bool exists;
    }

    struct ConflictEvidence {
        uint32 spnId;
        uint64 height;
        uint64 epoch;
        bytes32 acceptedCheckpoint;
        bytes32 conflictingCheckpoint;
        address reporter;
        uint64 blockNumber;
    }

    mapping(uint32 domain => mapping(uint64 height => Roots)) internal checkpoints;
    mapping(uint32 spnId => Latest) public latest;
    mapping(bytes32 id => bool) public forwarded;
    ConflictEvidence[] internal conflicts;

    event CheckpointAccepted(
        uint32 indexed spnId, uint64 indexed height, uint64 epoch, bytes32 stateRoot, bytes32 outboxRoot
    );
    /// @notice Both digests were signed by a quorum of the same set: evidence for slashing. The full
    /// signatures are in this transaction's calldata and in `signatures` here.
    event ConflictingCheckpoint(
        uint32 indexed spnId, uint64 indexed height, uint256 evidenceIndex, bytes32 conflictingDigest, bytes signatures
    );
    event MessageForwarded(bytes32 indexed id, uint32 indexed origin, uint32 indexed destination);
    event TrustedRelayerSet(address relayer);

    error DevnetModeOnProduction();
    error DevnetModeDisabled();
    error NotTrustedRelayer(address caller);
    error SPNNotActive(uint32 spnId, uint8 status);
    error NotThisAdapter(uint32 spnId, address adapter);
    error WrongEpoch(uint32 spnId, uint64 epoch, uint64 current);
    error StaleCheckpoint(uint32 spnId, uint64 height, uint64 latestHeight);
    error DuplicateCheckpoint(uint32 spnId, uint64 height);
    error ZeroRoot();
    error UnknownCheckpoint(uint32 domain, uint64 height);
    error NotForwardable(uint32 destination);
    error AlreadyForwarded(bytes32 id);
    error NotProven(bytes32 id);

    constructor(address owner_, SPNManager manager_, Mailbox mailbox_, bool devnetMode_) Owned(owner_) {
        if (devnetMode_ && manager_.production()) revert DevnetModeOnProduction();
        manager = manager_;
        registry = manager_.registry();
        mailbox = mailbox_;
        devnetMode = devnetMode_;
    }

    // ───────────────────────────── checkpoints ─────────────────────────────

    /// @notice Accepts `cp` if signed (65-byte sigs, ascending signers) by a quorum of the SPN's current
    /// validator set, given as the sorted list and powers the set's validatorsRoot commits to. Returns
    /// false (and records evidence) when it conflicts with an accepted checkpoint at the same height.
    function submitCheckpoint(
        Checkpoint calldata cp,
        address[] calldata validators,
        uint256[] calldata powers,
        bytes calldata signatures
    ) external returns (bool accepted) {
        uint32 domain = _checkSPN(cp.spnId);
        SPNManager.ValidatorSet memory vs = manager.validatorSet(cp.spnId);
        if (cp.epoch != vs.epoch) revert WrongEpoch(cp.spnId, cp.epoch, vs.epoch);
        bytes32 digest = CheckpointLib.digest(block.chainid, cp, vs.headerHash);
        CheckpointLib.verifyQuorum(digest, validators, powers, signatures, vs.validatorsRoot, vs.quorum);
        return _record(domain, cp, digest, signatures);
    }

    /// @notice Devnet only: the trusted relayer posts a checkpoint without signatures.
    function submitCheckpointTrusted(Checkpoint calldata cp) external returns (bool) {
        if (!devnetMode) revert DevnetModeDisabled();
        if (msg.sender != trustedRelayer) revert NotTrustedRelayer(msg.sender);
        uint32 domain = _checkSPN(cp.spnId);
        SPNManager.ValidatorSet memory vs = manager.validatorSet(cp.spnId);
        if (cp.epoch != vs.epoch) revert WrongEpoch(cp.spnId, cp.epoch, vs.epoch);
        return _record(domain, cp, CheckpointLib.digest(block.chainid, cp, vs.headerHash), "");
    }

    function setTrustedRelayer(address relayer) external onlyOwner {
        if (!devnetMode) revert DevnetModeDisabled();
        trustedRelayer = relayer;
        emit TrustedRelayerSet(relayer);
    }

    function _checkSPN(uint32 spnId) internal view returns (uint32 domain) {
        (uint8 status, uint32 d, address adapter) = registry.checkpointInfo(spnId);
        if (status != SPNStatus.ACTIVE) revert SPNNotActive(spnId, status);
        if (adapter != address(this)) revert NotThisAdapter(spnId, adapter);
        return d;
    }

    function _record(uint32 domain, Checkpoint calldata cp, bytes32 digest, bytes memory signatures)
        internal
        returns (bool)
    {
        if (cp.stateRoot == 0 || cp.outboxRoot == 0) revert ZeroRoot();
        Latest memory last = latest[cp.spnId];
        if (last.exists && cp.height <= last.height) {
            Roots memory existing = checkpoints[domain][cp.height];
            if (existing.outboxRoot == 0) revert StaleCheckpoint(cp.spnId, cp.height, last.height);
            if (existing.stateRoot == cp.stateRoot && existing.outboxRoot == cp.outboxRoot) {
                revert DuplicateCheckpoint(cp.spnId, cp.height);
            }
            conflicts.push(
                ConflictEvidence({
                    spnId: cp.spnId,
                    height: cp.height,
                    epoch: cp.epoch,
                    acceptedCheckpoint: keccak256(abi.encode(existing.stateRoot, existing.outboxRoot)),
                    conflictingCheckpoint: digest,
                    reporter: msg.sender,
                    blockNumber: uint64(block.number)
                })
            );
            emit ConflictingCheckpoint(cp.spnId, cp.height, conflicts.length - 1, digest, signatures);
            return false;
        }
        checkpoints[domain][cp.height] = Roots(cp.stateRoot, cp.outboxRoot);
        latest[cp.spnId] = Latest(cp.height, cp.epoch, uint64(block.timestamp), true);
        emit CheckpointAccepted(cp.spnId, cp.height, cp.epoch, cp.stateRoot, cp.outboxRoot);
        return true;
    }

    // ───────────────────────────── messages ─────────────────────────────

    /// @notice Mailbox verifier: `metadata` = uint64 height ‖ uint32 leaf index ‖ 32 sibling hashes; the
    /// message id must sit at that index under the outbox root its ORIGIN domain checkpointed at height.
    function verify(bytes calldata metadata, bytes calldata message) public view returns (bool) {
        Message.checkLength(message);
        (uint64 height, uint32 index, uint256 proofOffset) = MerkleLib.decodeMetadata(metadata);
        bytes32 outboxRoot = checkpoints[Message.origin(message)][height].outboxRoot;
        if (outboxRoot == 0) return false;
        return MerkleLib.rootFromCalldataProof(Message.idCalldata(message), proofOffset, index) == outboxRoot;
    }

    /// @notice Moves a proven SPN message bound for another active SPN into the mainnet Mailbox tree
    /// (anyone may call; each id once). The destination SPN then imports it against a mainnet root.
    function forward(bytes calldata metadata, bytes calldata message) external {
        Message.checkLength(message);
        uint32 destination = Message.destination(message);
        uint32 destinationSpn = registry.spnIdByDomain(destination);
        if (destinationSpn == 0 || registry.status(destinationSpn) != SPNStatus.ACTIVE) {
            revert NotForwardable(destination);
        }
        bytes32 id = Message.idCalldata(message);
        if (forwarded[id]) revert AlreadyForwarded(id);
        forwarded[id] = true;
        if (!verify(metadata, message)) revert NotProven(id);
        mailbox.insertForwarded(message);
        emit MessageForwarded(id, Message.origin(message), destination);
    }

    // ───────────────────────────── views ─────────────────────────────

    function checkpointRoots(uint32 domain, uint64 height)
        external
        view
        returns (bytes32 stateRoot, bytes32 outboxRoot)
    {
        Roots memory r = checkpoints[domain][height];
        if (r.outboxRoot == 0) revert UnknownCheckpoint(domain, height);
        return (r.stateRoot, r.outboxRoot);
    }

    /// @notice The SPN's latest accepted (= finalized) checkpoint: what escape proofs are checked against.
    function latestStateRoot(uint32 spnId)
        external
        view
        returns (bool exists, uint64 height, bytes32 stateRoot, uint64 timestamp)
    {
        Latest memory l = latest[spnId];
        if (!l.exists) return (false, 0, 0, 0);
        (, uint32 domain,) = registry.checkpointInfo(spnId);
        return (true, l.height, checkpoints[domain][l.height].stateRoot, l.timestamp);
    }

    function conflictCount() external view returns (uint256) {
        return conflicts.length;
    }

    function conflict(uint256 index) external view returns (ConflictEvidence memory) {
        return conflicts[index];
    }
}
