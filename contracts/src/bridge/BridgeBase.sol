// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Owned} from "../access/Owned.sol";
import {IMessageRecipient} from "../interfaces/IMessageRecipient.sol";
import {Message} from "../libraries/Message.sol";
import {Mailbox} from "../Mailbox.sol";
import {RateLimiter} from "./RateLimiter.sol";

/// @notice What both bridge halves share: the Mailbox, guardian pause, per-lane (remote domain × token)
/// inbound and outbound rate limits, and the bookkeeping that lets an expired delivery bounce once.
abstract contract BridgeBase is IMessageRecipient, Owned {
    using RateLimiter for RateLimiter.Bucket;

    Mailbox public immutable mailbox;
    uint32 public immutable localDomain;
    address public guardian;
    bool public paused;

    mapping(uint32 domain => mapping(address token => RateLimiter.Bucket)) internal outboundLimits;
    mapping(uint32 domain => mapping(address token => RateLimiter.Bucket)) internal inboundLimits;
    mapping(bytes32 messageId => bool) public bounced;

    event PausedBy(address indexed account);
    event Unpaused();
    event GuardianSet(address guardian);
    event RateLimitSet(
        uint32 indexed domain, address indexed token, bool inbound, bool enabled, uint128 capacity, uint128 rate
    );
    event Bounced(bytes32 indexed messageId, bytes32 refundMessageId);

    error IsPaused();
    error NotGuardian(address caller);
    error NotMailbox(address caller);
    error UnknownSender(uint32 origin, bytes32 sender);
    error ZeroAmount();
    error NotBounceable(bytes32 messageId, string why);

    constructor(address owner_, Mailbox mailbox_) Owned(owner_) {
        mailbox = mailbox_;
        localDomain = mailbox_.localDomain();
    }

    modifier onlyMailbox() {
        if (msg.sender != address(mailbox)) revert NotMailbox(msg.sender);
        _;
    }

    modifier whenNotPaused() {
        if (paused) revert IsPaused();
        _;
    }

    /// @notice The guardian (or owner) stops user transfers in both directions; forced withdrawals and
    /// refunds keep flowing so a pause can never trap funds or push an SPN into a freeze.
    function pause() external {
        if (msg.sender != guardian && msg.sender != owner) revert NotGuardian(msg.sender);
        paused = true;
        emit PausedBy(msg.sender);
    }

    function unpause() external onlyOwner {
        paused = false;
        emit Unpaused();
    }

    function setGuardian(address guardian_) external onlyOwner {
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    function setRateLimit(uint32 domain, address token, bool inbound, bool enabled, uint128 capacity, uint128 rate)
        external
        onlyOwner
    {
        (inbound ? inboundLimits : outboundLimits)[domain][token].configure(enabled, capacity, rate);
        emit RateLimitSet(domain, token, inbound, enabled, capacity, rate);
    }

    function availableOutbound(uint32 domain, address token) external view returns (uint256) {
        return outboundLimits[domain][token].available();
    }

    function availableInbound(uint32 domain, address token) external view returns (uint256) {
        return inboundLimits[domain][token].available();
    }

    /// @dev Checks that `message` was sent to this bridge and expired undelivered, and marks it bounced.
    function _claimBounce(bytes calldata message) internal returns (bytes32 id) {
        Message.checkLength(message);
        id = Message.idCalldata(message);
        if (Message.destination(message) != localDomain) revert NotBounceable(id, "destination");
        if (Message.recipient(message) != Message.addressToBytes32(address(this))) {
            revert NotBounceable(id, "recipient");
        }
        if (mailbox.status(id) != mailbox.STATUS_EXPIRED()) revert NotBounceable(id, "not expired");
        if (bounced[id]) revert NotBounceable(id, "already bounced");
        bounced[id] = true;
    }
}
