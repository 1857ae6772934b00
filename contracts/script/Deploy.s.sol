// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {HubBridge} from "../src/bridge/HubBridge.sol";
import {SpokeBridge} from "../src/bridge/SpokeBridge.sol";
import {EscapeHatch} from "../src/escape/EscapeHatch.sol";
import {StoreProofVerifier} from "../src/escape/StoreProofVerifier.sol";
import {Timelock} from "../src/governance/Timelock.sol";
import {IStateProofVerifier} from "../src/interfaces/IStateProofVerifier.sol";
import {IValidatorSetSource} from "../src/interfaces/IValidatorSetSource.sol";
import {Mailbox} from "../src/Mailbox.sol";
import {MainnetRootVerifier} from "../src/MainnetRootVerifier.sol";
import {Registry, SPNConfig, SPNStatus} from "../src/Registry.sol";
import {SPNAdapter} from "../src/SPNAdapter.sol";
import {SPNManager} from "../src/SPNManager.sol";
import {OwnedValidatorSetSource} from "../src/validators/OwnedValidatorSetSource.sol";
import {DeployBase} from "./DeployBase.sol";

/// @notice Mainnet set: validator-set source (unless restaking's is given), SPNManager + Registry, Mailbox,
/// SPNAdapter, HubBridge, StoreProofVerifier, EscapeHatch, Timelock; then wires them.
///
///   DEPLOYER_KEY=0x.. [DEPLOYMENTS=path.json] [HUB_DOMAIN=1000] [PRODUCTION=false] [DEVNET_TRUSTED=false]
///   [VALIDATOR_SET_SOURCE=0x..] [RETRY_WINDOW=604800] [FORCED_REQUEST_FEE=1e16] [MAX_OPEN_REQUESTS=64]
///   [TIMELOCK_DELAY=172800]
///   forge script script/Deploy.s.sol:DeployHub --rpc-url $RPC --broadcast
///
/// Production (PRODUCTION=true) refuses the devnet trusted-relayer mode and an owner-fed validator source,
/// and hands every owner role to the Timelock (each `acceptOwnership` is then a timelocked call).
contract DeployHub is DeployBase {
    function run() external {
        _begin(string.concat("hub-", vm.toString(block.chainid)));
        uint32 hubDomain = uint32(vm.envOr("HUB_DOMAIN", uint256(1000)));
        bool production = vm.envOr("PRODUCTION", false);
        bool trusted = vm.envOr("DEVNET_TRUSTED", false);
        if (production && trusted) revert UnsafeSetting("DEVNET_TRUSTED cannot be used with PRODUCTION");
        address source = vm.envOr("VALIDATOR_SET_SOURCE", address(0));
        if (production && source == address(0)) {
            revert MissingSetting("VALIDATOR_SET_SOURCE", "restaking's IValidatorSetSource (required in production)");
        }

        if (source == address(0)) {
            source = _load("validatorSetSource");
            if (source == address(0)) {
                source = address(new OwnedValidatorSetSource(deployer));
                _save("validatorSetSource", source);
            }
        } else {
            _save("validatorSetSource", source);
        }

        SPNManager manager = SPNManager(_load("spnManager"));
        if (address(manager) == address(0)) {
            manager = new SPNManager(deployer, hubDomain, production, source);
            _save("spnManager", address(manager));
        }
        _save("registry", address(manager.registry()));

        Mailbox mailbox = Mailbox(_load("mailbox"));
        if (address(mailbox) == address(0)) {
            mailbox = new Mailbox(hubDomain, uint64(vm.envOr("RETRY_WINDOW", uint256(7 days))), deployer);
            _save("mailbox", address(mailbox));
        }

        SPNAdapter adapter = SPNAdapter(_load("spnAdapter"));
        if (address(adapter) == address(0)) {
            adapter = new SPNAdapter(deployer, manager, mailbox, trusted);
            _save("spnAdapter", address(adapter));
        }

        HubBridge bridge = HubBridge(payable(_load("hubBridge")));
        if (address(bridge) == address(0)) {
            bridge = new HubBridge(deployer, mailbox, manager.registry());
            _save("hubBridge", address(bridge));
        }

        address proofVerifier = _load("stateProofVerifier");
        if (proofVerifier == address(0)) {
            proofVerifier = address(new StoreProofVerifier());
            _save("stateProofVerifier", proofVerifier);
        }

        EscapeHatch hatch = EscapeHatch(_load("escapeHatch"));
        if (address(hatch) == address(0)) {
            hatch = new EscapeHatch(
                manager,
                adapter,
                bridge,
                IStateProofVerifier(proofVerifier),
                vm.envOr("FORCED_REQUEST_FEE", uint256(0.01 ether)),
                uint32(vm.envOr("MAX_OPEN_REQUESTS", uint256(64)))
            );
            _save("escapeHatch", address(hatch));
        }

        Timelock timelock = Timelock(_load("timelock"));
        if (address(timelock) == address(0)) {
            timelock = new Timelock(deployer, uint64(vm.envOr("TIMELOCK_DELAY", uint256(2 days))));
            _save("timelock", address(timelock));
        }

        // Wiring: each step only when not already in place, so re-runs are no-ops.
        if (mailbox.owner() == deployer) {
            if (address(mailbox.verifier()) != address(adapter)) mailbox.setVerifier(address(adapter));
            if (mailbox.forwarder() != address(adapter)) mailbox.setForwarder(address(adapter));
        }
        if (bridge.owner() == deployer && bridge.escapeHatch() != address(hatch)) {
            bridge.setEscapeHatch(address(hatch));
        }
        if (manager.owner() == deployer && manager.escapeHatch() != address(hatch)) {
            manager.setEscapeHatch(address(hatch));
        }
        if (trusted && adapter.owner() == deployer && adapter.trustedRelayer() != deployer) {
            adapter.setTrustedRelayer(deployer);
        }
        if (production) {
            if (manager.owner() == deployer && manager.pendingOwner() != address(timelock)) {
                manager.transferOwnership(address(timelock));
            }
            if (mailbox.owner() == deployer && mailbox.pendingOwner() != address(timelock)) {
                mailbox.transferOwnership(address(timelock));
            }
            if (adapter.owner() == deployer && adapter.pendingOwner() != address(timelock)) {
                adapter.transferOwnership(address(timelock));
            }
            if (bridge.owner() == deployer && bridge.pendingOwner() != address(timelock)) {
                bridge.transferOwnership(address(timelock));
            }
        }
        _end();
    }
}

