// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Owned} from "./access/Owned.sol";
import {IMessageRecipient} from "./interfaces/IMessageRecipient.sol";
import {IMessageVerifier} from "./interfaces/IMessageVerifier.sol";
import {MerkleLib} from "./libraries/MerkleLib.sol";
import {Message} from "./libraries/Message.sol";

/// @title Mailbox
/// @notice Sends and receives cross-chain messages; one per chain (mainnet and every SPN).
///
/// Outbound: `dispatch` numbers the message, appends its id to a depth-32 incremental Merkle tree and
/// emits it. The tree root is the chain's outbox root (SPN checkpoints carry it). On mainnet the SPN
/// adapter also appends verified SPN messages bound for another SPN (`insertForwarded`), so every SPN
/// imports from one tree.
///
/// Inbound: `process` checks version, destination and that the id is new, marks it delivered BEFORE
/// calling the verifier or the recipient, then calls `handle`. A handler that reverts does not revert the
/// delivery: the message becomes Failed and anyone may `retry` it until its retry deadline, which anyone
/// may `extendRetry`; afterwards it can be `expire`d (the Bridge bounces expired transfers back). A
/// handler starved of gas by the relayer reverts the whole `process` instead (see `HandlerOutOfGas`), so
/// a relayer can never turn a good message into a failed one. No message ever waits on another.
contract Mailbox is Owned {
    using Message for bytes;

    uint8 public constant STATUS_NONE = 0;
    uint8 public constant STATUS_DELIVERED = 1;
    uint8 public constant STATUS_FAILED = 2;
    uint8 public constant STATUS_EXPIRED = 3;
    /// @notice Largest body accepted by `dispatch` (CCIP's EVM lanes allow 30 KB).
    uint256 public constant MAX_BODY_LENGTH = 32 * 1024;
    /// @notice Gas kept back from the handler call so a failure can always be recorded.
    uint256 public constant HANDLER_GAS_RESERVE = 30_000;
    /// @notice Bytes of a failing handler's revert reason that are kept in the event (bounds copy cost).
    uint256 internal constant MAX_REASON_LENGTH = 256;

    uint32 public immutable localDomain;
    /// @notice How long a failed message stays retryable, and what `extendRetry` extends it to.
    uint64 public immutable retryWindow;

    /// @notice Decides whether inbound messages are proven (SPNAdapter on mainnet, MainnetRootVerifier on SPNs).
    IMessageVerifier public verifier;
    /// @notice The only account allowed to append foreign messages to this outbox tree (mainnet: the adapter).
    address public forwarder;

    /// @notice Messages dispatched from this Mailbox (the next message's nonce).
    uint32 public nonce;
    /// @notice Leaves in the outbox tree (dispatched + forwarded).
    uint32 public count;
    bytes32[32] internal branch;

    struct Delivery {
        uint8 status;
        uint64 retryDeadline;
    }

    mapping(bytes32 id => Delivery) internal deliveries;

    /// @notice A leaf appended to the outbox tree: a local dispatch, or (mainnet) a forwarded SPN message.
    event Dispatch(bytes32 indexed id, uint32 indexed destination, uint32 leafIndex, bytes message);
    event Process(bytes32 indexed id, uint32 indexed origin, address indexed recipient);
    event DeliveryFailed(bytes32 indexed id, uint64 retryDeadline, bytes reason);
    event RetryExtended(bytes32 indexed id, uint64 retryDeadline);
    event Expired(bytes32 indexed id);
    event VerifierSet(address verifier);
    event ForwarderSet(address forwarder);

    error WrongVersion(uint8 version, uint8 expected);
    error WrongDestination(uint32 destination, uint32 localDomain);
    error DestinationIsLocal(uint32 destination);
    error BodyTooLong(uint256 length, uint256 max);
    error AlreadyProcessed(bytes32 id, uint8 status);
    error NotProven(bytes32 id);
    error NotFailed(bytes32 id, uint8 status);
    error RetryWindowOver(bytes32 id, uint64 retryDeadline);
    error RetryWindowOpen(bytes32 id, uint64 retryDeadline);
    error RetryFailed(bytes32 id, bytes reason);
    error HandlerOutOfGas(bytes32 id);
    error NotForwarder(address caller);
    error TreeFull();
    error VerifierNotSet();

    constructor(uint32 localDomain_, uint64 retryWindow_, address owner_) Owned(owner_) {
        localDomain = localDomain_;
        retryWindow = retryWindow_;
    }

    // ───────────────────────────── outbound ─────────────────────────────

    /// @notice Sends `body` to `recipient` on `destination`; returns the message id.
    function dispatch(uint32 destination, bytes32 recipient, bytes calldata body) external returns (bytes32 id) {
        if (destination == localDomain) revert DestinationIsLocal(destination);
        if (body.length > MAX_BODY_LENGTH) revert BodyTooLong(body.length, MAX_BODY_LENGTH);
        uint32 n = nonce;
        bytes memory message =
            Message.format(n, localDomain, Message.addressToBytes32(msg.sender), destination, recipient, body);
        id = keccak256(message);
        unchecked {
            nonce = n + 1;
        }
        emit Dispatch(id, destination, _insert(id), message);
    }

    /// @notice Mainnet only: appends an already verified SPN message bound for another SPN to this tree,
    /// so the destination SPN imports it by inclusion proof like any mainnet message.
    function insertForwarded(bytes calldata message) external returns (uint32 leafIndex) {
        if (msg.sender != forwarder) revert NotForwarder(msg.sender);
        bytes32 id = Message.idCalldata(message);
        leafIndex = _insert(id);
        emit Dispatch(id, message.destination(), leafIndex, message);
    }

    function _insert(bytes32 node) internal returns (uint32 leafIndex) {
        uint256 leaves = count;
        if (leaves >= MerkleLib.MAX_LEAVES) revert TreeFull();
        leafIndex = uint32(leaves);
        uint256 size = leaves + 1;
        count = uint32(size);
        for (uint256 i; i < MerkleLib.TREE_DEPTH; ++i) {
            if (size & 1 == 1) {
                branch[i] = node;
                return leafIndex;
            }
            node = _hashPair(branch[i], node);
            size >>= 1;
        }
        // Unreachable: size < 2^32 always has a set bit within 32 levels.
        assert(false);
    }

    /// @notice The outbox root: what this chain's checkpoints (and mainnet roots on SPNs) commit to.
    function root() public view returns (bytes32 node) {
        uint256 size = count;
        bytes32 zero;
        for (uint256 i; i < MerkleLib.TREE_DEPTH; ++i) {
            node = (size >> i) & 1 == 1 ? _hashPair(branch[i], node) : _hashPair(node, zero);
            zero = _hashPair(zero, zero);
        }
    }

    /// @notice (root, leaf count) read atomically, for checkpoint producers.
    function latestCheckpoint() external view returns (bytes32, uint32) {
        return (root(), count);
    }

    /// @notice The tree's stored frontier (one node per level), for off-chain proof builders.
    function branchNodes() external view returns (bytes32[32] memory) {
        return branch;
    }

    // ───────────────────────────── inbound ──────────────────────────────

    /// @notice Delivers `message` once, proven by `metadata` to this Mailbox's verifier.
    function process(bytes calldata metadata, bytes calldata message) external {
        Message.checkLength(message);
        if (message.version() != Message.VERSION) revert WrongVersion(message.version(), Message.VERSION);
        if (message.destination() != localDomain) revert WrongDestination(message.destination(), localDomain);
        bytes32 id = Message.idCalldata(message);
        uint8 current = deliveries[id].status;
        if (current != STATUS_NONE) revert AlreadyProcessed(id, current);
        // Effects first: a reentrant process/retry of this id now fails whatever the recipient does.
        deliveries[id].status = STATUS_DELIVERED;
        IMessageVerifier v = verifier;
        if (address(v) == address(0)) revert VerifierNotSet();
        if (!v.verify(metadata, message)) revert NotProven(id);
        address recipient = Message.bytes32ToAddress(message.recipient());
        emit Process(id, message.origin(), recipient);
        (bool ok, bytes memory reason) = _callHandler(id, recipient, message);
        if (!ok) {
            uint64 deadline = uint64(block.timestamp) + retryWindow;
            deliveries[id] = Delivery(STATUS_FAILED, deadline);
            emit DeliveryFailed(id, deadline, reason);
        }
    }

    /// @notice Re-runs the handler of a Failed message (anyone, before its retry deadline). Reverts with
    /// the handler's reason if it fails again, leaving the message Failed and retryable.
    function retry(bytes calldata message) external {
        Message.checkLength(message);
        bytes32 id = Message.idCalldata(message);
        Delivery memory d = deliveries[id];
        if (d.status != STATUS_FAILED) revert NotFailed(id, d.status);
        if (block.timestamp > d.retryDeadline) revert RetryWindowOver(id, d.retryDeadline);
        deliveries[id].status = STATUS_DELIVERED;
        address recipient = Message.bytes32ToAddress(message.recipient());
        emit Process(id, message.origin(), recipient);
        (bool ok, bytes memory reason) = _callHandler(id, recipient, message);
        if (!ok) revert RetryFailed(id, reason);
    }

    /// @notice Keeps a Failed message retryable for another `retryWindow` from now (anyone; never shortens).
    function extendRetry(bytes32 id) external {
        Delivery storage d = deliveries[id];
        if (d.status != STATUS_FAILED) revert NotFailed(id, d.status);
        if (block.timestamp > d.retryDeadline) revert RetryWindowOver(id, d.retryDeadline);
        uint64 deadline = uint64(block.timestamp) + retryWindow;
        if (deadline > d.retryDeadline) d.retryDeadline = deadline;
        emit RetryExtended(id, d.retryDeadline);
    }

    /// @notice Marks a Failed message whose retry window is over as Expired (final; bridges refund it).
    function expire(bytes32 id) external {
        Delivery storage d = deliveries[id];
        if (d.status != STATUS_FAILED) revert NotFailed(id, d.status);
        if (block.timestamp <= d.retryDeadline) revert RetryWindowOpen(id, d.retryDeadline);
        d.status = STATUS_EXPIRED;
        emit Expired(id);
    }

    /// @dev Calls `handle` keeping HANDLER_GAS_RESERVE back; copies at most MAX_REASON_LENGTH bytes of
    /// revert data (a returndata bomb cannot exhaust our gas). If the handler failed having used nearly
    /// all gas it could get, the relayer under-supplied gas: revert everything so the message stays new.
    function _callHandler(bytes32 id, address recipient, bytes calldata message)
        internal
        returns (bool ok, bytes memory reason)
    {
        if (recipient.code.length == 0) return (false, abi.encodeWithSignature("Error(string)", "no code"));
        bytes memory data =
            abi.encodeCall(IMessageRecipient.handle, (message.origin(), message.sender(), message.body()));
        uint256 gasBefore = gasleft();
        if (gasBefore <= HANDLER_GAS_RESERVE) revert HandlerOutOfGas(id);
        uint256 gasForHandler = gasBefore - HANDLER_GAS_RESERVE;
        uint256 reasonLength;
        assembly ("memory-safe") {
            ok := call(gasForHandler, recipient, 0, add(data, 0x20), mload(data), 0, 0)
            reasonLength := returndatasize()
        }
        if (ok) return (true, reason);
        if (gasleft() <= gasBefore / 63 + HANDLER_GAS_RESERVE) revert HandlerOutOfGas(id);
        if (reasonLength > MAX_REASON_LENGTH) reasonLength = MAX_REASON_LENGTH;
        reason = new bytes(reasonLength);
        assembly ("memory-safe") {
            returndatacopy(add(reason, 0x20), 0, reasonLength)
        }
    }

    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            mstore(0x00, a)
            mstore(0x20, b)
            h := keccak256(0x00, 0x40)
        }
    }

    // ───────────────────────────── views & admin ─────────────────────────

    /// @notice True once the id was processed (whatever its handler did): never submit it again.
    function delivered(bytes32 id) external view returns (bool) {
        return deliveries[id].status != STATUS_NONE;
    }

    function status(bytes32 id) external view returns (uint8) {
        return deliveries[id].status;
    }

    function retryDeadline(bytes32 id) external view returns (uint64) {
        return deliveries[id].retryDeadline;
    }

    function setVerifier(address verifier_) external onlyOwner {
        if (verifier_.code.length == 0) revert ZeroAddress("verifier contract");
        verifier = IMessageVerifier(verifier_);
        emit VerifierSet(verifier_);
    }

    function setForwarder(address forwarder_) external onlyOwner {
        forwarder = forwarder_;
        emit ForwarderSet(forwarder_);
    }
}
