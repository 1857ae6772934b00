// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "spnkit-test/Vm.sol";

/// @notice Idempotent, resumable deployment bookkeeping: every address goes into a JSON file as soon as it
/// is deployed, and a later run reuses any recorded address that has code on the chain (a run that died
/// half way, or whose broadcast failed, simply continues where the chain actually is).
abstract contract DeployBase {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
    string internal constant OBJECT = "deployment";

    string internal path;
    string internal existing;
    string[] internal keys;
    mapping(string => address) internal addresses;
    uint256 internal deployerKey;
    address internal deployer;

    error MissingSetting(string name, string what);
    error UnsafeSetting(string what);

    function _begin(string memory defaultName) internal {
        deployerKey = vm.envOr("DEPLOYER_KEY", uint256(0));
        if (deployerKey == 0) revert MissingSetting("DEPLOYER_KEY", "the deployer's private key (hex uint)");
        deployer = vm.addr(deployerKey);
        path = vm.envOr("DEPLOYMENTS", string.concat(vm.projectRoot(), "/deployments/", defaultName, ".json"));
        if (vm.exists(path)) {
            existing = vm.readFile(path);
            // Carry every recorded contract forward, so rewriting the file never drops one.
            string[] memory recorded = vm.parseJsonKeys(existing, "$");
            for (uint256 i; i < recorded.length; ++i) {
                if (keccak256(bytes(recorded[i])) != keccak256("chainId")) _load(recorded[i]);
            }
        }
        vm.startBroadcast(deployerKey);
    }

    function _end() internal {
        vm.stopBroadcast();
        if (keys.length > 0) _save(keys[0], addresses[keys[0]]);
    }

    /// @notice The recorded address of `key` if it has code on this chain, else address(0).
    function _load(string memory key) internal returns (address a) {
        if (bytes(existing).length > 0 && vm.keyExistsJson(existing, string.concat(".", key))) {
            a = vm.parseJsonAddress(existing, string.concat(".", key));
            if (a.code.length == 0) a = address(0);
        }
        if (a != address(0)) _remember(key, a);
    }

    function _save(string memory key, address a) internal {
        _remember(key, a);
        string memory json;
        for (uint256 i; i < keys.length; ++i) {
            json = vm.serializeAddress(OBJECT, keys[i], addresses[keys[i]]);
        }
        json = vm.serializeUint(OBJECT, "chainId", block.chainid);
        vm.writeJson(json, path);
    }

    function _remember(string memory key, address a) private {
        if (addresses[key] == address(0)) keys.push(key);
        addresses[key] = a;
    }
}
