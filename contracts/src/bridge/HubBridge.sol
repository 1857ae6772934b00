// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Message} from "../libraries/Message.sol";
import {Mailbox} from "../Mailbox.sol";
import {Registry, SPNStatus} from "../Registry.sol";
import {BridgeBase} from "./BridgeBase.sol";
import {BridgeMessages} from "./BridgeMessages.sol";
import {RateLimiter} from "./RateLimiter.sol";

interface IForcedRequestSink {
    function markServed(uint32 domain, uint256 requestId) external;
}

/// @title HubBridge
/// @notice Mainnet half of the bridge: locks native value and ERC-20s for an SPN and releases them when the
/// SPN burns. `locked[domain][token]` is exactly what that SPN's wrapped supply plus in-flight transfers can
/// claim, and it is the ceiling for that SPN's escape claims. SPN → SPN transfers pass through here so
/// each SPN's backing stays exact. Releases never revert on the recipient: a failed payout becomes a
/// claimable balance (`owed`), so no inbound message can be blocked by the person it pays.
contract HubBridge is BridgeBase {
    using SafeERC20 for IERC20;
    using RateLimiter for RateLimiter.Bucket;

    Registry public immutable registry;
    address public escapeHatch;

    mapping(uint32 domain => mapping(address token => uint256)) public locked;
    /// @notice Deposit nonce → keccak256(abi.encode(domain, token, depositor, amount)); deleted once refunded.
    mapping(uint256 nonce => bytes32) public deposits;
    uint256 public depositCount;
    /// @notice Payouts whose transfer failed, claimable by the recipient.
    mapping(address token => mapping(address account => uint256)) public owed;

    event Deposited(
        uint256 indexed nonce, uint32 indexed domain, address indexed token, address from, address to, uint256 amount
    );
    event Released(uint32 indexed domain, address indexed token, address indexed to, uint256 amount);
    event Rerouted(uint32 indexed fromDomain, uint32 indexed toDomain, address indexed token, uint256 amount);
    event DepositRefunded(uint256 indexed nonce, address indexed depositor, uint256 amount);
    event PayoutOwed(address indexed token, address indexed to, uint256 amount);
    event EscapeHatchSet(address escapeHatch);

    error SPNNotActive(uint32 domain);
    error WrongValue(uint256 sent, uint256 expected);
    error FeeOnTransferToken(address token, uint256 received, uint256 expected);
    error InsufficientLocked(uint32 domain, address token, uint256 amount, uint256 locked);
    error NotEscapeHatch(address caller);
    error UnknownDeposit(uint256 nonce);
    error NothingOwed();
    error UnexpectedKind(uint8 kind);

    constructor(address owner_, Mailbox mailbox_, Registry registry_) BridgeBase(owner_, mailbox_) {
        registry = registry_;
    }

    function setEscapeHatch(address escapeHatch_) external onlyOwner {
        escapeHatch = escapeHatch_;
        emit EscapeHatchSet(escapeHatch_);
    }

    // ───────────────────────────── user entry points ─────────────────────────────

    /// @notice Locks `amount` of `token` (address(0) = native value, sent as msg.value) and mints it to
    /// `to` on the SPN with messaging domain `domain`. Returns the deposit nonce.
    function deposit(uint32 domain, address token, address to, uint256 amount)
        external
        payable
        whenNotPaused
        returns (uint256 nonce)
    {
        if (amount == 0) revert ZeroAmount();
        bytes32 remote = _activeBridge(domain);
        if (token == address(0)) {
            if (msg.value != amount) revert WrongValue(msg.value, amount);
        } else {
            if (msg.value != 0) revert WrongValue(msg.value, 0);
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
            uint256 received = IERC20(token).balanceOf(address(this)) - before;
            if (received != amount) revert FeeOnTransferToken(token, received, amount);
        }
        outboundLimits[domain][token].consume(amount);
        nonce = _lockAndMint(domain, remote, token, msg.sender, to, amount);
    }

    /// @notice Pays out a release whose transfer failed earlier.
    function claimOwed(address token) external {
        uint256 amount = owed[token][msg.sender];
        if (amount == 0) revert NothingOwed();
        owed[token][msg.sender] = 0;
        if (token == address(0)) {
            (bool ok,) = msg.sender.call{value: amount}("");
            if (!ok) revert WrongValue(0, amount);
        } else {
            IERC20(token).safeTransfer(msg.sender, amount);
        }
    }

    // ───────────────────────────── inbound messages ─────────────────────────────

    function handle(uint32 origin, bytes32 sender, bytes calldata body) external onlyMailbox {
        if (sender != _bridgeOf(origin)) revert UnknownSender(origin, sender);
        BridgeMessages.Transfer memory t = BridgeMessages.decode(body);
        if (t.kind == BridgeMessages.WITHDRAW) {
            if (paused) revert IsPaused();
            inboundLimits[origin][t.token].consume(t.amount);
            _unlock(origin, t.token, t.amount);
            if (t.finalDomain != localDomain && _isActive(t.finalDomain)) {
                emit Rerouted(origin, t.finalDomain, t.token, t.amount);
                _lockAndMint(t.finalDomain, _bridgeOf(t.finalDomain), t.token, t.from, t.to, t.amount);
            } else {
                _release(origin, t.token, t.to, t.amount);
            }
        } else if (t.kind == BridgeMessages.REFUND_DEPOSIT) {
            _settleDeposit(origin, t.ref, t.token, t.from, t.amount);
            _release(origin, t.token, t.from, t.amount);
            emit DepositRefunded(t.ref, t.from, t.amount);
        } else if (t.kind == BridgeMessages.FORCED_RESULT) {
            IForcedRequestSink(escapeHatch).markServed(origin, t.ref);
            if (t.amount > 0) {
                _unlock(origin, t.token, t.amount);
                _release(origin, t.token, t.to, t.amount);
            }
        } else {
            revert UnexpectedKind(t.kind);
        }
    }

    /// @notice A WITHDRAW that expired undelivered here (paused or rate-limited for too long) is refunded
    /// to the sender on its SPN. Anyone may call; each message bounces once.
    function bounce(bytes calldata message) external returns (bytes32 refundId) {
        bytes32 id = _claimBounce(message);
        uint32 origin = Message.origin(message);
        if (Message.sender(message) != _bridgeOf(origin)) revert NotBounceable(id, "sender");
        BridgeMessages.Transfer memory t = BridgeMessages.decode(Message.body(message));
        if (t.kind != BridgeMessages.WITHDRAW) revert NotBounceable(id, "kind");
        refundId = mailbox.dispatch(
            origin,
            _bridgeOf(origin),
            BridgeMessages.encode(
                BridgeMessages.Transfer(BridgeMessages.REFUND_WITHDRAW, t.token, t.from, t.from, t.amount, 0, origin)
            )
        );
        emit Bounced(id, refundId);
    }

    // ───────────────────────────── escape hatch ─────────────────────────────

    modifier onlyEscapeHatch() {
        if (msg.sender != escapeHatch) revert NotEscapeHatch(msg.sender);
        _;
    }

    /// @notice Sends a forced-withdrawal request to the SPN (bypasses pause and rate limits).
    function sendForcedRequest(uint32 domain, uint256 requestId, address token, address user, uint256 amount)
        external
        onlyEscapeHatch
        returns (bytes32)
    {
        return mailbox.dispatch(
            domain,
            _bridgeOf(domain),
            BridgeMessages.encode(
                BridgeMessages.Transfer(BridgeMessages.FORCED_REQUEST, token, user, user, amount, requestId, domain)
            )
        );
    }

    /// @notice Pays a proven escape claim out of the frozen SPN's locked funds (never more than locked).
    function escapeRelease(uint32 domain, address token, address to, uint256 amount) external onlyEscapeHatch {
        _unlock(domain, token, amount);
        _release(domain, token, to, amount);
    }

    /// @notice Returns a deposit the frozen SPN never credited.
    function reclaimDeposit(uint32 domain, uint256 nonce, address token, address depositor, uint256 amount)
        external
        onlyEscapeHatch
    {
        _settleDeposit(domain, nonce, token, depositor, amount);
        _release(domain, token, depositor, amount);
        emit DepositRefunded(nonce, depositor, amount);
    }

    // ───────────────────────────── internals ─────────────────────────────

    function _lockAndMint(uint32 domain, bytes32 remote, address token, address from, address to, uint256 amount)
        internal
        returns (uint256 nonce)
    {
        locked[domain][token] += amount;
        nonce = ++depositCount;
        deposits[nonce] = keccak256(abi.encode(domain, token, from, amount));
        mailbox.dispatch(
            domain,
            remote,
            BridgeMessages.encode(BridgeMessages.Transfer(BridgeMessages.MINT, token, from, to, amount, nonce, domain))
        );
        emit Deposited(nonce, domain, token, from, to, amount);
    }

    function _settleDeposit(uint32 domain, uint256 nonce, address token, address depositor, uint256 amount) internal {
        if (deposits[nonce] != keccak256(abi.encode(domain, token, depositor, amount))) revert UnknownDeposit(nonce);
        delete deposits[nonce];
        _unlock(domain, token, amount);
    }

    function _unlock(uint32 domain, address token, uint256 amount) internal {
        uint256 l = locked[domain][token];
        if (amount > l) revert InsufficientLocked(domain, token, amount, l);
        locked[domain][token] = l - amount;
    }

    function _release(uint32 domain, address token, address to, uint256 amount) internal {
        bool ok;
        if (token == address(0)) {
            (ok,) = to.call{value: amount}("");
        } else {
            (bool success, bytes memory ret) = token.call(abi.encodeCall(IERC20.transfer, (to, amount)));
            ok = success && (ret.length == 0 ? token.code.length > 0 : abi.decode(ret, (bool)));
        }
        if (!ok) {
            owed[token][to] += amount;
            emit PayoutOwed(token, to, amount);
        }
        emit Released(domain, token, to, amount);
    }

    function _bridgeOf(uint32 domain) internal view returns (bytes32) {
        uint32 spnId = registry.spnIdByDomain(domain);
        if (spnId == 0) return bytes32(0);
        (,, address bridge,,) = registry.escapeInfo(spnId);
        return Message.addressToBytes32(bridge);
    }

    function _isActive(uint32 domain) internal view returns (bool) {
        uint32 spnId = registry.spnIdByDomain(domain);
        return spnId != 0 && registry.status(spnId) == SPNStatus.ACTIVE;
    }

    function _activeBridge(uint32 domain) internal view returns (bytes32 remote) {
        if (!_isActive(domain)) revert SPNNotActive(domain);
        remote = _bridgeOf(domain);
    }
}
