// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "spnkit-test/Vm.sol";
import {HubBridge} from "../../src/bridge/HubBridge.sol";
import {SpokeBridge} from "../../src/bridge/SpokeBridge.sol";
import {EscapeHatch} from "../../src/escape/EscapeHatch.sol";
import {StoreProofVerifier} from "../../src/escape/StoreProofVerifier.sol";
import {SPNConfig} from "../../src/Registry.sol";
import {ProtocolBase} from "./ProtocolBase.sol";
import {TestMerkle} from "./TestMerkle.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

contract TestToken is ERC20 {
    constructor() ERC20("Test", "TST") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @notice Hub + SPN1 bridges, escape hatch, and a relayer that moves every dispatched message across
/// with real checkpoints (SPN1: 11 of 16 signatures; mainnet: 3 of 4) and real Merkle proofs.
abstract contract BridgeTestBase is ProtocolBase {
    bytes32 internal constant DISPATCH_TOPIC = keccak256("Dispatch(bytes32,uint32,uint32,bytes)");
    uint256 internal constant FEE = 0.01 ether;

    HubBridge internal hubBridge;
    SpokeBridge internal spoke;
    EscapeHatch internal hatch;
    StoreProofVerifier internal proofVerifier;
    TestToken internal token;
    uint256 internal relayed;
    bytes[] internal hubProcessed;
    bytes[] internal spnProcessed;

    function setUpBridges() internal {
        setUpProtocol();
        hubBridge = new HubBridge(address(this), hub, registry);
        spoke = new SpokeBridge(address(this), spnMailbox, HUB, address(hubBridge));
        SPNConfig memory c;
        c.bridge = address(spoke);
        manager.updateConfig(spn1Id, manager.FIELD_BRIDGE(), c);
        proofVerifier = new StoreProofVerifier();
        hatch = new EscapeHatch(manager, adapter, hubBridge, proofVerifier, FEE, 4);
        hubBridge.setEscapeHatch(address(hatch));
        manager.setEscapeHatch(address(hatch));
        token = new TestToken();
        vm.recordLogs();
    }

    /// @notice Relays every pending message both ways until none is left.
    function _pump() internal {
        for (uint256 round; round < 10; ++round) {
            Vm.Log[] memory logs = vm.getRecordedLogs();
            bytes[] memory toHub = new bytes[](logs.length);
            bytes[] memory toSpn = new bytes[](logs.length);
            uint256 nHub;
            uint256 nSpn;
            for (uint256 i; i < logs.length; ++i) {
                if (logs[i].topics.length == 0 || logs[i].topics[0] != DISPATCH_TOPIC) continue;
                (, bytes memory message) = abi.decode(logs[i].data, (uint32, bytes));
                if (logs[i].emitter == address(spnMailbox)) {
                    spn1Leaves.push(keccak256(message));
                    toHub[nHub++] = message;
                } else if (logs[i].emitter == address(hub)) {
                    hubLeaves.push(keccak256(message));
                    if (uint32(uint256(logs[i].topics[2])) == SPN1) toSpn[nSpn++] = message;
                }
            }
            if (nHub == 0 && nSpn == 0) return;
            if (nHub > 0) {
                assertEq(spnMailbox.root(), TestMerkle.root(spn1Leaves), "tracked SPN tree");
                spn1Height += 10;
                _submitSPN(spn1Id, spn1Height, _spnStateRoot(), spnMailbox.root());
                for (uint256 i; i < nHub; ++i) {
                    hub.process(TestMerkle.metadata(spn1Height, spn1Leaves, _indexOf(spn1Leaves, toHub[i])), toHub[i]);
                    hubProcessed.push(toHub[i]);
                    relayed++;
                }
            }
            if (nSpn > 0) {
                uint64 h = _checkpointHub();
                for (uint256 i; i < nSpn; ++i) {
                    spnMailbox.process(TestMerkle.metadata(h, hubLeaves, _indexOf(hubLeaves, toSpn[i])), toSpn[i]);
                    spnProcessed.push(toSpn[i]);
                    relayed++;
                }
            }
        }
        revert("pump: messages still pending after 10 rounds");
    }

    /// @notice The SPN state root checkpoints carry; escape tests override it with a real store root.
    function _spnStateRoot() internal virtual returns (bytes32) {
        return keccak256(abi.encode("spn-state", spn1Height));
    }

    function _indexOf(bytes32[] storage leaves, bytes memory message) internal view returns (uint256) {
        bytes32 id = keccak256(message);
        for (uint256 i = leaves.length; i > 0; --i) {
            if (leaves[i - 1] == id) return i - 1;
        }
        revert("pump: unknown leaf");
    }
}
