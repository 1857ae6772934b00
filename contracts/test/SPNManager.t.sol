// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Owned} from "../src/access/Owned.sol";
import {ValidatorSetHeader} from "../src/interfaces/IValidatorSetSource.sol";
import {Registry, SPNConfig, SPNRecord} from "../src/Registry.sol";
import {SPNManager} from "../src/SPNManager.sol";
import {OwnedValidatorSetSource} from "../src/validators/OwnedValidatorSetSource.sol";
import {ProtocolBase} from "./helpers/ProtocolBase.sol";

/// @notice A validator-set source that returns whatever header it is told to (to attack the manager).
contract ScriptedSource {
    mapping(uint32 => mapping(uint64 => ValidatorSetHeader)) internal h;

    function set(ValidatorSetHeader memory header_, uint32 spnId, uint64 epoch) external {
        h[spnId][epoch] = header_;
    }

    function header(uint32 spnId, uint64 epoch) external view returns (ValidatorSetHeader memory) {
        return h[spnId][epoch];
    }

    function latestEpoch(uint32) external pure returns (uint64) {
        return 0;
    }
}

contract SPNManagerTest is ProtocolBase {
    address internal team = makeAddr("team");

    function setUp() public {
        setUpProtocol();
    }

    function _register(uint32 domain, uint64 chainId) internal returns (uint32) {
        return manager.register(team, _config(domain, chainId, makeAddr("bridge")));
    }

    function test_register_assignsUniqueIdsAndIndexes() public {
        uint32 id = _register(3, 903);
        assertEq(id, 3);
        assertEq(registry.spnIdByDomain(3), id);
        assertEq(registry.spnIdByChainId(903), id);
        SPNRecord memory r = registry.record(id);
        assertEq(r.status, 1);
        assertEq(r.owner, team);
        assertEq(r.config.rpcHints, "http://127.0.0.1:9545");
    }

    function test_register_rejectsDuplicatesAndBadInput() public {
        _register(3, 903);
        vm.expectRevert(abi.encodeWithSelector(Registry.DomainTaken.selector, uint32(3), uint32(3)));
        _register(3, 904);
        vm.expectRevert(abi.encodeWithSelector(Registry.ChainIdTaken.selector, uint64(903), uint32(3)));
        _register(4, 903);
        vm.expectRevert(abi.encodeWithSelector(Registry.InvalidDomain.selector, HUB));
        _register(HUB, 905);
        vm.expectRevert(abi.encodeWithSelector(Registry.InvalidDomain.selector, uint32(0)));
        _register(0, 905);
        vm.expectRevert(abi.encodeWithSelector(Registry.InvalidChainId.selector, uint64(block.chainid)));
        _register(5, uint64(block.chainid));
        SPNConfig memory c = _config(6, 906, address(1));
        c.escapeWindow = 10 minutes;
        vm.expectRevert(
            abi.encodeWithSelector(SPNManager.EscapeWindowOutOfRange.selector, 10 minutes, 1 hours, 30 days)
        );
        manager.register(team, c);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.MissingAddress.selector, "spnOwner"));
        manager.register(address(0), _config(6, 906, address(1)));
        vm.prank(team);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, team, address(this)));
        manager.register(team, _config(6, 906, address(1)));
    }

    function test_registry_onlyManagerWrites() public {
        vm.expectRevert(abi.encodeWithSelector(Registry.NotManager.selector, address(this)));
        registry.setStatus(1, 4);
        vm.expectRevert(abi.encodeWithSelector(Registry.UnknownSPN.selector, uint32(99)));
        registry.record(99);
    }

    function test_lifecycle() public {
        uint32 id = _register(3, 903);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.NoValidatorSet.selector, id));
        manager.activate(id);
        source.publish(id, 1, vals, powers);
        manager.syncValidatorSet(id, 1);
        manager.activate(id);
        assertEq(registry.status(id), 2);
        assertEq(registry.record(id).activatedAt, block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.WrongStatus.selector, id, uint8(2), uint8(1)));
        manager.activate(id);
        vm.prank(team);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.NotAllowedToFreeze.selector, team));
        manager.freeze(id);
        // Active SPNs cannot be retired directly: users first need the frozen escape path.
        vm.expectRevert(abi.encodeWithSelector(SPNManager.WrongStatus.selector, id, uint8(2), uint8(3)));
        manager.retire(id);
        manager.freeze(id);
        assertEq(registry.status(id), 3);
        assertEq(registry.record(id).frozenAt, block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.WrongStatus.selector, id, uint8(3), uint8(2)));
        manager.freeze(id);
        manager.retire(id);
        assertEq(registry.status(id), 4);
    }

    function test_activate_requiresAdapterAndBridge() public {
        SPNConfig memory c = _config(3, 903, address(0));
        uint32 id = manager.register(team, c);
        source.publish(id, 1, vals, powers);
        manager.syncValidatorSet(id, 1);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.MissingAddress.selector, "bridge"));
        manager.activate(id);
    }

    function test_retire_neverActivated() public {
        uint32 id = _register(3, 903);
        manager.retire(id);
        assertEq(registry.status(id), 4);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.WrongStatus.selector, id, uint8(4), uint8(2)));
        manager.syncValidatorSet(id, 1);
    }

    // ───────────────────────────── partial config updates ─────────────────────────────

    function test_updateConfig_onlyFlaggedFieldsChange() public {
        uint32 id = _register(3, 903);
        SPNConfig memory values; // everything zero: only flagged fields may be taken from it
        values.rpcHints = "http://new:8545";
        vm.prank(team);
        manager.updateConfig(id, manager.FIELD_RPC_HINTS(), values);
        SPNConfig memory c = registry.config(id);
        assertEq(c.rpcHints, "http://new:8545");
        assertEq(c.adapter, address(adapter), "unflagged fields are never reset");
        assertEq(c.escapeWindow, ESCAPE_WINDOW);
        assertEq(c.blockGasLimit, 30_000_000);
        assertEq(c.maxHandleGas, 200_000);
        values.maxHandleGas = 1;
        values.blockGasLimit = 2;
        vm.prank(team);
        manager.updateConfig(id, manager.FIELD_MAX_HANDLE_GAS() | manager.FIELD_BLOCK_GAS_LIMIT(), values);
        c = registry.config(id);
        assertEq(c.maxHandleGas, 1);
        assertEq(c.blockGasLimit, 2);
        assertEq(c.rpcHints, "http://new:8545");
    }

    function test_updateConfig_governanceFieldsOwnerOnly() public {
        uint32 id = _register(3, 903);
        SPNConfig memory values;
        values.escapeWindow = 2 days;
        uint256 escapeField = manager.FIELD_ESCAPE_WINDOW();
        vm.prank(team);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, team, address(this)));
        manager.updateConfig(id, escapeField, values);
        manager.updateConfig(id, escapeField, values);
        assertEq(registry.config(id).escapeWindow, 2 days);
        uint256 hintsField = manager.FIELD_RPC_HINTS();
        vm.prank(makeAddr("stranger"));
        vm.expectRevert(abi.encodeWithSelector(SPNManager.NotSPNOwner.selector, id, makeAddr("stranger")));
        manager.updateConfig(id, hintsField, values);
        vm.expectRevert(SPNManager.NoFields.selector);
        manager.updateConfig(id, 0, values);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.UnknownFields.selector, uint256(1 << 6)));
        manager.updateConfig(id, 1 << 6, values);
    }

    function test_operatorsAndOwnership() public {
        uint32 id = _register(3, 903);
        address op = makeAddr("op");
        vm.prank(team);
        manager.setOperator(id, op, true);
        assertTrue(registry.isOperator(id, op));
        vm.expectRevert(abi.encodeWithSelector(SPNManager.NotSPNOwner.selector, id, address(this)));
        manager.setOperator(id, op, false);
        address next = makeAddr("next");
        vm.prank(team);
        manager.setSPNOwner(id, next);
        assertEq(registry.ownerOf(id), next);
        vm.prank(next);
        manager.setOperator(id, op, false);
        assertFalse(registry.isOperator(id, op));
        vm.prank(next);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.MissingAddress.selector, "newOwner"));
        manager.setSPNOwner(id, address(0));
    }

    // ───────────────────────────── validator sets ─────────────────────────────

    function test_syncValidatorSet_hashChained() public {
        (address[] memory v2,, uint256[] memory p2) = _keys("next-set", 5);
        source.publish(spn1Id, 5, v2, p2);
        manager.syncValidatorSet(spn1Id, 5);
        SPNManager.ValidatorSet memory vs = manager.validatorSet(spn1Id);
        assertEq(vs.epoch, 5);
        assertEq(vs.quorum, 334);
        assertEq(vs.headerHash, keccak256(abi.encode(source.header(spn1Id, 5))));
        assertEq(manager.headerHashAt(spn1Id, 5), vs.headerHash);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.EpochNotNewer.selector, spn1Id, uint64(1), uint64(5)));
        manager.syncValidatorSet(spn1Id, 1);
    }

    function test_syncValidatorSet_rejectsBrokenChainWrongSpnAndBadQuorum() public {
        ScriptedSource scripted = new ScriptedSource();
        manager.setValidatorSetSource(address(scripted));
        bytes32 current = manager.validatorSet(spn1Id).headerHash;
        ValidatorSetHeader memory h =
            ValidatorSetHeader(spn1Id, 2, 1, bytes32(uint256(1)), 300, 201, bytes32(uint256(7)));
        scripted.set(h, spn1Id, 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                SPNManager.BrokenHeaderChain.selector, spn1Id, uint64(2), bytes32(uint256(7)), current
            )
        );
        manager.syncValidatorSet(spn1Id, 2);
        h.parentHash = current;
        h.quorum = 200;
        scripted.set(h, spn1Id, 2);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.BadQuorum.selector, 200, 201));
        manager.syncValidatorSet(spn1Id, 2);
        h.spnId = spn2Id;
        scripted.set(h, spn1Id, 2);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.HeaderForOtherSPN.selector, spn1Id, spn2Id));
        manager.syncValidatorSet(spn1Id, 2);
        h.spnId = spn1Id;
        h.epoch = 3;
        scripted.set(h, spn1Id, 2);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.HeaderEpochMismatch.selector, uint64(2), uint64(3)));
        manager.syncValidatorSet(spn1Id, 2);
        manager.setValidatorSetSource(address(0));
        vm.expectRevert(SPNManager.SourceNotSet.selector);
        manager.syncValidatorSet(spn1Id, 2);
    }

    function test_ownedSource_rules() public {
        OwnedValidatorSetSource s = new OwnedValidatorSetSource(address(this));
        vm.expectRevert(abi.encodeWithSelector(OwnedValidatorSetSource.HeaderNotFound.selector, uint32(1), uint64(0)));
        s.header(1, 0);
        address[] memory unsorted = new address[](2);
        unsorted[0] = address(2);
        unsorted[1] = address(1);
        uint256[] memory p = new uint256[](2);
        p[0] = 1;
        p[1] = 1;
        vm.expectRevert(abi.encodeWithSelector(OwnedValidatorSetSource.ValidatorsNotSortedUnique.selector, 1));
        s.publish(1, 0, unsorted, p);
        unsorted[0] = address(1);
        unsorted[1] = address(2);
        p[1] = 0;
        vm.expectRevert(abi.encodeWithSelector(OwnedValidatorSetSource.ZeroPower.selector, 1));
        s.publish(1, 0, unsorted, p);
        p[1] = 2;
        ValidatorSetHeader memory first = s.publish(1, 0, unsorted, p);
        assertEq(first.parentHash, bytes32(0));
        assertEq(first.quorum, 3);
        vm.expectRevert(abi.encodeWithSelector(OwnedValidatorSetSource.EpochNotIncreasing.selector, uint32(1), 0, 0));
        s.publish(1, 0, unsorted, p);
        ValidatorSetHeader memory second = s.publish(1, 4, unsorted, p);
        assertEq(second.parentHash, keccak256(abi.encode(first)));
        vm.prank(team);
        vm.expectRevert(abi.encodeWithSelector(OwnedValidatorSetSource.NotOwner.selector, team));
        s.publish(1, 5, unsorted, p);
    }
}
