// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {StakingCertificate} from "./StakingCertificate.sol";
import {UsdPriceOracle} from "./UsdPriceOracle.sol";

/// Restaking of staking certificates into SPNs.
///
/// Model (EigenLayer "unique stake", research §1.3-1.6, simplified to one asset):
/// - Each operator runs a pool: delegators deposit certificates and receive pool shares
///   (virtual offsets, revert on zero shares). Pool assets are tracked internally.
/// - The operator allocates magnitudes (WAD fractions of its pool) to SPNs; the sum of magnitudes
///   (`encumbered`) never exceeds `maxMagnitude` (starts at 1e18, only decreases by slashing).
///   Stake allocated to an SPN = pool assets x magnitude / maxMagnitude and only that SPN's
///   evidence can slash it; a slash lowers the SPN's magnitude and maxMagnitude together so every
///   other SPN's allocated stake is unchanged.
/// - Withdrawals are queued: queued shares stay in the pool (so they are slashed like everyone
///   else) until `withdrawalDelay` passes; completion is blocked while a slash is pending.
/// - Deallocations take `deallocationDelay` (> evidence window + veto period) and stay slashable.
contract Restaking is Ownable2Step, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    uint64 public constant WAD = 1e18;
    uint256 public constant POOL_VIRTUAL_SHARES = 1e3;
    uint256 public constant POOL_VIRTUAL_ASSETS = 1;
    uint256 public constant BPS = 10_000;
    /// Upper bound on operators registered to one SPN: bounds the gas of a header publication.
    uint16 public constant MAX_OPERATORS_PER_SPN = 512;
    bytes32 public constant KEY_DOMAIN = keccak256("spnkit.restaking.consensus-key.v1");

    struct Operator {
        bool registered;
        address consensusKey;
        uint64 maxMagnitude;
        uint64 encumbered;
        uint32 pendingSlashes;
        uint256 assets; // certificate shares owned by the pool (incl. queued withdrawals)
        uint256 shares; // pool shares (incl. queued)
        uint256 queuedShares;
    }

    struct Allocation {
        bool registered;
        bool jailed; // set when an equivocation slash executed: never in this SPN's set again
        uint64 magnitude; // slashable magnitude (includes a pending decrease until it clears)
        uint64 pendingDecrease;
        uint64 effectAt; // when the pending decrease may be cleared
        uint64 slashableUntil; // after deregistration: no re-registration before this
        uint32 pendingSlashes;
    }

    struct Spn {
        bool exists;
        bool active;
        uint64 chainId;
        uint64 epochDuration;
        uint16 slashBps; // of the captured power, per proven equivocation
        uint16 maxValidators;
        address vetoer;
        uint256 minStakeUsd; // 18 decimals
    }

    struct Withdrawal {
        address staker;
        address operator;
        uint64 startedAt;
        bool completed;
        uint256 shares;
    }

    StakingCertificate public immutable certificate;
    UsdPriceOracle public immutable priceOracle;
    uint64 public immutable evidenceWindow;
    uint64 public immutable vetoPeriod;
    uint64 public immutable deallocationDelay;
    uint64 public immutable withdrawalDelay;

    address public slasher;
    uint256 public totalPooledAssets;

    mapping(address => Operator) private _operators;
    mapping(address => mapping(uint32 => Allocation)) private _allocations;
    mapping(address => address) public operatorOfKey; // keys are bound forever, even after rotation
    mapping(address => Checkpoints.Trace208) private _stakeHistory;

    mapping(address => address) public delegatedTo;
    mapping(address => uint256) public delegatorShares;
    Withdrawal[] private _withdrawals;

    mapping(uint32 => Spn) private _spns;
    mapping(uint64 => uint32) public spnIdOfChain;
    mapping(uint32 => address[]) private _spnOperators;
    mapping(uint32 => mapping(address => uint256)) private _spnOperatorIndex; // index + 1

    error ZeroAmount();
    error ZeroAddress(string what);
    error InvalidConfig(string reason);
    error NotSlasher(address caller);
    error SlasherAlreadySet(address slasher);
    error OperatorAlreadyRegistered(address operator);
    error NotOperator(address account);
    error KeyAlreadyBound(address key, address operator);
    error BadKeyProof(address key, address recovered);
    error OperatorFullySlashed(address operator);
    error OperatorSlashPending(address operator, uint32 pendingSlashes);
    error DelegatedElsewhere(address staker, address operator);
    error ZeroPoolShares(uint256 assets);
    error InsufficientShares(uint256 requested, uint256 available);
    error UnknownWithdrawal(uint256 id);
    error NotWithdrawalStaker(uint256 id, address caller);
    error WithdrawalAlreadyCompleted(uint256 id);
    error WithdrawalDelayNotPassed(uint256 id, uint256 completableAt);
    error SpnExists(uint32 spnId);
    error UnknownSpn(uint32 spnId);
    error SpnInactive(uint32 spnId);
    error ChainIdTaken(uint64 chainId, uint32 spnId);
    error AlreadyRegisteredForSpn(address operator, uint32 spnId);
    error NotRegisteredForSpn(address operator, uint32 spnId);
    error StillSlashable(address operator, uint32 spnId, uint256 until);
    error SpnFull(uint32 spnId, uint256 maxOperators);
    error BelowMinimumStake(address operator, uint32 spnId, uint256 usdValue, uint256 minUsd);
    error Jailed(address operator, uint32 spnId);
    error OverAllocation(uint256 requested, uint256 available);
    error OverDeallocation(uint256 requested, uint256 available);
    error AllocationStillActive(address operator, uint32 spnId, uint256 magnitude);
    error NoPendingDeallocation(address operator, uint32 spnId);
    error DeallocationNotReady(uint256 effectAt);

    event SlasherSet(address slasher);
    event OperatorRegistered(address indexed operator, address indexed consensusKey);
    event ConsensusKeyRotated(address indexed operator, address indexed oldKey, address indexed newKey);
    event Delegated(address indexed staker, address indexed operator, uint256 assets, uint256 shares);
    event WithdrawalQueued(uint256 indexed id, address indexed staker, address indexed operator, uint256 shares);
    event WithdrawalCompleted(uint256 indexed id, address indexed staker, uint256 assets);
    event SpnCreated(uint32 indexed spnId, Spn config);
    event SpnUpdated(uint32 indexed spnId, Spn config);
    event OperatorSpnRegistered(address indexed operator, uint32 indexed spnId);
    event OperatorSpnDeregistered(address indexed operator, uint32 indexed spnId, uint256 slashableUntil);
    event Allocated(address indexed operator, uint32 indexed spnId, uint64 magnitude, uint64 total);
    event DeallocationQueued(address indexed operator, uint32 indexed spnId, uint64 magnitude, uint64 effectAt);
    event DeallocationCleared(address indexed operator, uint32 indexed spnId, uint64 magnitude);
    event SlashPending(address indexed operator, uint32 indexed spnId);
    event SlashCancelled(address indexed operator, uint32 indexed spnId);
    event Slashed(address indexed operator, uint32 indexed spnId, uint256 assets, uint64 magnitude);

    constructor(
        address owner_,
        StakingCertificate certificate_,
        UsdPriceOracle priceOracle_,
        uint64 evidenceWindow_,
        uint64 vetoPeriod_,
        uint64 deallocationDelay_,
        uint64 withdrawalDelay_
    ) Ownable(owner_) {
        if (address(certificate_) == address(0)) revert ZeroAddress("certificate");
        if (address(priceOracle_) == address(0)) revert ZeroAddress("priceOracle");
        if (evidenceWindow_ == 0 || vetoPeriod_ == 0) {
            revert InvalidConfig("evidence window and veto period must be > 0");
        }
        if (deallocationDelay_ <= uint256(evidenceWindow_) + vetoPeriod_) {
            revert InvalidConfig("deallocationDelay must exceed evidenceWindow + vetoPeriod");
        }
        if (withdrawalDelay_ < deallocationDelay_) {
            revert InvalidConfig("withdrawalDelay must be >= deallocationDelay");
        }
        certificate = certificate_;
        priceOracle = priceOracle_;
        evidenceWindow = evidenceWindow_;
        vetoPeriod = vetoPeriod_;
        deallocationDelay = deallocationDelay_;
        withdrawalDelay = withdrawalDelay_;
    }

    modifier onlySlasher() {
        if (msg.sender != slasher) revert NotSlasher(msg.sender);
        _;
    }

    // ---- administration -----------------------------------------------------------------------

    /// The slashing contract; set once (a swappable slasher is a governance attack surface).
    function setSlasher(address slasher_) external onlyOwner {
        if (slasher != address(0)) revert SlasherAlreadySet(slasher);
        if (slasher_ == address(0)) revert ZeroAddress("slasher");
        slasher = slasher_;
        emit SlasherSet(slasher_);
    }

    function createSpn(uint32 spnId, Spn calldata config) external onlyOwner {
        if (_spns[spnId].exists) revert SpnExists(spnId);
        if (spnIdOfChain[config.chainId] != 0) revert ChainIdTaken(config.chainId, spnIdOfChain[config.chainId]);
        if (spnId == 0) revert InvalidConfig("spnId 0 is reserved");
        _checkSpn(config);
        Spn memory stored = config;
        stored.exists = true;
        _spns[spnId] = stored;
        spnIdOfChain[config.chainId] = spnId;
        emit SpnCreated(spnId, stored);
    }

    /// Updates an SPN's parameters (not its chain id).
    function updateSpn(uint32 spnId, Spn calldata config) external onlyOwner {
        Spn storage spn = _spn(spnId);
        if (config.chainId != spn.chainId) revert InvalidConfig("chainId cannot change");
        _checkSpn(config);
        Spn memory stored = config;
        stored.exists = true;
        _spns[spnId] = stored;
        emit SpnUpdated(spnId, stored);
    }

    function _checkSpn(Spn calldata config) private view {
        if (config.chainId == 0) revert InvalidConfig("chainId must be > 0");
        if (config.slashBps == 0 || config.slashBps > BPS) revert InvalidConfig("slashBps must be in (0, 10000]");
        if (config.maxValidators == 0 || config.maxValidators > MAX_OPERATORS_PER_SPN) {
            revert InvalidConfig("maxValidators must be in [1, 512]");
        }
        if (config.epochDuration == 0 || uint256(config.epochDuration) * 2 > evidenceWindow) {
            revert InvalidConfig("epochDuration must be in (0, evidenceWindow / 2]");
        }
        if (config.vetoer == address(0)) revert ZeroAddress("vetoer");
    }

    // ---- operators ----------------------------------------------------------------------------

    /// Message a consensus key signs (raw digest, no prefix) to prove it belongs to `operator`:
    /// stops anyone from binding someone else's key (framing or blocking it).
    function keyProofDigest(address operator) public view returns (bytes32) {
        return keccak256(abi.encode(KEY_DOMAIN, block.chainid, address(this), operator));
    }

    function registerOperator(address consensusKey, bytes calldata keyProof) external {
        Operator storage op = _operators[msg.sender];
        if (op.registered) revert OperatorAlreadyRegistered(msg.sender);
        _bindKey(msg.sender, consensusKey, keyProof);
        op.registered = true;
        op.consensusKey = consensusKey;
        op.maxMagnitude = WAD;
        emit OperatorRegistered(msg.sender, consensusKey);
    }

    /// Future headers use the new key; past headers keep the old one, which stays bound to this
    /// operator so evidence signed with it remains slashable.
    function rotateConsensusKey(address newKey, bytes calldata keyProof) external {
        Operator storage op = _operator(msg.sender);
        _bindKey(msg.sender, newKey, keyProof);
        emit ConsensusKeyRotated(msg.sender, op.consensusKey, newKey);
        op.consensusKey = newKey;
    }

    function _bindKey(address operator, address key, bytes calldata proof) private {
        if (key == address(0)) revert ZeroAddress("consensusKey");
        if (operatorOfKey[key] != address(0)) revert KeyAlreadyBound(key, operatorOfKey[key]);
        address recovered = _recover(keyProofDigest(operator), proof);
        if (recovered != key) revert BadKeyProof(key, recovered);
        operatorOfKey[key] = operator;
    }

    // ---- delegation and withdrawals -----------------------------------------------------------

    /// Deposits `assets` certificate shares into `operator`'s pool.
    function delegate(address operator, uint256 assets) external nonReentrant returns (uint256 shares) {
        if (assets == 0) revert ZeroAmount();
        Operator storage op = _operator(operator);
        if (op.maxMagnitude == 0) revert OperatorFullySlashed(operator);
        // A pending slash was sized on stake captured earlier; new money must not dilute or pay for it.
        if (op.pendingSlashes != 0) revert OperatorSlashPending(operator, op.pendingSlashes);
        address current = delegatedTo[msg.sender];
        if (current != address(0) && current != operator) revert DelegatedElsewhere(msg.sender, current);
        shares = Math.mulDiv(assets, op.shares + POOL_VIRTUAL_SHARES, op.assets + POOL_VIRTUAL_ASSETS);
        if (shares == 0) revert ZeroPoolShares(assets);
        IERC20(address(certificate)).safeTransferFrom(msg.sender, address(this), assets);
        op.assets += assets;
        op.shares += shares;
        totalPooledAssets += assets;
        delegatedTo[msg.sender] = operator;
        delegatorShares[msg.sender] += shares;
        _checkpoint(operator, op);
        emit Delegated(msg.sender, operator, assets, shares);
    }

    /// Starts withdrawing `shares` pool shares; they keep earning slashes until completion.
    function queueWithdrawal(uint256 shares) external returns (uint256 id) {
        if (shares == 0) revert ZeroAmount();
        uint256 available = delegatorShares[msg.sender];
        if (shares > available) revert InsufficientShares(shares, available);
        address operator = delegatedTo[msg.sender];
        Operator storage op = _operators[operator];
        delegatorShares[msg.sender] = available - shares;
        if (available == shares) delegatedTo[msg.sender] = address(0);
        op.queuedShares += shares;
        id = _withdrawals.length;
        _withdrawals.push(
            Withdrawal({
                staker: msg.sender,
                operator: operator,
                startedAt: uint64(block.timestamp),
                completed: false,
                shares: shares
            })
        );
        _checkpoint(operator, op);
        emit WithdrawalQueued(id, msg.sender, operator, shares);
    }

    function completeWithdrawal(uint256 id) external nonReentrant returns (uint256 assets) {
        if (id >= _withdrawals.length) revert UnknownWithdrawal(id);
        Withdrawal storage w = _withdrawals[id];
        if (w.staker != msg.sender) revert NotWithdrawalStaker(id, msg.sender);
        if (w.completed) revert WithdrawalAlreadyCompleted(id);
        uint256 completableAt = uint256(w.startedAt) + withdrawalDelay;
        if (block.timestamp < completableAt) revert WithdrawalDelayNotPassed(id, completableAt);
        Operator storage op = _operators[w.operator];
        if (op.pendingSlashes != 0) revert OperatorSlashPending(w.operator, op.pendingSlashes);
        w.completed = true;
        assets = _sharesToAssets(op, w.shares);
        op.assets -= assets;
        op.shares -= w.shares;
        op.queuedShares -= w.shares;
        totalPooledAssets -= assets;
        _checkpoint(w.operator, op);
        IERC20(address(certificate)).safeTransfer(msg.sender, assets);
        emit WithdrawalCompleted(id, msg.sender, assets);
    }

    // ---- SPN registration and allocation ------------------------------------------------------

    function registerForSpn(uint32 spnId) external {
        Operator storage op = _operator(msg.sender);
        Spn storage spn = _spn(spnId);
        if (!spn.active) revert SpnInactive(spnId);
        Allocation storage a = _allocations[msg.sender][spnId];
        if (a.registered) revert AlreadyRegisteredForSpn(msg.sender, spnId);
        if (a.jailed) revert Jailed(msg.sender, spnId);
        if (block.timestamp < a.slashableUntil) revert StillSlashable(msg.sender, spnId, a.slashableUntil);
        address[] storage list = _spnOperators[spnId];
        if (list.length >= MAX_OPERATORS_PER_SPN) revert SpnFull(spnId, MAX_OPERATORS_PER_SPN);
        // A registration slot costs real stake: dust operators cannot fill the SPN's list.
        uint256 usd = priceOracle.usdValue(certificate.convertToAssets(_activeAssets(op)));
        if (usd < spn.minStakeUsd) revert BelowMinimumStake(msg.sender, spnId, usd, spn.minStakeUsd);
        a.registered = true;
        list.push(msg.sender);
        _spnOperatorIndex[spnId][msg.sender] = list.length;
        emit OperatorSpnRegistered(msg.sender, spnId);
    }

    /// Leaves an SPN. Every magnitude must already be deallocated (or pending); what is pending
    /// stays slashable until it clears, and re-registration waits `deallocationDelay`.
    function deregisterFromSpn(uint32 spnId) external {
        Allocation storage a = _allocations[msg.sender][spnId];
        if (!a.registered) revert NotRegisteredForSpn(msg.sender, spnId);
        uint64 live = a.magnitude - a.pendingDecrease;
        if (live != 0) revert AllocationStillActive(msg.sender, spnId, live);
        a.registered = false;
        a.slashableUntil = uint64(block.timestamp) + deallocationDelay;
        address[] storage list = _spnOperators[spnId];
        uint256 index = _spnOperatorIndex[spnId][msg.sender] - 1;
        address last = list[list.length - 1];
        list[index] = last;
        _spnOperatorIndex[spnId][last] = index + 1;
        list.pop();
        delete _spnOperatorIndex[spnId][msg.sender];
        emit OperatorSpnDeregistered(msg.sender, spnId, a.slashableUntil);
    }

    /// Adds `magnitude` (WAD fraction of the pool) to the operator's allocation to `spnId`.
    /// Deltas, not targets: a slash landing first can never turn a deallocation into an allocation.
    function allocate(uint32 spnId, uint64 magnitude) external {
        if (magnitude == 0) revert ZeroAmount();
        Operator storage op = _operator(msg.sender);
        Allocation storage a = _allocations[msg.sender][spnId];
        if (!a.registered) revert NotRegisteredForSpn(msg.sender, spnId);
        if (a.jailed) revert Jailed(msg.sender, spnId);
        uint64 available = op.maxMagnitude - op.encumbered;
        if (magnitude > available) revert OverAllocation(magnitude, available);
        op.encumbered += magnitude;
        a.magnitude += magnitude;
        emit Allocated(msg.sender, spnId, magnitude, a.magnitude);
    }

    /// Queues a decrease; it stays slashable until `clearDeallocation` after `deallocationDelay`.
    function deallocate(uint32 spnId, uint64 magnitude) external {
        if (magnitude == 0) revert ZeroAmount();
        Allocation storage a = _allocations[msg.sender][spnId];
        uint64 live = a.magnitude - a.pendingDecrease;
        if (magnitude > live) revert OverDeallocation(magnitude, live);
        a.pendingDecrease += magnitude;
        a.effectAt = uint64(block.timestamp) + deallocationDelay;
        emit DeallocationQueued(msg.sender, spnId, magnitude, a.effectAt);
    }

    function clearDeallocation(address operator, uint32 spnId) external {
        Allocation storage a = _allocations[operator][spnId];
        if (a.pendingDecrease == 0) revert NoPendingDeallocation(operator, spnId);
        if (block.timestamp < a.effectAt) revert DeallocationNotReady(a.effectAt);
        Operator storage op = _operators[operator];
        if (op.pendingSlashes != 0) revert OperatorSlashPending(operator, op.pendingSlashes);
        uint64 amount = a.pendingDecrease;
        a.pendingDecrease = 0;
        a.magnitude -= amount;
        op.encumbered -= amount;
        emit DeallocationCleared(operator, spnId, amount);
    }

    // ---- slashing hooks (only the Slashing contract) ------------------------------------------

    /// A verified offence was reported: freeze withdrawals, deallocations and new delegations of the
    /// operator, and keep it out of the SPN's next validator sets until the request resolves.
    function onSlashRequested(address operator, uint32 spnId) external onlySlasher {
        _operators[operator].pendingSlashes++;
        _allocations[operator][spnId].pendingSlashes++;
        emit SlashPending(operator, spnId);
    }

    function onSlashVetoed(address operator, uint32 spnId) external onlySlasher {
        _operators[operator].pendingSlashes--;
        _allocations[operator][spnId].pendingSlashes--;
        emit SlashCancelled(operator, spnId);
    }

    /// Removes up to `maxAssets` of the stake allocated to `spnId` (queued withdrawals included):
    /// magnitude is rounded up against the operator; the removed certificates go
    /// `whistleblowerBps` to `whistleblower` and the rest to `treasury`, or are burned when it is zero.
    function executeSlash(
        address operator,
        uint32 spnId,
        uint256 maxAssets,
        address whistleblower,
        uint256 whistleblowerBps,
        address treasury
    ) external onlySlasher nonReentrant returns (uint256 removed) {
        Operator storage op = _operators[operator];
        Allocation storage a = _allocations[operator][spnId];
        op.pendingSlashes--;
        a.pendingSlashes--;
        a.jailed = true;
        if (a.magnitude == 0 || op.assets == 0) {
            emit Slashed(operator, spnId, 0, 0);
            return 0;
        }
        uint256 slashable = Math.mulDiv(op.assets, a.magnitude, op.maxMagnitude);
        removed = maxAssets < slashable ? maxAssets : slashable;
        if (removed == 0) {
            emit Slashed(operator, spnId, 0, 0);
            return 0;
        }
        uint256 slashedMagnitude = Math.mulDiv(removed, op.maxMagnitude, op.assets, Math.Rounding.Ceil);
        uint64 magnitude = slashedMagnitude > a.magnitude ? a.magnitude : uint64(slashedMagnitude);
        a.magnitude -= magnitude;
        if (a.pendingDecrease > a.magnitude) a.pendingDecrease = a.magnitude;
        op.maxMagnitude -= magnitude;
        op.encumbered -= magnitude;
        op.assets -= removed;
        totalPooledAssets -= removed;
        _checkpoint(operator, op);
        emit Slashed(operator, spnId, removed, magnitude);

        uint256 reward = removed * whistleblowerBps / BPS;
        IERC20 cert = IERC20(address(certificate));
        if (reward != 0) cert.safeTransfer(whistleblower, reward);
        uint256 rest = removed - reward;
        if (rest != 0) {
            if (treasury != address(0)) cert.safeTransfer(treasury, rest);
            else certificate.burn(rest);
        }
    }

    // ---- views --------------------------------------------------------------------------------

    function operator(address account) external view returns (Operator memory) {
        return _operators[account];
    }

    function allocation(address operator_, uint32 spnId) external view returns (Allocation memory) {
        return _allocations[operator_][spnId];
    }

    function spn(uint32 spnId) external view returns (Spn memory) {
        return _spns[spnId];
    }

    function spnOperators(uint32 spnId) external view returns (address[] memory) {
        return _spnOperators[spnId];
    }

    function withdrawal(uint256 id) external view returns (Withdrawal memory) {
        if (id >= _withdrawals.length) revert UnknownWithdrawal(id);
        return _withdrawals[id];
    }

    function withdrawalCount() external view returns (uint256) {
        return _withdrawals.length;
    }

    /// Certificate value of pool shares of `operator` (rounded down).
    function sharesToAssets(address operator_, uint256 shares) public view returns (uint256) {
        return _sharesToAssets(_operators[operator_], shares);
    }

    /// What `staker` could withdraw now (excluding already queued withdrawals).
    function withdrawableAssets(address staker) external view returns (uint256) {
        return sharesToAssets(delegatedTo[staker], delegatorShares[staker]);
    }

    /// Pool assets not queued for withdrawal.
    function activeAssets(address operator_) external view returns (uint256) {
        return _activeAssets(_operators[operator_]);
    }

    /// Voting power for `spnId`: active (not queued) pool assets x live (not pending-deallocation) magnitude.
    function allocatedStake(address operator_, uint32 spnId) public view returns (uint256) {
        Operator storage op = _operators[operator_];
        if (op.maxMagnitude == 0) return 0;
        Allocation storage a = _allocations[operator_][spnId];
        return Math.mulDiv(_activeAssets(op), a.magnitude - a.pendingDecrease, op.maxMagnitude);
    }

    /// What `spnId` could slash now: all pool assets (queued included) x magnitude (pending included).
    function slashableStake(address operator_, uint32 spnId) external view returns (uint256) {
        Operator storage op = _operators[operator_];
        if (op.maxMagnitude == 0) return 0;
        return Math.mulDiv(op.assets, _allocations[operator_][spnId].magnitude, op.maxMagnitude);
    }

    /// Active pool assets of `operator` as of the end of block `blockNumber` (historical snapshot).
    function operatorStakeAt(address operator_, uint256 blockNumber) external view returns (uint256) {
        return _stakeHistory[operator_].upperLookup(SafeCast.toUint48(blockNumber));
    }

    /// Consensus keys and powers of the operators eligible for `spnId`'s next set: registered,
    /// not jailed, no pending slash, non-zero power. Unsorted; ValidatorSets sorts and filters.
    function spnCandidates(uint32 spnId) external view returns (address[] memory keys, uint256[] memory powers) {
        address[] storage list = _spnOperators[spnId];
        uint256 n = list.length;
        keys = new address[](n);
        powers = new uint256[](n);
        uint256 count;
        for (uint256 i; i < n; i++) {
            address operator_ = list[i];
            Allocation storage a = _allocations[operator_][spnId];
            if (a.jailed || a.pendingSlashes != 0) continue;
            uint256 power = allocatedStake(operator_, spnId);
            if (power == 0) continue;
            keys[count] = _operators[operator_].consensusKey;
            powers[count] = power;
            count++;
        }
        assembly ("memory-safe") {
            mstore(keys, count)
            mstore(powers, count)
        }
    }

    // ---- internals ----------------------------------------------------------------------------

    function _operator(address account) private view returns (Operator storage op) {
        op = _operators[account];
        if (!op.registered) revert NotOperator(account);
    }

    function _spn(uint32 spnId) private view returns (Spn storage s) {
        s = _spns[spnId];
        if (!s.exists) revert UnknownSpn(spnId);
    }

    function _sharesToAssets(Operator storage op, uint256 shares) private view returns (uint256) {
        return Math.mulDiv(shares, op.assets + POOL_VIRTUAL_ASSETS, op.shares + POOL_VIRTUAL_SHARES);
    }

    function _activeAssets(Operator storage op) private view returns (uint256) {
        if (op.shares == 0) return 0;
        return Math.mulDiv(op.assets, op.shares - op.queuedShares, op.shares);
    }

    function _checkpoint(address operator_, Operator storage op) private {
        _stakeHistory[operator_].push(SafeCast.toUint48(block.number), SafeCast.toUint208(_activeAssets(op)));
    }

    function _recover(bytes32 digest, bytes calldata sig) private pure returns (address) {
        if (sig.length != 65) return address(0);
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        return ecrecover(digest, v, r, s);
    }
}
