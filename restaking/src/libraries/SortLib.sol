// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// In-memory sorting of (key, power) pairs for validator-set derivation. Quicksort over index
/// arrays keeps the pairs together; n is bounded by Restaking.MAX_OPERATORS_PER_SPN.
library SortLib {
    /// Sorts the pairs by power descending, ties by key ascending (deterministic top-N selection).
    function sortByPowerDesc(address[] memory keys, uint256[] memory powers) internal pure {
        if (keys.length > 1) _quickPower(keys, powers, 0, int256(keys.length - 1));
    }

    /// Sorts the pairs by key ascending.
    function sortByKeyAsc(address[] memory keys, uint256[] memory powers) internal pure {
        if (keys.length > 1) _quickKey(keys, powers, 0, int256(keys.length - 1));
    }

    function _before(address ka, uint256 pa, address kb, uint256 pb) private pure returns (bool) {
        return pa > pb || (pa == pb && ka < kb);
    }

    function _quickPower(address[] memory keys, uint256[] memory powers, int256 lo, int256 hi) private pure {
        while (lo < hi) {
            uint256 mid = uint256(lo + (hi - lo) / 2);
            address pk = keys[mid];
            uint256 pp = powers[mid];
            int256 i = lo;
            int256 j = hi;
            while (i <= j) {
                while (_before(keys[uint256(i)], powers[uint256(i)], pk, pp)) i++;
                while (_before(pk, pp, keys[uint256(j)], powers[uint256(j)])) j--;
                if (i <= j) {
                    _swap(keys, powers, uint256(i), uint256(j));
                    i++;
                    j--;
                }
            }
            // Recurse into the smaller half, loop on the larger: stack depth stays O(log n).
            if (j - lo < hi - i) {
                if (lo < j) _quickPower(keys, powers, lo, j);
                lo = i;
            } else {
                if (i < hi) _quickPower(keys, powers, i, hi);
                hi = j;
            }
        }
    }

    function _quickKey(address[] memory keys, uint256[] memory powers, int256 lo, int256 hi) private pure {
        while (lo < hi) {
            address pk = keys[uint256(lo + (hi - lo) / 2)];
            int256 i = lo;
            int256 j = hi;
            while (i <= j) {
                while (keys[uint256(i)] < pk) i++;
                while (pk < keys[uint256(j)]) j--;
                if (i <= j) {
                    _swap(keys, powers, uint256(i), uint256(j));
                    i++;
                    j--;
                }
            }
            if (j - lo < hi - i) {
                if (lo < j) _quickKey(keys, powers, lo, j);
                lo = i;
            } else {
                if (i < hi) _quickKey(keys, powers, i, hi);
                hi = j;
            }
        }
    }

    function _swap(address[] memory keys, uint256[] memory powers, uint256 a, uint256 b) private pure {
        (keys[a], keys[b]) = (keys[b], keys[a]);
        (powers[a], powers[b]) = (powers[b], powers[a]);
    }
}
