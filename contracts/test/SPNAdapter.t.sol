// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Mailbox} from "../src/Mailbox.sol";
import {SPNAdapter} from "../src/SPNAdapter.sol";
import {SPNManager} from "../src/SPNManager.sol";
import {Checkpoint, CheckpointLib} from "../src/libraries/CheckpointLib.sol";
import {MainnetRootVerifier} from "../src/MainnetRootVerifier.sol";
import {ProtocolBase} from "./helpers/ProtocolBase.sol";
import {RecordingRecipient} from "./helpers/Recipients.sol";
import {TestMerkle} from "./helpers/TestMerkle.sol";

contract SPNAdapterTest is ProtocolBase {
    uint256 internal constant N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141;

    function setUp() public {
        setUpProtocol();
    }

    function _cp(uint64 height) internal view returns (Checkpoint memory) {
        return Checkpoint(spn1Id, 1, height, keccak256(abi.encode("s", height)), keccak256(abi.encode("o", height)));
    }

    function test_acceptsQuorumAndStoresRoots() public {
        Checkpoint memory cp = _cp(10);
        assertTrue(adapter.submitCheckpoint(cp, vals, powers, _sign(valKeys, 11, _spnDigest(cp))));
        (bytes32 s, bytes32 o) = adapter.checkpointRoots(SPN1, 10);
        assertEq(s, cp.stateRoot);
        assertEq(o, cp.outboxRoot);
        (bool exists, uint64 h, bytes32 sr, uint64 ts) = adapter.latestStateRoot(spn1Id);
        assertTrue(exists);
        assertEq(h, 10);
        assertEq(sr, cp.stateRoot);
        assertEq(ts, block.timestamp);
    }

    function test_digestMatchesInterfaceSpec() public view {
        Checkpoint memory cp = _cp(10);
        bytes32 hh = manager.validatorSet(spn1Id).headerHash;
        assertEq(
            _spnDigest(cp),
            keccak256(
                abi.encode(
                    keccak256("spnkit.checkpoint.v1"),
                    block.chainid,
                    cp.spnId,
                    cp.epoch,
                    cp.height,
                    cp.stateRoot,
                    cp.outboxRoot,
                    hh
                )
            )
        );
    }

    function test_attack_insufficientSigners() public {
        Checkpoint memory cp = _cp(10);
        bytes memory sigs = _sign(valKeys, 10, _spnDigest(cp));
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.InsufficientPower.selector, 1000, 1067));
        adapter.submitCheckpoint(cp, vals, powers, sigs);
    }

    function test_attack_duplicateSigner() public {
        Checkpoint memory cp = _cp(10);
        bytes32 d = _spnDigest(cp);
        bytes memory sigs = _sign(valKeys, 10, d);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(valKeys[9], d);
        sigs = bytes.concat(sigs, abi.encodePacked(r, s, v));
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.SignersNotAscending.selector, 10, vals[9], vals[9]));
        adapter.submitCheckpoint(cp, vals, powers, sigs);
    }

    function test_attack_unsortedSigners() public {
        Checkpoint memory cp = _cp(10);
        bytes32 d = _spnDigest(cp);
        bytes memory sigs;
        for (uint256 i = 11; i > 0; --i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(valKeys[i - 1], d);
            sigs = bytes.concat(sigs, abi.encodePacked(r, s, v));
        }
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.SignersNotAscending.selector, 1, vals[9], vals[10]));
        adapter.submitCheckpoint(cp, vals, powers, sigs);
    }

    function test_attack_forgedSigner() public {
        Checkpoint memory cp = _cp(10);
        (address outsider, uint256 outsiderKey) = makeAddrAndKey("outsider");
        uint256[] memory keys = new uint256[](1);
        keys[0] = outsiderKey;
        bytes memory sigs = _sign(keys, 1, _spnDigest(cp));
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.UnknownSigner.selector, 0, outsider));
        adapter.submitCheckpoint(cp, vals, powers, sigs);
    }

    function test_attack_signatureOverOtherCheckpoint() public {
        Checkpoint memory cp = _cp(10);
        Checkpoint memory other = _cp(11);
        bytes memory sigs = _sign(valKeys, 11, _spnDigest(other));
        vm.expectRevert();
        adapter.submitCheckpoint(cp, vals, powers, sigs);
    }

    function test_attack_fakeValidatorListRejected() public {
        Checkpoint memory cp = _cp(10);
        uint256[] memory inflated = new uint256[](16);
        for (uint256 i; i < 16; ++i) {
            inflated[i] = i == 0 ? 10_000 : 100;
        }
        bytes32 root = keccak256(abi.encode(vals, inflated));
        bytes32 expected = manager.validatorSet(spn1Id).validatorsRoot;
        bytes memory sigs = _sign(valKeys, 1, _spnDigest(cp));
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.ValidatorsRootMismatch.selector, root, expected));
        adapter.submitCheckpoint(cp, vals, inflated, sigs);
        uint256[] memory short = new uint256[](15);
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.ValidatorListMismatch.selector, 16, 15));
        adapter.submitCheckpoint(cp, vals, short, "");
    }

    function test_attack_malleatedHighSSignature() public {
        Checkpoint memory cp = _cp(10);
        bytes32 d = _spnDigest(cp);
        bytes memory sigs = _sign(valKeys, 11, d);
        // Replace the first signature by its high-s twin (s' = n - s, v flipped).
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(valKeys[0], d);
        bytes memory twin = abi.encodePacked(r, bytes32(N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        for (uint256 i; i < 65; ++i) {
            sigs[i] = twin[i];
        }
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.HighS.selector, 0));
        adapter.submitCheckpoint(cp, vals, powers, sigs);
    }

    function test_badSignatureEncodings() public {
        Checkpoint memory cp = _cp(10);
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.BadSignaturesLength.selector, 64));
        adapter.submitCheckpoint(cp, vals, powers, new bytes(64));
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.BadSignaturesLength.selector, 0));
        adapter.submitCheckpoint(cp, vals, powers, "");
        bytes memory sigs = _sign(valKeys, 11, _spnDigest(cp));
        sigs[64] = bytes1(uint8(29));
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.BadSignatureV.selector, 0, uint8(29)));
        adapter.submitCheckpoint(cp, vals, powers, sigs);
        bytes memory zeroSig = abi.encodePacked(bytes32(0), bytes32(0), uint8(27));
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.InvalidSignature.selector, 0));
        adapter.submitCheckpoint(cp, vals, powers, zeroSig);
    }

    function test_attack_staleValidatorSet() public {
        // Restaking rotates to epoch 2 with a different set; the old set can no longer checkpoint.
        (address[] memory newVals, uint256[] memory newKeys, uint256[] memory newPowers) = _keys("rotated", 4);
        source.publish(spn1Id, 2, newVals, newPowers);
        manager.syncValidatorSet(spn1Id, 2);
        Checkpoint memory oldEpoch = _cp(10);
        bytes memory oldSigs = _sign(valKeys, 11, keccak256("irrelevant"));
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.WrongEpoch.selector, spn1Id, 1, 2));
        adapter.submitCheckpoint(oldEpoch, vals, powers, oldSigs);
        // The old keys signing under the new epoch are unknown signers.
        Checkpoint memory cp = Checkpoint(spn1Id, 2, 10, bytes32(uint256(1)), bytes32(uint256(2)));
        bytes32 expected = manager.validatorSet(spn1Id).validatorsRoot;
        bytes memory sigs = _sign(valKeys, 11, _spnDigest(cp));
        vm.expectRevert(
            abi.encodeWithSelector(
                CheckpointLib.ValidatorsRootMismatch.selector, keccak256(abi.encode(vals, powers)), expected
            )
        );
        adapter.submitCheckpoint(cp, vals, powers, sigs);
        assertTrue(adapter.submitCheckpoint(cp, newVals, newPowers, _sign(newKeys, 3, _spnDigest(cp))));
    }

    function test_replay_onAnotherSPN() public {
        // SPN1's signed checkpoint replayed for SPN2 (same validators!) fails: spnId is in the digest.
        Checkpoint memory cp = _cp(10);
        bytes memory sigs = _sign(valKeys, 11, _spnDigest(cp));
        adapter.submitCheckpoint(cp, vals, powers, sigs);
        cp.spnId = spn2Id;
        vm.expectRevert();
        adapter.submitCheckpoint(cp, vals, powers, sigs);
    }

    function test_replay_onAnotherMainnetChain() public {
        Checkpoint memory cp = _cp(10);
        bytes memory sigs = _sign(valKeys, 11, _spnDigest(cp));
        vm.chainId(12345);
        vm.expectRevert();
        adapter.submitCheckpoint(cp, vals, powers, sigs);
    }

    function test_staleAndDuplicateCheckpoints() public {
        _submitSPN(spn1Id, 10, bytes32(uint256(1)), bytes32(uint256(2)));
        _submitSPN(spn1Id, 20, bytes32(uint256(3)), bytes32(uint256(4)));
        Checkpoint memory stale = Checkpoint(spn1Id, 1, 15, bytes32(uint256(5)), bytes32(uint256(6)));
        bytes memory sigs = _sign(valKeys, 11, _spnDigest(stale));
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.StaleCheckpoint.selector, spn1Id, 15, 20));
        adapter.submitCheckpoint(stale, vals, powers, sigs);
        Checkpoint memory dup = Checkpoint(spn1Id, 1, 20, bytes32(uint256(3)), bytes32(uint256(4)));
        bytes memory dupSigs = _sign(valKeys, 11, _spnDigest(dup));
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.DuplicateCheckpoint.selector, spn1Id, 20));
        adapter.submitCheckpoint(dup, vals, powers, dupSigs);
    }

    function test_conflictingCheckpointRecordedAsEvidence() public {
        _submitSPN(spn1Id, 10, bytes32(uint256(1)), bytes32(uint256(2)));
        Checkpoint memory other = Checkpoint(spn1Id, 1, 10, bytes32(uint256(9)), bytes32(uint256(2)));
        assertFalse(adapter.submitCheckpoint(other, vals, powers, _sign(valKeys, 11, _spnDigest(other))));
        assertEq(adapter.conflictCount(), 1);
        SPNAdapter.ConflictEvidence memory e = adapter.conflict(0);
        assertEq(e.spnId, spn1Id);
        assertEq(e.height, 10);
        assertEq(e.conflictingCheckpoint, _spnDigest(other));
        assertEq(e.acceptedCheckpoint, keccak256(abi.encode(bytes32(uint256(1)), bytes32(uint256(2)))));
        (bytes32 s,) = adapter.checkpointRoots(SPN1, 10);
        assertEq(s, bytes32(uint256(1)), "accepted checkpoint is never replaced");
    }

    function test_zeroRootsRejected() public {
        Checkpoint memory cp = Checkpoint(spn1Id, 1, 10, 0, bytes32(uint256(1)));
        bytes memory sigs = _sign(valKeys, 11, _spnDigest(cp));
        vm.expectRevert(SPNAdapter.ZeroRoot.selector);
        adapter.submitCheckpoint(cp, vals, powers, sigs);
    }

    function test_frozenSPNAcceptsNoCheckpoints() public {
        manager.freeze(spn1Id);
        Checkpoint memory cp = _cp(10);
        bytes memory sigs = _sign(valKeys, 11, _spnDigest(cp));
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.SPNNotActive.selector, spn1Id, uint8(3)));
        adapter.submitCheckpoint(cp, vals, powers, sigs);
    }

    function test_checkpointForSPNOnOtherAdapterRejected() public {
        SPNAdapter other = new SPNAdapter(address(this), manager, hub, false);
        Checkpoint memory cp = _cp(10);
        bytes memory sigs = _sign(valKeys, 11, _spnDigest(cp));
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.NotThisAdapter.selector, spn1Id, address(adapter)));
        other.submitCheckpoint(cp, vals, powers, sigs);
    }

    function test_unknownCheckpointView() public {
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.UnknownCheckpoint.selector, SPN1, 7));
        adapter.checkpointRoots(SPN1, 7);
        (bool exists,,,) = adapter.latestStateRoot(spn1Id);
        assertFalse(exists);
    }

    // ───────────────────────────── devnet trusted mode ─────────────────────────────

    function test_trustedMode_impossibleOnProductionConfig() public {
        SPNManager prod = new SPNManager(address(this), HUB, true, address(source));
        vm.expectRevert(SPNAdapter.DevnetModeOnProduction.selector);
        new SPNAdapter(address(this), prod, hub, true);
        // A devnet adapter built against a devnet manager cannot be registered on a production manager.
        SPNAdapter devAdapter = new SPNAdapter(address(this), manager, hub, true);
        vm.expectRevert(abi.encodeWithSelector(SPNManager.DevnetAdapterOnProduction.selector, address(devAdapter)));
        prod.register(address(this), _configWithAdapter(address(devAdapter)));
    }

    function _configWithAdapter(address a) internal view returns (SPNConfigLike memory c) {
        c = _config(77, 977, address(1));
        c.adapter = a;
        c.escapeWindow = 2 days;
    }

    function test_trustedMode_devnetOnly() public {
        vm.expectRevert(SPNAdapter.DevnetModeDisabled.selector);
        adapter.setTrustedRelayer(address(this));
        vm.expectRevert(SPNAdapter.DevnetModeDisabled.selector);
        adapter.submitCheckpointTrusted(_cp(10));
    }

    function test_trustedMode_onDevnet() public {
        SPNAdapter dev = new SPNAdapter(address(this), manager, hub, true);
        manager.updateConfig(spn1Id, manager.FIELD_ADAPTER(), _configWithAdapter(address(dev)));
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.NotTrustedRelayer.selector, address(this)));
        dev.submitCheckpointTrusted(_cp(10));
        dev.setTrustedRelayer(address(this));
        assertTrue(dev.submitCheckpointTrusted(_cp(10)));
        (bytes32 s,) = dev.checkpointRoots(SPN1, 10);
        assertEq(s, _cp(10).stateRoot);
    }

    // ───────────────────────────── forwarding SPN1 → SPN2 ─────────────────────────────

    function test_forward_intoHubTreeThenImportOnSPN() public {
        RecordingRecipient onSpn = new RecordingRecipient();
        // SPN1 → SPN1 is impossible; use SPN1 → "SPN2" but import on a Mailbox with SPN2's domain.
        Mailbox spn2Mailbox = new Mailbox(SPN2, RETRY_WINDOW, address(this));
        spn2Mailbox.setVerifier(address(spnVerifier));
        (bytes memory message, uint256 index) = _spn1Message(SPN2, address(onSpn), "cross");
        bytes memory metadata = _checkpointSpn1(index);
        adapter.forward(metadata, message);
        assertTrue(adapter.forwarded(keccak256(message)));
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.AlreadyForwarded.selector, keccak256(message)));
        adapter.forward(metadata, message);
        hubLeaves.push(keccak256(message));
        uint64 h = _checkpointHub();
        spn2Mailbox.process(TestMerkle.metadata(h, hubLeaves, 0), message);
        assertEq(onSpn.calls(), 1);
        assertEq(onSpn.lastOrigin(), SPN1);
        assertEq(onSpn.lastBody(), bytes("cross"));
    }

    function test_forward_rejectsUnprovenOrInactiveDestination() public {
        (bytes memory message, uint256 index) = _spn1Message(SPN2, address(1), "x");
        bytes memory metadata = TestMerkle.metadata(5, spn1Leaves, index);
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.NotProven.selector, keccak256(message)));
        adapter.forward(metadata, message);
        (bytes memory toHub, uint256 i2) = _spn1Message(HUB, address(1), "x");
        bytes memory md2 = _checkpointSpn1(i2);
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.NotForwardable.selector, HUB));
        adapter.forward(md2, toHub);
        manager.freeze(spn2Id);
        bytes memory md3 = TestMerkle.metadata(spn1Height, spn1Leaves, index);
        vm.expectRevert(abi.encodeWithSelector(SPNAdapter.NotForwardable.selector, SPN2));
        adapter.forward(md3, message);
    }

    // ───────────────────────────── SPN-side verifier ─────────────────────────────

    function test_mainnetRootVerifier_rules() public {
        Checkpoint memory cp = Checkpoint(0, 1, 1, bytes32(uint256(1)), bytes32(uint256(2)));
        bytes memory two = _sign(hubValKeys, 2, _hubDigest(cp));
        vm.expectRevert(abi.encodeWithSelector(CheckpointLib.InsufficientPower.selector, 200, 267));
        spnVerifier.submitCheckpoint(cp, hubVals, hubPowers, two);
        assertTrue(spnVerifier.submitCheckpoint(cp, hubVals, hubPowers, _sign(hubValKeys, 3, _hubDigest(cp))));
        bytes memory sigs = _sign(hubValKeys, 3, _hubDigest(cp));
        vm.expectRevert(abi.encodeWithSelector(MainnetRootVerifier.DuplicateCheckpoint.selector, 1));
        spnVerifier.submitCheckpoint(cp, hubVals, hubPowers, sigs);
        Checkpoint memory conflicting = Checkpoint(0, 1, 1, bytes32(uint256(7)), bytes32(uint256(2)));
        assertFalse(
            spnVerifier.submitCheckpoint(conflicting, hubVals, hubPowers, _sign(hubValKeys, 3, _hubDigest(conflicting)))
        );
        Checkpoint memory wrong = Checkpoint(5, 1, 2, bytes32(uint256(1)), bytes32(uint256(2)));
        vm.expectRevert(abi.encodeWithSelector(MainnetRootVerifier.NotMainnetCheckpoint.selector, 5));
        spnVerifier.submitCheckpoint(wrong, hubVals, hubPowers, "");
        Checkpoint memory oldEpoch = Checkpoint(0, 0, 2, bytes32(uint256(1)), bytes32(uint256(2)));
        vm.expectRevert(abi.encodeWithSelector(MainnetRootVerifier.WrongEpoch.selector, 0, 1));
        spnVerifier.submitCheckpoint(oldEpoch, hubVals, hubPowers, "");
    }

    // ───────────────────────────── fuzz ─────────────────────────────

    /// Any signer subset whose power is below quorum is rejected; at or above, accepted.
    function testFuzz_quorumThreshold(uint256 mask) public {
        mask = bound(mask, 1, (1 << 16) - 1);
        Checkpoint memory cp = _cp(10);
        bytes32 d = _spnDigest(cp);
        bytes memory sigs;
        uint256 count;
        for (uint256 i; i < 16; ++i) {
            if ((mask >> i) & 1 == 1) {
                (uint8 v, bytes32 r, bytes32 s) = vm.sign(valKeys[i], d);
                sigs = bytes.concat(sigs, abi.encodePacked(r, s, v));
                count++;
            }
        }
        if (count * 100 < 1067) {
            vm.expectRevert(abi.encodeWithSelector(CheckpointLib.InsufficientPower.selector, count * 100, 1067));
            adapter.submitCheckpoint(cp, vals, powers, sigs);
        } else {
            assertTrue(adapter.submitCheckpoint(cp, vals, powers, sigs));
        }
    }

    /// No message is delivered with a proof for a different leaf.
    function testFuzz_noDeliveryWithoutValidProof(uint256 wrongIndex, bytes32 junk) public {
        RecordingRecipient r = new RecordingRecipient();
        for (uint256 i; i < 5; ++i) {
            _spn1Message(HUB, address(r), abi.encode(i));
        }
        (bytes memory message, uint256 index) = _spn1Message(HUB, address(r), "target");
        _checkpointSpn1(index);
        wrongIndex = bound(wrongIndex, 0, 5);
        vm.assume(wrongIndex != index);
        bytes32[32] memory proof = TestMerkle.proof(spn1Leaves, wrongIndex);
        proof[0] = junk == proof[0] ? bytes32(uint256(junk) ^ 1) : proof[0];
        bytes memory metadata = abi.encodePacked(spn1Height, uint32(wrongIndex), proof);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.NotProven.selector, keccak256(message)));
        hub.process(metadata, message);
    }
}

import {SPNConfig as SPNConfigLike} from "../src/Registry.sol";
