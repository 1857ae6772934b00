// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The WASM pricing engine's interface: an ordinary Solidity interface, nothing WASM-specific.
interface IPricer {
    function quote(uint256 spot, uint256 strike, uint256 volBps, uint256 secondsToExpiry)
        external
        view
        returns (uint256 callPremium, uint256 putPremium);
}

/// A derivatives vault that prices options through whichever IPricer it is given (a WASM contract
/// in AssemblyScript or C, or the Solidity reference below) and records the last quote.
contract OptionVault {
    event Quoted(address indexed pricer, uint256 callPremium, uint256 putPremium);

    uint256 public lastCall;
    uint256 public lastPut;

    function price(IPricer pricer, uint256 spot, uint256 strike, uint256 volBps, uint256 secondsToExpiry)
        external
        returns (uint256 callPremium, uint256 putPremium)
    {
        (callPremium, putPremium) = pricer.quote(spot, strike, volBps, secondsToExpiry);
        lastCall = callPremium;
        lastPut = putPremium;
        emit Quoted(address(pricer), callPremium, putPremium);
    }
}

/// The pricing model of wasm-examples/*/pricer in Solidity, for comparing gas and results.
contract SolidityPricer is IPricer {
    uint256 private constant YEAR = 31_536_000;

    function quote(uint256 spot, uint256 strike, uint256 volBps, uint256 secondsToExpiry)
        external
        pure
        returns (uint256 callPremium, uint256 putPremium)
    {
        require(spot < 1 << 40 && strike < 1 << 40, "Pricer: price out of range");
        require(volBps <= 100_000, "Pricer: volatility out of range");
        require(secondsToExpiry <= 10 * YEAR, "Pricer: expiry out of range");
        uint256 sqrtT = isqrt((secondsToExpiry * 100_000_000) / YEAR);
        uint256 time = (((spot * volBps) / 10_000) * sqrtT * 4) / 100_000;
        callPremium = (spot > strike ? spot - strike : 0) + time;
        putPremium = (strike > spot ? strike - spot : 0) + time;
    }

    function isqrt(uint256 x) private pure returns (uint256 r) {
        if (x == 0) return 0;
        r = x;
        uint256 y = (r + 1) >> 1;
        while (y < r) {
            r = y;
            y = (r + x / r) >> 1;
        }
    }
}

/// A call-chain hop in Solidity, the twin of wasm-examples/assemblyscript/forwarder.ts (same raw
/// calldata: flags ‖ target ‖ payload; same flags).
contract Relay {
    uint256 public visits;

    fallback(bytes calldata input) external returns (bytes memory) {
        uint8 flags = input.length > 0 ? uint8(input[0]) : 0;
        if (flags & 1 != 0) visits += 1;
        address target = input.length >= 21 ? address(bytes20(input[1:21])) : address(0);
        bytes memory result = abi.encode(visits);
        if (target != address(0)) {
            bool ok;
            (ok, result) = flags & 8 != 0 ? target.staticcall(input[21:]) : target.call(input[21:]);
            if (!ok && flags & 4 == 0) {
                assembly {
                    revert(add(result, 32), mload(result))
                }
            }
        }
        if (flags & 2 != 0) {
            assembly {
                mstore(0, 0xdeadbeef00000000000000000000000000000000000000000000000000000000)
                revert(0, 4)
            }
        }
        return result;
    }
}

/// Writes storage when called; used to check static-call protection across VMs.
contract Writer {
    uint256 public value;

    function write(uint256 v) external {
        value = v;
    }
}
