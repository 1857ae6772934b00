// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Timelock
/// @notice Delays governance calls: the admin schedules a call, and it can run only after its delay
/// (≥ minDelay) and within a grace period; the admin may cancel before it runs. Changing the delay or the
/// admin is itself a timelocked call to this contract. Owns SPNManager, Mailbox, adapter and bridges in
/// production, so no governance action can outrun users' exits (keep minDelay above the escape window).
contract Timelock {
    uint64 public constant GRACE_PERIOD = 14 days;
    uint64 public constant MAX_DELAY = 60 days;
    uint64 internal constant DONE = 1;

    address public admin;
    uint64 public minDelay;
    /// @notice Operation id → earliest execution time (0 = unknown, 1 = executed).
    mapping(bytes32 id => uint64) public readyAt;

    event Scheduled(
        bytes32 indexed id, address indexed target, uint256 value, bytes data, bytes32 salt, uint64 readyAt
    );
    event Executed(bytes32 indexed id, address indexed target, uint256 value, bytes data);
    event Cancelled(bytes32 indexed id);
    event MinDelayChanged(uint64 minDelay);
    event AdminChanged(address admin);

    error NotAdmin(address caller);
    error NotSelf(address caller);
    error DelayTooShort(uint64 delay, uint64 minDelay);
    error DelayTooLong(uint64 delay, uint64 maxDelay);
    error AlreadyScheduled(bytes32 id);
    error NotScheduled(bytes32 id);
    error NotReady(bytes32 id, uint64 readyAt, uint256 now_);
    error Stale(bytes32 id, uint64 expiredAt);
    error CallFailed(bytes32 id, bytes reason);

    constructor(address admin_, uint64 minDelay_) {
        if (minDelay_ > MAX_DELAY) revert DelayTooLong(minDelay_, MAX_DELAY);
        admin = admin_;
        minDelay = minDelay_;
        emit AdminChanged(admin_);
        emit MinDelayChanged(minDelay_);
    }

    modifier onlyAdmin() {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        _;
    }

    function hashOperation(address target, uint256 value, bytes calldata data, bytes32 salt)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(target, value, data, salt));
    }

    function schedule(address target, uint256 value, bytes calldata data, bytes32 salt, uint64 delay)
        external
        onlyAdmin
        returns (bytes32 id)
    {
        if (delay < minDelay) revert DelayTooShort(delay, minDelay);
        if (delay > MAX_DELAY) revert DelayTooLong(delay, MAX_DELAY);
        id = hashOperation(target, value, data, salt);
        if (readyAt[id] != 0) revert AlreadyScheduled(id);
        uint64 at = uint64(block.timestamp) + delay;
        // readyAt must never collide with the DONE marker, even with a zero delay at timestamp 1.
        if (at <= DONE) at = DONE + 1;
        readyAt[id] = at;
        emit Scheduled(id, target, value, data, salt, at);
    }

    function execute(address target, uint256 value, bytes calldata data, bytes32 salt)
        external
        payable
        onlyAdmin
        returns (bytes memory result)
    {
        bytes32 id = hashOperation(target, value, data, salt);
        uint64 at = readyAt[id];
        if (at <= DONE) revert NotScheduled(id);
        if (block.timestamp < at) revert NotReady(id, at, block.timestamp);
        if (block.timestamp > uint256(at) + GRACE_PERIOD) revert Stale(id, at + GRACE_PERIOD);
        readyAt[id] = DONE;
        bool ok;
        (ok, result) = target.call{value: value}(data);
        if (!ok) revert CallFailed(id, result);
        emit Executed(id, target, value, data);
    }

    function cancel(bytes32 id) external onlyAdmin {
        if (readyAt[id] <= DONE) revert NotScheduled(id);
        delete readyAt[id];
        emit Cancelled(id);
    }

    function isDone(bytes32 id) external view returns (bool) {
        return readyAt[id] == DONE;
    }

    /// @notice Only through a scheduled call to this contract.
    function setMinDelay(uint64 minDelay_) external {
        if (msg.sender != address(this)) revert NotSelf(msg.sender);
        if (minDelay_ > MAX_DELAY) revert DelayTooLong(minDelay_, MAX_DELAY);
        minDelay = minDelay_;
        emit MinDelayChanged(minDelay_);
    }

    /// @notice Only through a scheduled call to this contract.
    function setAdmin(address admin_) external {
        if (msg.sender != address(this)) revert NotSelf(msg.sender);
        admin = admin_;
        emit AdminChanged(admin_);
    }
}