/// @notice One SPN's set: validator-set source holding mainnet's validators, MainnetRootVerifier, Mailbox,
/// SpokeBridge; then wires them.
///
///   DEPLOYER_KEY=0x.. SPN_DOMAIN=1 MAINNET_CHAIN_ID=.. HUB_BRIDGE=0x.. MAINNET_VALIDATORS=0x..,0x..
///   [MAINNET_POWERS=1,1] [MAINNET_EPOCH=1] [HUB_DOMAIN=1000] [RETRY_WINDOW=604800] [DEPLOYMENTS=path.json]
///   forge script script/Deploy.s.sol:DeploySpn --rpc-url $SPN_RPC --broadcast
contract DeploySpn is DeployBase {
    function run() external {
        _begin(string.concat("spn-", vm.toString(block.chainid)));
        uint32 domain = uint32(vm.envOr("SPN_DOMAIN", uint256(0)));
        if (domain == 0) revert MissingSetting("SPN_DOMAIN", "this SPN's messaging domain");
        uint256 mainnetChainId = vm.envOr("MAINNET_CHAIN_ID", uint256(0));
        if (mainnetChainId == 0) revert MissingSetting("MAINNET_CHAIN_ID", "mainnet's EVM chain id");
        address hubBridge = vm.envOr("HUB_BRIDGE", address(0));
        if (hubBridge == address(0)) revert MissingSetting("HUB_BRIDGE", "the HubBridge address on mainnet");
        uint32 hubDomain = uint32(vm.envOr("HUB_DOMAIN", uint256(1000)));

        OwnedValidatorSetSource source = OwnedValidatorSetSource(_load("mainnetValidatorSetSource"));
        if (address(source) == address(0)) {
            source = new OwnedValidatorSetSource(deployer);
            _save("mainnetValidatorSetSource", address(source));
        }
        _publishMainnetSet(source);

        MainnetRootVerifier verifier = MainnetRootVerifier(_load("mainnetRootVerifier"));
        if (address(verifier) == address(0)) {
            verifier = new MainnetRootVerifier(mainnetChainId, IValidatorSetSource(address(source)));
            _save("mainnetRootVerifier", address(verifier));
        }

        Mailbox mailbox = Mailbox(_load("mailbox"));
        if (address(mailbox) == address(0)) {
            mailbox = new Mailbox(domain, uint64(vm.envOr("RETRY_WINDOW", uint256(7 days))), deployer);
            _save("mailbox", address(mailbox));
        }

        SpokeBridge bridge = SpokeBridge(_load("spokeBridge"));
        if (address(bridge) == address(0)) {
            bridge = new SpokeBridge(deployer, mailbox, hubDomain, hubBridge);
            _save("spokeBridge", address(bridge));
        }

        if (mailbox.owner() == deployer && address(mailbox.verifier()) != address(verifier)) {
            mailbox.setVerifier(address(verifier));
        }
        _end();
    }

    function _publishMainnetSet(OwnedValidatorSetSource source) internal {
        address[] memory validators = vm.envOr("MAINNET_VALIDATORS", ",", new address[](0));
        if (validators.length == 0) {
            revert MissingSetting("MAINNET_VALIDATORS", "comma-separated mainnet validator addresses, ascending");
        }
        uint256[] memory powers = vm.envOr("MAINNET_POWERS", ",", new uint256[](0));
        if (powers.length == 0) {
            powers = new uint256[](validators.length);
            for (uint256 i; i < powers.length; ++i) {
                powers[i] = 1;
            }
        }
        uint64 epoch = uint64(vm.envOr("MAINNET_EPOCH", uint256(1)));
        if (source.hasPublished(0) && source.latestEpoch(0) >= epoch) return;
        source.publish(0, epoch, validators, powers);
    }
}

