// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Message} from "../libraries/Message.sol";
import {Mailbox} from "../Mailbox.sol";
import {BridgeBase} from "./BridgeBase.sol";
import {BridgeLedger} from "./BridgeLedger.sol";
import {BridgeMessages} from "./BridgeMessages.sol";
import {RateLimiter} from "./RateLimiter.sol";
import {WrappedToken} from "./WrappedToken.sol";

/// @title SpokeBridge
/// @notice SPN half of the bridge: mints canonical wrapped tokens for mainnet deposits and burns them to
/// withdraw. Balances live in this contract's ledger (`BridgeLedger`, fixed storage slots) so that after a
/// freeze mainnet's escape hatch can verify any user's balance with a state proof; `WrappedToken` is the
/// ERC-20 face of each ledger token. It only trusts messages from the mainnet HubBridge.
contract SpokeBridge is BridgeBase {
    using RateLimiter for RateLimiter.Bucket;

    uint32 public immutable hubDomain;
    bytes32 public immutable hubBridge;

    /// @notice Mainnet token → its ERC-20 facade on this SPN (deployed by the owner, CREATE2 salt = token).
    mapping(address token => address) public wrapped;

    event Minted(uint256 indexed depositNonce, address indexed token, address indexed to, uint256 amount);
    event Burned(address indexed token, address indexed from, uint256 amount, uint32 finalDomain, bytes32 messageId);
    event LedgerTransfer(address indexed token, address indexed from, address indexed to, uint256 amount);
    event ForcedRequestServed(uint256 indexed requestId, address indexed user, address token, uint256 burned);
    event WrappedDeployed(address indexed token, address wrapped);

    error InsufficientBalance(address token, address account, uint256 amount, uint256 balance);
    error NotWrappedFacade(address caller);
    error AlreadyWrapped(address token, address wrapped);
    error UnexpectedKind(uint8 kind);
    error ZeroRecipient();

    constructor(address owner_, Mailbox mailbox_, uint32 hubDomain_, address hubBridge_) BridgeBase(owner_, mailbox_) {
        hubDomain = hubDomain_;
        hubBridge = Message.addressToBytes32(hubBridge_);
    }

    // ───────────────────────────── users ─────────────────────────────

    /// @notice Burns `amount` and sends it to `to` on mainnet (`finalDomain` = mainnet's domain) or, via
    /// mainnet, to `to` on another SPN (`finalDomain` = that SPN's domain).
    function withdraw(address token, address to, uint256 amount, uint32 finalDomain)
        external
        whenNotPaused
        returns (bytes32 id)
    {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroRecipient();
        _burn(token, msg.sender, amount);
        outboundLimits[hubDomain][token].consume(amount);
        id = mailbox.dispatch(
            hubDomain,
            hubBridge,
            BridgeMessages.encode(
                BridgeMessages.Transfer(BridgeMessages.WITHDRAW, token, msg.sender, to, amount, 0, finalDomain)
            )
        );
        emit Burned(token, msg.sender, amount, finalDomain, id);
    }

    /// @notice Moves ledger balance (what the ERC-20 facade calls, and usable without one).
    function transfer(address token, address to, uint256 amount) external {
        _move(token, msg.sender, to, amount);
    }

    function facadeTransfer(address token, address from, address to, uint256 amount) external {
        if (msg.sender != wrapped[token] || msg.sender == address(0)) revert NotWrappedFacade(msg.sender);
        _move(token, from, to, amount);
    }

    function deployWrapped(address token, string calldata name, string calldata symbol, uint8 decimals)
        external
        onlyOwner
        returns (address facade)
    {
        if (wrapped[token] != address(0)) revert AlreadyWrapped(token, wrapped[token]);
        facade = address(new WrappedToken{salt: bytes32(uint256(uint160(token)))}(token, name, symbol, decimals));
        wrapped[token] = facade;
        emit WrappedDeployed(token, facade);
    }

    // ───────────────────────────── inbound ─────────────────────────────

    function handle(uint32 origin, bytes32 sender, bytes calldata body) external onlyMailbox {
        if (origin != hubDomain || sender != hubBridge) revert UnknownSender(origin, sender);
        BridgeMessages.Transfer memory t = BridgeMessages.decode(body);
        BridgeLedger.Layout storage l = BridgeLedger.layout();
        if (t.kind == BridgeMessages.MINT) {
            if (paused) revert IsPaused();
            inboundLimits[hubDomain][t.token].consume(t.amount);
            l.credited[t.ref] = true;
            _mint(t.token, t.to, t.amount);
            emit Minted(t.ref, t.token, t.to, t.amount);
        } else if (t.kind == BridgeMessages.REFUND_WITHDRAW) {
            _mint(t.token, t.from, t.amount);
        } else if (t.kind == BridgeMessages.FORCED_REQUEST) {
            // Forced requests ignore pause and rate limits: the SPN must serve them or be frozen.
            uint256 balance = l.balances[t.token][t.from];
            uint256 burned = t.amount < balance ? t.amount : balance;
            if (burned > 0) _burn(t.token, t.from, burned);
            mailbox.dispatch(
                hubDomain,
                hubBridge,
                BridgeMessages.encode(
                    BridgeMessages.Transfer(
                        BridgeMessages.FORCED_RESULT, t.token, t.from, t.from, burned, t.ref, hubDomain
                    )
                )
            );
            emit ForcedRequestServed(t.ref, t.from, t.token, burned);
        } else {
            revert UnexpectedKind(t.kind);
        }
    }

    /// @notice A MINT that expired undelivered (paused or rate-limited for too long) goes back to its
    /// depositor on mainnet. Anyone may call; each message bounces once.
    function bounce(bytes calldata message) external returns (bytes32 refundId) {
        bytes32 id = _claimBounce(message);
        if (Message.origin(message) != hubDomain || Message.sender(message) != hubBridge) {
            revert NotBounceable(id, "sender");
        }
        BridgeMessages.Transfer memory t = BridgeMessages.decode(Message.body(message));
        if (t.kind != BridgeMessages.MINT) revert NotBounceable(id, "kind");
        refundId = mailbox.dispatch(
            hubDomain,
            hubBridge,
            BridgeMessages.encode(
                BridgeMessages.Transfer(
                    BridgeMessages.REFUND_DEPOSIT, t.token, t.from, t.from, t.amount, t.ref, hubDomain
                )
            )
        );
        emit Bounced(id, refundId);
    }

    // ───────────────────────────── ledger ─────────────────────────────

    function balanceOf(address token, address account) external view returns (uint256) {
        return BridgeLedger.layout().balances[token][account];
    }

    function totalSupply(address token) external view returns (uint256) {
        return BridgeLedger.layout().totalSupply[token];
    }

    function credited(uint256 depositNonce) external view returns (bool) {
        return BridgeLedger.layout().credited[depositNonce];
    }

    /// @notice Storage slot of `balances[token][user]` in this contract (what escape proofs prove).
    function balanceSlot(address token, address user) external pure returns (bytes32) {
        return BridgeLedger.balanceSlot(token, user);
    }

    function creditedSlot(uint256 depositNonce) external pure returns (bytes32) {
        return BridgeLedger.creditedSlot(depositNonce);
    }

    function _mint(address token, address to, uint256 amount) internal {
        BridgeLedger.Layout storage l = BridgeLedger.layout();
        l.balances[token][to] += amount;
        l.totalSupply[token] += amount;
        _notify(token, address(0), to, amount);
    }

    function _burn(address token, address from, uint256 amount) internal {
        BridgeLedger.Layout storage l = BridgeLedger.layout();
        uint256 balance = l.balances[token][from];
        if (amount > balance) revert InsufficientBalance(token, from, amount, balance);
        l.balances[token][from] = balance - amount;
        l.totalSupply[token] -= amount;
        _notify(token, from, address(0), amount);
    }

    function _move(address token, address from, address to, uint256 amount) internal {
        if (to == address(0)) revert ZeroRecipient();
        BridgeLedger.Layout storage l = BridgeLedger.layout();
        uint256 balance = l.balances[token][from];
        if (amount > balance) revert InsufficientBalance(token, from, amount, balance);
        l.balances[token][from] = balance - amount;
        l.balances[token][to] += amount;
        emit LedgerTransfer(token, from, to, amount);
        _notify(token, from, to, amount);
    }

    function _notify(address token, address from, address to, uint256 amount) internal {
        address facade = wrapped[token];
        if (facade != address(0)) WrappedToken(facade).emitTransfer(from, to, amount);
    }
}
