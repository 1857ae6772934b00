// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BridgeLedger} from "../bridge/BridgeLedger.sol";
import {HubBridge} from "../bridge/HubBridge.sol";
import {IStateProofVerifier} from "../interfaces/IStateProofVerifier.sol";
import {Registry, SPNStatus} from "../Registry.sol";
import {SPNAdapter} from "../SPNAdapter.sol";
import {SPNManager} from "../SPNManager.sol";

/// @title EscapeHatch
/// @notice Users' guarantee that they can always get their funds back to mainnet (StarkEx-style):
///
/// 1. `requestForcedWithdrawal` (fee, capped number of open requests per SPN) sends a forced request to
///    the SPN's bridge; the SPN must answer it (FORCED_RESULT) within its escape window.
/// 2. If a request misses its deadline, or the SPN has not checkpointed for longer than its escape window,
///    anyone may freeze the SPN. A frozen SPN accepts no checkpoints, so its last accepted state root is
///    final.
/// 3. Users then `escapeWithdraw`: a state proof of their balance in the SPN bridge's ledger against that
///    root releases it from the SPN's locked funds (one claim per leaf, never more than locked), and
///    `reclaimDeposit` returns deposits the SPN provably never credited.
contract EscapeHatch {
    uint8 internal constant OPEN = 1;
    uint8 internal constant SERVED = 2;
    uint8 internal constant FEE_REFUNDED = 3;

    SPNManager public immutable manager;
    Registry public immutable registry;
    SPNAdapter public immutable adapter;
    HubBridge public immutable bridge;
    IStateProofVerifier public immutable proofVerifier;
    /// @notice Price of a forced request (anti-spam; goes to the SPN owner when served, back to the user
    /// if the SPN gets frozen first).
    uint256 public immutable forcedRequestFee;
    /// @notice Open forced requests allowed per SPN at once (Loopring: 4,096).
    uint32 public immutable maxOpenRequests;

    struct Request {
        uint32 spnId;
        uint8 state;
        uint64 deadline;
        address user;
        address token;
        uint256 amount;
    }

    mapping(uint256 id => Request) public requests;
    uint256 public requestCount;
    mapping(uint32 spnId => uint32) public openRequests;
    mapping(uint32 spnId => mapping(bytes32 storeKey => bool)) public claimed;
    mapping(address account => uint256) public feesOwed;

    event ForcedWithdrawalRequested(
        uint256 indexed id, uint32 indexed spnId, address indexed user, address token, uint256 amount, uint64 deadline
    );
    event ForcedWithdrawalServed(uint256 indexed id, uint32 indexed spnId);
    event Frozen(uint32 indexed spnId, string reason);
    event EscapeClaimed(uint32 indexed spnId, address indexed user, address indexed token, uint256 amount, bytes32 key);
    event DepositReclaimed(uint32 indexed spnId, uint256 indexed nonce, address depositor, uint256 amount);

    error WrongFee(uint256 sent, uint256 fee);
    error TooManyOpenRequests(uint32 spnId, uint32 open);
    error ZeroAmount();
    error NotActive(uint32 spnId, uint8 status);
    error NotFrozen(uint32 spnId, uint8 status);
    error NotBridge(address caller);
    error UnknownRequest(uint256 id);
    error RequestNotOpen(uint256 id, uint8 state);
    error WrongSPN(uint256 id, uint32 domain);
    error DeadlineNotPassed(uint256 id, uint64 deadline);
    error CheckpointsNotStale(uint32 spnId, uint64 lastCheckpoint, uint64 window);
    error NoFinalizedState(uint32 spnId);
    error AlreadyClaimed(uint32 spnId, bytes32 key);
    error InvalidStateProof(uint32 spnId, bytes32 key);
    error NothingOwed();
    error TransferFailed();

    constructor(
        SPNManager manager_,
        SPNAdapter adapter_,
        HubBridge bridge_,
        IStateProofVerifier proofVerifier_,
        uint256 forcedRequestFee_,
        uint32 maxOpenRequests_
    ) {
        manager = manager_;
        registry = manager_.registry();
        adapter = adapter_;
        bridge = bridge_;
        proofVerifier = proofVerifier_;
        forcedRequestFee = forcedRequestFee_;
        maxOpenRequests = maxOpenRequests_;
    }

    // ───────────────────────────── forced requests ─────────────────────────────

    function requestForcedWithdrawal(uint32 spnId, address token, uint256 amount)
        external
        payable
        returns (uint256 id)
    {
        if (msg.value != forcedRequestFee) revert WrongFee(msg.value, forcedRequestFee);
        if (amount == 0) revert ZeroAmount();
        (uint8 status, uint32 domain,, uint64 window,) = registry.escapeInfo(spnId);
        if (status != SPNStatus.ACTIVE) revert NotActive(spnId, status);
        uint32 open = openRequests[spnId];
        if (open >= maxOpenRequests) revert TooManyOpenRequests(spnId, open);
        openRequests[spnId] = open + 1;
        id = ++requestCount;
        uint64 deadline = uint64(block.timestamp) + window;
        requests[id] = Request(spnId, OPEN, deadline, msg.sender, token, amount);
        bridge.sendForcedRequest(domain, id, token, msg.sender, amount);
        emit ForcedWithdrawalRequested(id, spnId, msg.sender, token, amount, deadline);
    }

    /// @notice The hub bridge reports that the SPN answered request `id` (FORCED_RESULT from `domain`).
    function markServed(uint32 domain, uint256 id) external {
        if (msg.sender != address(bridge)) revert NotBridge(msg.sender);
        Request storage r = requests[id];
        if (r.state == 0) revert UnknownRequest(id);
        if (registry.spnIdByDomain(domain) != r.spnId) revert WrongSPN(id, domain);
        // Answered after the fee was already refunded (the SPN froze first): the burned funds must still
        // be released, so this is not an error; there is just no fee left to pay.
        if (r.state != OPEN) return;
        r.state = SERVED;
        openRequests[r.spnId] -= 1;
        feesOwed[registry.ownerOf(r.spnId)] += forcedRequestFee;
        emit ForcedWithdrawalServed(id, r.spnId);
    }

    /// @notice Once the SPN is frozen, an unserved request's fee goes back to its user.
    function refundFee(uint256 id) external {
        Request storage r = requests[id];
        if (r.state != OPEN) revert RequestNotOpen(id, r.state);
        uint8 status = registry.status(r.spnId);
        if (status != SPNStatus.FROZEN && status != SPNStatus.RETIRED) revert NotFrozen(r.spnId, status);
        r.state = FEE_REFUNDED;
        openRequests[r.spnId] -= 1;
        feesOwed[r.user] += forcedRequestFee;
    }

    function withdrawFees() external {
        uint256 amount = feesOwed[msg.sender];
        if (amount == 0) revert NothingOwed();
        feesOwed[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    // ───────────────────────────── freezing ─────────────────────────────

    /// @notice Anyone: freezes the SPN that let forced request `id` pass its deadline unanswered.
    function freezeForMissedRequest(uint256 id) external {
        Request storage r = requests[id];
        if (r.state != OPEN) revert RequestNotOpen(id, r.state);
        if (block.timestamp <= r.deadline) revert DeadlineNotPassed(id, r.deadline);
        _freeze(r.spnId, "forced request missed");
    }

    /// @notice Anyone: freezes an SPN with no accepted checkpoint for longer than its escape window.
    function freezeForStaleCheckpoints(uint32 spnId) external {
        (uint8 status,,, uint64 window, uint64 activatedAt) = registry.escapeInfo(spnId);
        if (status != SPNStatus.ACTIVE) revert NotActive(spnId, status);
        (bool exists,,, uint64 lastAt) = adapter.latestStateRoot(spnId);
        uint64 last = exists && lastAt > activatedAt ? lastAt : activatedAt;
        if (block.timestamp <= uint256(last) + window) revert CheckpointsNotStale(spnId, last, window);
        _freeze(spnId, "checkpoints stale");
    }

    function _freeze(uint32 spnId, string memory reason) internal {
        uint8 status = registry.status(spnId);
        if (status != SPNStatus.ACTIVE) revert NotActive(spnId, status);
        manager.freeze(spnId);
        emit Frozen(spnId, reason);
    }

    // ───────────────────────────── exits ─────────────────────────────

    /// @notice Pays `user` their `amount` of `token` proven in the frozen SPN bridge's ledger against the
    /// SPN's last finalized state root. Anyone may submit; funds go only to `user`; once per leaf.
    function escapeWithdraw(uint32 spnId, address token, address user, uint256 amount, bytes calldata proof) external {
        if (amount == 0) revert ZeroAmount();
        (uint32 domain, address spnBridge, bool finalized, bytes32 root) = _frozenState(spnId);
        if (!finalized) revert NoFinalizedState(spnId);
        bytes32 key = BridgeLedger.storeKey(spnBridge, BridgeLedger.balanceSlot(token, user));
        if (claimed[spnId][key]) revert AlreadyClaimed(spnId, key);
        if (!proofVerifier.verify(root, key, abi.encode(amount), proof)) revert InvalidStateProof(spnId, key);
        claimed[spnId][key] = true;
        bridge.escapeRelease(domain, token, user, amount);
        emit EscapeClaimed(spnId, user, token, amount, key);
    }

    /// @notice Returns deposit `nonce` to its depositor when the frozen SPN's final state proves it was
    /// never credited (absence of the ledger's credited flag). If the SPN never had a checkpoint accepted,
    /// nothing it did is final, so every outstanding deposit is returned without a proof.
    function reclaimDeposit(
        uint32 spnId,
        uint256 nonce,
        address token,
        address depositor,
        uint256 amount,
        bytes calldata absenceProof
    ) external {
        (uint32 domain, address spnBridge, bool finalized, bytes32 root) = _frozenState(spnId);
        if (finalized) {
            bytes32 key = BridgeLedger.storeKey(spnBridge, BridgeLedger.creditedSlot(nonce));
            if (!proofVerifier.verify(root, key, "", absenceProof)) revert InvalidStateProof(spnId, key);
        }
        bridge.reclaimDeposit(domain, nonce, token, depositor, amount);
        emit DepositReclaimed(spnId, nonce, depositor, amount);
    }

    function _frozenState(uint32 spnId)
        internal
        view
        returns (uint32 domain, address spnBridge, bool finalized, bytes32 root)
    {
        uint8 status;
        (status, domain, spnBridge,,) = registry.escapeInfo(spnId);
        if (status != SPNStatus.FROZEN && status != SPNStatus.RETIRED) revert NotFrozen(spnId, status);
        (finalized,, root,) = adapter.latestStateRoot(spnId);
    }
}
