// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// A liquid staking certificate for the native token: a non-rebasing ERC-20 whose value per share
/// grows with reward reports and shrinks with slash reports (the wstETH / rETH pattern).
///
/// Why it is shaped like this (see shared/research/restaking.md §4):
/// - `totalAssets` is tracked internally, never `address(this).balance`, so donations (force-sent
///   native, selfdestruct) cannot move the rate.
/// - Virtual shares/assets (1e3 / 1) and a revert on zero-share mints make the first-depositor
///   inflation attack cost the attacker more than it can take.
/// - The rate moves only through `reportRewards` (capped per report, minimum interval) and
///   `reportSlash` (capped per report); both emit `RateChanged`.
/// - Withdrawals are queued: a request locks shares, is finalized FIFO after `withdrawalDelay`
///   and pays the LOWER of the request-time and finalization-time value, so queueing does not
///   escape a slash (Lido's rule). Claims are pull-based so a reverting recipient blocks only itself.
/// - Freshly staked shares cannot move for `stakeLockBlocks` (rETH's deposit delay) to blunt
///   stake-before-report / exit-after-report sandwiches.
contract StakingCertificate is ERC20, Ownable2Step, ReentrancyGuard {
    uint256 public constant VIRTUAL_SHARES = 1e3;
    uint256 public constant VIRTUAL_ASSETS = 1;
    uint256 public constant BPS = 10_000;
    /// Where burned backing goes: native sent here is out of circulation.
    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;

    uint8 public constant PAUSE_STAKE = 1;
    uint8 public constant PAUSE_REQUEST = 2;
    uint8 public constant PAUSE_FINALIZE = 4;
    uint8 public constant PAUSE_CLAIM = 8;
    uint8 public constant PAUSE_TRANSFER = 16;

    struct Config {
        uint128 minWithdrawal; // assets
        uint128 maxWithdrawal; // assets
        uint64 withdrawalDelay; // seconds between request and earliest finalization
        uint64 minReportInterval; // seconds between reward reports
        uint16 maxRewardBps; // per reward report, of totalAssets
        uint16 maxSlashBps; // per slash report, of totalAssets
        uint32 stakeLockBlocks; // blocks after a stake during which the staker's shares cannot move
    }

    struct WithdrawalRequest {
        address owner;
        uint64 requestedAt;
        bool finalized;
        bool claimed;
        uint128 shares;
        uint128 assetsAtRequest;
        uint128 payout;
    }

    error ZeroAmount();
    error ZeroShares(uint256 assets);
    error Paused(uint8 flag);
    error NotReporter(address caller);
    error NotPauser(address caller);
    error ReportTooSoon(uint256 nextAllowedAt);
    error RewardTooLarge(uint256 amount, uint256 max);
    error SlashTooLarge(uint256 amount, uint256 max);
    error WithdrawalTooSmall(uint256 assets, uint256 min);
    error WithdrawalTooLarge(uint256 assets, uint256 max);
    error StakeLocked(address account, uint256 unlockBlock);
    error NotRequestOwner(uint256 id, address caller);
    error NotFinalized(uint256 id);
    error AlreadyClaimed(uint256 id);
    error UnknownRequest(uint256 id);
    error NativeTransferFailed(address to, uint256 amount);
    error InvalidConfig(string reason);

    event Staked(address indexed account, uint256 assets, uint256 shares);
    event RateChanged(uint256 totalAssets, uint256 totalSupply, string reason);
    event WithdrawalRequested(uint256 indexed id, address indexed owner, uint256 shares, uint256 assetsAtRequest);
    event WithdrawalFinalized(uint256 indexed id, uint256 payout);
    event WithdrawalClaimed(uint256 indexed id, address indexed recipient, uint256 payout);
    event Burned(address indexed account, uint256 shares, uint256 assets);
    event PausedFlags(uint8 flags);
    event ConfigUpdated(Config config);
    event ReporterUpdated(address reporter);
    event PauserUpdated(address pauser);

    uint256 private _totalAssets;
    /// Native owed to finalized, unclaimed requests (not part of totalAssets).
    uint256 public reservedForClaims;
    uint8 public pausedFlags;
    address public reporter;
    address public pauser;
    uint64 public lastRewardReportAt;
    Config private _config;
    WithdrawalRequest[] private _requests;
    uint256 public nextToFinalize;
    mapping(address => uint256) public lastStakeBlock;

    constructor(address owner_, address reporter_, Config memory config_)
        ERC20("spnkit Staking Certificate", "spnSC")
        Ownable(owner_)
    {
        reporter = reporter_;
        pauser = owner_;
        _setConfig(config_);
    }

    modifier whenNotPaused(uint8 flag) {
        if (pausedFlags & flag != 0) revert Paused(flag);
        _;
    }

    // ---- ERC-4626-style views -----------------------------------------------------------------

    function totalAssets() public view returns (uint256) {
        return _totalAssets;
    }

    function convertToShares(uint256 assets) public view returns (uint256) {
        return Math.mulDiv(assets, totalSupply() + VIRTUAL_SHARES, _totalAssets + VIRTUAL_ASSETS);
    }

    function convertToAssets(uint256 shares) public view returns (uint256) {
        return Math.mulDiv(shares, _totalAssets + VIRTUAL_ASSETS, totalSupply() + VIRTUAL_SHARES);
    }

    function previewStake(uint256 assets) external view returns (uint256) {
        return convertToShares(assets);
    }

    function previewRedeem(uint256 shares) external view returns (uint256) {
        return convertToAssets(shares);
    }

    function config() external view returns (Config memory) {
        return _config;
    }

    function withdrawalRequest(uint256 id) external view returns (WithdrawalRequest memory) {
        if (id >= _requests.length) revert UnknownRequest(id);
        return _requests[id];
    }

    function withdrawalRequestCount() external view returns (uint256) {
        return _requests.length;
    }

    // ---- staking ------------------------------------------------------------------------------

    /// Stakes `msg.value` native and mints certificate shares (rounded down, in the vault's favour).
    function stake() external payable whenNotPaused(PAUSE_STAKE) returns (uint256 shares) {
        if (msg.value == 0) revert ZeroAmount();
        shares = convertToShares(msg.value);
        if (shares == 0) revert ZeroShares(msg.value);
        _totalAssets += msg.value;
        lastStakeBlock[msg.sender] = block.number;
        _mint(msg.sender, shares);
        emit Staked(msg.sender, msg.value, shares);
    }

    /// Burns the caller's shares together with their backing (sent to BURN_ADDRESS), leaving the
    /// rate of every other holder unchanged (up to rounding in their favour). Used to burn slashed stake.
    function burn(uint256 shares) external nonReentrant returns (uint256 assets) {
        if (shares == 0) revert ZeroAmount();
        assets = convertToAssets(shares);
        _burn(msg.sender, shares);
        _totalAssets -= assets;
        _sendNative(BURN_ADDRESS, assets);
        emit Burned(msg.sender, shares, assets);
    }

    // ---- rate reports -------------------------------------------------------------------------

    /// Adds `msg.value` rewards to the backing; capped at `maxRewardBps` of total assets per
    /// report and at most one report per `minReportInterval`.
    function reportRewards() external payable {
        if (msg.sender != reporter) revert NotReporter(msg.sender);
        if (msg.value == 0) revert ZeroAmount();
        uint256 nextAllowed = uint256(lastRewardReportAt) + _config.minReportInterval;
        if (lastRewardReportAt != 0 && block.timestamp < nextAllowed) revert ReportTooSoon(nextAllowed);
        uint256 max = _totalAssets * _config.maxRewardBps / BPS;
        if (msg.value > max) revert RewardTooLarge(msg.value, max);
        lastRewardReportAt = uint64(block.timestamp);
        _totalAssets += msg.value;
        emit RateChanged(_totalAssets, totalSupply(), "rewards");
    }

    /// Records a loss of backing (a penalty on the underlying mainnet stake): `assets` leave the
    /// pool to BURN_ADDRESS; capped at `maxSlashBps` of total assets per report.
    function reportSlash(uint256 assets) external nonReentrant {
        if (msg.sender != reporter) revert NotReporter(msg.sender);
        if (assets == 0) revert ZeroAmount();
        uint256 max = _totalAssets * _config.maxSlashBps / BPS;
        if (assets > max) revert SlashTooLarge(assets, max);
        _totalAssets -= assets;
        _sendNative(BURN_ADDRESS, assets);
        emit RateChanged(_totalAssets, totalSupply(), "slash");
    }

    // ---- withdrawal queue ---------------------------------------------------------------------

    function requestWithdrawal(uint256 shares) external whenNotPaused(PAUSE_REQUEST) returns (uint256 id) {
        if (shares == 0) revert ZeroAmount();
        uint256 assets = convertToAssets(shares);
        if (assets < _config.minWithdrawal) revert WithdrawalTooSmall(assets, _config.minWithdrawal);
        if (assets > _config.maxWithdrawal) revert WithdrawalTooLarge(assets, _config.maxWithdrawal);
        _transfer(msg.sender, address(this), shares);
        id = _requests.length;
        _requests.push(
            WithdrawalRequest({
                owner: msg.sender,
                requestedAt: uint64(block.timestamp),
                finalized: false,
                claimed: false,
                shares: uint128(shares),
                assetsAtRequest: uint128(assets),
                payout: 0
            })
        );
        emit WithdrawalRequested(id, msg.sender, shares, assets);
    }

    /// Finalizes up to `maxCount` matured requests in FIFO order (permissionless). Each pays
    /// min(value at request, value now); the difference stays with the remaining holders.
    function finalize(uint256 maxCount) external whenNotPaused(PAUSE_FINALIZE) returns (uint256 finalized) {
        uint256 id = nextToFinalize;
        uint256 end = _requests.length;
        uint256 delay = _config.withdrawalDelay;
        while (id < end && finalized < maxCount) {
            WithdrawalRequest storage request = _requests[id];
            if (uint256(request.requestedAt) + delay > block.timestamp) break;
            uint256 now_ = convertToAssets(request.shares);
            uint256 payout = now_ < request.assetsAtRequest ? now_ : request.assetsAtRequest;
            _burn(address(this), request.shares);
            _totalAssets -= payout;
            reservedForClaims += payout;
            request.finalized = true;
            request.payout = uint128(payout);
            emit WithdrawalFinalized(id, payout);
            id++;
            finalized++;
        }
        nextToFinalize = id;
    }

    function claim(uint256 id, address recipient) external nonReentrant whenNotPaused(PAUSE_CLAIM) {
        if (id >= _requests.length) revert UnknownRequest(id);
        WithdrawalRequest storage request = _requests[id];
        if (request.owner != msg.sender) revert NotRequestOwner(id, msg.sender);
        if (!request.finalized) revert NotFinalized(id);
        if (request.claimed) revert AlreadyClaimed(id);
        request.claimed = true;
        uint256 payout = request.payout;
        reservedForClaims -= payout;
        _sendNative(recipient, payout);
        emit WithdrawalClaimed(id, recipient, payout);
    }

    // ---- administration -----------------------------------------------------------------------

    /// The pauser may only add pause flags; the owner may set any combination (unpause).
    function setPaused(uint8 flags) external {
        if (msg.sender != owner()) {
            if (msg.sender != pauser) revert NotPauser(msg.sender);
            if (flags & pausedFlags != pausedFlags) revert NotPauser(msg.sender);
        }
        pausedFlags = flags;
        emit PausedFlags(flags);
    }

    function setReporter(address reporter_) external onlyOwner {
        reporter = reporter_;
        emit ReporterUpdated(reporter_);
    }

    function setPauser(address pauser_) external onlyOwner {
        pauser = pauser_;
        emit PauserUpdated(pauser_);
    }

    function setConfig(Config calldata config_) external onlyOwner {
        _setConfig(config_);
    }

    function _setConfig(Config memory config_) private {
        if (config_.minWithdrawal == 0 || config_.minWithdrawal > config_.maxWithdrawal) {
            revert InvalidConfig("need 0 < minWithdrawal <= maxWithdrawal");
        }
        if (config_.maxRewardBps > 1000) revert InvalidConfig("maxRewardBps above 10% per report");
        if (config_.maxSlashBps > 5000) revert InvalidConfig("maxSlashBps above 50% per report");
        if (config_.withdrawalDelay == 0) revert InvalidConfig("withdrawalDelay must be > 0");
        _config = config_;
        emit ConfigUpdated(config_);
    }

    // ---- internals ----------------------------------------------------------------------------

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0) && to != address(this)) {
            if (pausedFlags & PAUSE_TRANSFER != 0) revert Paused(PAUSE_TRANSFER);
        }
        if (from != address(0) && from != address(this)) {
            uint256 unlock = lastStakeBlock[from] + _config.stakeLockBlocks;
            if (lastStakeBlock[from] != 0 && block.number < unlock) revert StakeLocked(from, unlock);
        }
        super._update(from, to, value);
    }

    function _sendNative(address to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert NativeTransferFailed(to, amount);
    }
}