/// @notice Registers and activates one SPN on mainnet (idempotent): publishes its validator set to the
/// owner-fed source (devnet), syncs it into the manager, registers the config, activates.
///
///   DEPLOYER_KEY=0x.. DEPLOYMENTS=hub.json SPN_DOMAIN=1 SPN_CHAIN_ID=.. SPN_BRIDGE=0x.. SPN_VALIDATORS=0x..,0x..
///   [SPN_POWERS=..] [SPN_EPOCH=1] [ESCAPE_WINDOW=86400] [RPC_HINTS=http://..]
///   forge script script/Deploy.s.sol:RegisterSpn --rpc-url $RPC --broadcast
contract RegisterSpn is DeployBase {
    function run() external {
        _begin(string.concat("hub-", vm.toString(block.chainid)));
        SPNManager manager = SPNManager(_load("spnManager"));
        SPNAdapter adapter = SPNAdapter(_load("spnAdapter"));
        if (address(manager) == address(0) || address(adapter) == address(0)) {
            revert MissingSetting("DEPLOYMENTS", "a hub deployment file (run DeployHub first)");
        }
        Registry registry = manager.registry();
        uint32 domain = uint32(vm.envOr("SPN_DOMAIN", uint256(0)));
        if (domain == 0) revert MissingSetting("SPN_DOMAIN", "the SPN's messaging domain");

        uint32 spnId = registry.spnIdByDomain(domain);
        if (spnId == 0) {
            address spnBridge = vm.envOr("SPN_BRIDGE", address(0));
            if (spnBridge == address(0)) revert MissingSetting("SPN_BRIDGE", "the SpokeBridge address on the SPN");
            SPNConfig memory c = SPNConfig({
                chainId: uint64(vm.envOr("SPN_CHAIN_ID", uint256(0))),
                domain: domain,
                adapter: address(adapter),
                bridge: spnBridge,
                escapeWindow: uint64(vm.envOr("ESCAPE_WINDOW", uint256(1 days))),
                blockGasLimit: uint64(vm.envOr("BLOCK_GAS_LIMIT", uint256(30_000_000))),
                maxHandleGas: uint64(vm.envOr("MAX_HANDLE_GAS", uint256(200_000))),
                rpcHints: vm.envOr("RPC_HINTS", string(""))
            });
            spnId = manager.register(deployer, c);
        }

        uint64 epoch = uint64(vm.envOr("SPN_EPOCH", uint256(1)));
        OwnedValidatorSetSource source = OwnedValidatorSetSource(address(manager.validatorSetSource()));
        if (
            address(source) == _load("validatorSetSource")
                && !(source.hasPublished(spnId) && source.latestEpoch(spnId) >= epoch)
        ) {
            address[] memory validators = vm.envOr("SPN_VALIDATORS", ",", new address[](0));
            if (validators.length == 0) {
                revert MissingSetting("SPN_VALIDATORS", "comma-separated validators, ascending");
            }
            uint256[] memory powers = vm.envOr("SPN_POWERS", ",", new uint256[](0));
            if (powers.length == 0) {
                powers = new uint256[](validators.length);
                for (uint256 i; i < powers.length; ++i) {
                    powers[i] = 1;
                }
            }
            source.publish(spnId, epoch, validators, powers);
        }
        SPNManager.ValidatorSet memory vs = manager.validatorSet(spnId);
        if (vs.headerHash == 0 || vs.epoch < epoch) manager.syncValidatorSet(spnId, epoch);
        if (registry.status(spnId) == SPNStatus.REGISTERED) manager.activate(spnId);
        _end();
    }
}
