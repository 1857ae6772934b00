// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Token-bucket rate limit (CCIP token pools): up to `capacity` at once, refilling at
/// `ratePerSecond`. Splitting an amount into many small transfers drains the same bucket.
library RateLimiter {
    struct Bucket {
        uint128 capacity;
        uint128 ratePerSecond;
        uint128 tokens;
        uint64 updatedAt;
        bool enabled;
    }

    error RateLimited(uint256 amount, uint256 available);

    function available(Bucket storage b) internal view returns (uint256) {
        if (!b.enabled) return type(uint256).max;
        uint256 refilled = uint256(b.tokens) + (block.timestamp - b.updatedAt) * uint256(b.ratePerSecond);
        return refilled > b.capacity ? b.capacity : refilled;
    }

    function consume(Bucket storage b, uint256 amount) internal {
        if (!b.enabled) return;
        uint256 avail = available(b);
        if (amount > avail) revert RateLimited(amount, avail);
        b.tokens = uint128(avail - amount);
        b.updatedAt = uint64(block.timestamp);
    }

    /// @notice (Re)configures the bucket, starting full; capacity 0 with enabled=false disables it.
    function configure(Bucket storage b, bool enabled, uint128 capacity, uint128 ratePerSecond) internal {
        b.enabled = enabled;
        b.capacity = capacity;
        b.ratePerSecond = ratePerSecond;
        b.tokens = capacity;
        b.updatedAt = uint64(block.timestamp);
    }
}
