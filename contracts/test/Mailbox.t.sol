// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Mailbox} from "../src/Mailbox.sol";
import {Owned} from "../src/access/Owned.sol";
import {MerkleLib} from "../src/libraries/MerkleLib.sol";
import {Message} from "../src/libraries/Message.sol";
import {ProtocolBase} from "./helpers/ProtocolBase.sol";
import {
    BombRecipient,
    GasHungryRecipient,
    NoopRecipient,
    RecordingRecipient,
    ReentrantRecipient
} from "./helpers/Recipients.sol";
import {TestMerkle} from "./helpers/TestMerkle.sol";

contract MailboxTest is ProtocolBase {
    RecordingRecipient internal recipient;
    NoopRecipient internal noop;

    event Dispatch(bytes32 indexed id, uint32 indexed destination, uint32 leafIndex, bytes message);
    event DeliveryFailed(bytes32 indexed id, uint64 retryDeadline, bytes reason);

    function setUp() public {
        setUpProtocol();
        recipient = new RecordingRecipient();
        noop = new NoopRecipient();
    }

    // ───────────────────────────── dispatch ─────────────────────────────

    function test_dispatch_formatsNumbersAndEmits() public {
        bytes memory expected = abi.encodePacked(
            uint8(1), uint32(0), HUB, bytes32(uint256(uint160(address(this)))), SPN1, bytes32(uint256(7)), hex"beef"
        );
        vm.expectEmit(true, true, false, true, address(hub));
        emit Dispatch(keccak256(expected), SPN1, 0, expected);
        bytes32 id = hub.dispatch(SPN1, bytes32(uint256(7)), hex"beef");
        assertEq(id, keccak256(expected));
        assertEq(hub.nonce(), 1);
        assertEq(hub.count(), 1);
        bytes32 id2 = hub.dispatch(SPN1, bytes32(uint256(7)), hex"beef");
        assertNotEq(id, id2, "same body, new nonce, new id");
    }

    function test_dispatch_revertsToLocalDomain() public {
        vm.expectRevert(abi.encodeWithSelector(Mailbox.DestinationIsLocal.selector, HUB));
        hub.dispatch(HUB, bytes32(0), "");
    }

    function test_dispatch_revertsOnOversizedBody() public {
        bytes memory body = new bytes(32 * 1024 + 1);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.BodyTooLong.selector, body.length, 32 * 1024));
        hub.dispatch(SPN1, bytes32(0), body);
    }

    function test_emptyTreeRootIsZeroHashOfDepth32() public view {
        assertEq(hub.root(), TestMerkle.zeroHashes()[32]);
    }

    function testFuzz_incrementalRootMatchesReferenceTree(uint8 n) public {
        n = uint8(bound(n, 1, 70));
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            leaves[i] = hub.dispatch(SPN1, bytes32(i), abi.encode(i));
        }
        assertEq(hub.root(), TestMerkle.root(leaves));
        (bytes32 r, uint32 c) = hub.latestCheckpoint();
        assertEq(r, hub.root());
        assertEq(c, n);
        // Every leaf proves against the root.
        for (uint256 i; i < n; i += 7) {
            assertEq(MerkleLib.rootFromProof(leaves[i], TestMerkle.proof(leaves, i), i), r);
        }
    }

    function test_insertForwarded_onlyForwarder() public {
        vm.expectRevert(abi.encodeWithSelector(Mailbox.NotForwarder.selector, address(this)));
        hub.insertForwarded(new bytes(77));
    }

    // ───────────────────────────── process ─────────────────────────────

    function test_process_deliversOnceWithValidProof() public {
        (bytes memory message, uint256 index) = _spn1Message(HUB, address(recipient), "hello");
        bytes memory metadata = _checkpointSpn1(index);
        hub.process(metadata, message);
        assertEq(recipient.calls(), 1);
        assertEq(recipient.lastOrigin(), SPN1);
        assertEq(recipient.lastBody(), bytes("hello"));
        assertTrue(hub.delivered(keccak256(message)));
        assertEq(hub.status(keccak256(message)), 1);
        // Replay on the same domain.
        vm.expectRevert(abi.encodeWithSelector(Mailbox.AlreadyProcessed.selector, keccak256(message), uint8(1)));
        hub.process(metadata, message);
    }

    function test_process_revertsOnWrongVersion() public {
        (bytes memory message, uint256 index) = _spn1Message(HUB, address(recipient), "x");
        bytes memory metadata = _checkpointSpn1(index);
        message[0] = 0x02;
        vm.expectRevert(abi.encodeWithSelector(Mailbox.WrongVersion.selector, uint8(2), uint8(1)));
        hub.process(metadata, message);
    }

    function test_process_revertsOnOtherDestination_replayOnAnotherDomain() public {
        // A message delivered to SPN2 can never be replayed on mainnet (or anywhere else).
        (bytes memory message, uint256 index) = _spn1Message(SPN2, address(recipient), "x");
        bytes memory metadata = _checkpointSpn1(index);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.WrongDestination.selector, SPN2, HUB));
        hub.process(metadata, message);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.WrongDestination.selector, SPN2, SPN1));
        spnMailbox.process(metadata, message);
    }

    function test_process_revertsOnShortMessage() public {
        vm.expectRevert(abi.encodeWithSelector(Message.MessageTooShort.selector, 10));
        hub.process("", new bytes(10));
    }

    function test_process_revertsWithoutCheckpoint() public {
        (bytes memory message, uint256 index) = _spn1Message(HUB, address(recipient), "x");
        bytes memory metadata = TestMerkle.metadata(99, spn1Leaves, index);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.NotProven.selector, keccak256(message)));
        hub.process(metadata, message);
        assertFalse(hub.delivered(keccak256(message)), "the failed attempt left no trace");
    }

    function test_process_revertsOnWrongIndexOrSibling() public {
        (bytes memory message,) = _spn1Message(HUB, address(recipient), "a");
        _spn1Message(HUB, address(recipient), "b");
        bytes memory metadata = _checkpointSpn1(0);
        bytes memory wrongIndex = TestMerkle.metadata(spn1Height, spn1Leaves, 1);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.NotProven.selector, keccak256(message)));
        hub.process(wrongIndex, message);
        bytes memory flipped = bytes.concat(metadata);
        flipped[40] ^= 0x01;
        vm.expectRevert(abi.encodeWithSelector(Mailbox.NotProven.selector, keccak256(message)));
        hub.process(flipped, message);
        hub.process(metadata, message);
    }

    function test_process_rejectsWrongLengthProofs() public {
        (bytes memory message, uint256 index) = _spn1Message(HUB, address(recipient), "x");
        bytes memory metadata = _checkpointSpn1(index);
        bytes memory longer = bytes.concat(metadata, bytes1(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                MerkleLib.InvalidProofLength.selector, longer.length, MerkleLib.PROOF_METADATA_LENGTH
            )
        );
        hub.process(longer, message);
        bytes memory shorter = new bytes(metadata.length - 32);
        vm.expectRevert(
            abi.encodeWithSelector(
                MerkleLib.InvalidProofLength.selector, shorter.length, MerkleLib.PROOF_METADATA_LENGTH
            )
        );
        hub.process(shorter, message);
    }

    function test_process_originCannotBeProvenAgainstAnotherSPNsRoot() public {
        // SPN2's validators sign an outbox root containing a message that claims origin SPN1: the adapter
        // checks it against SPN1's checkpoints only, so it is never delivered.
        bytes memory forged = abi.encodePacked(
            uint8(1), uint32(0), SPN1, bytes32(uint256(1)), HUB, bytes32(uint256(uint160(address(recipient)))), "x"
        );
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = keccak256(forged);
        _submitSPN(spn2Id, 10, bytes32(uint256(1)), TestMerkle.root(leaves));
        bytes memory metadata = TestMerkle.metadata(10, leaves, 0);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.NotProven.selector, keccak256(forged)));
        hub.process(metadata, forged);
    }

    function test_process_revertsOnNonEvmRecipient() public {
        bytes memory message =
            abi.encodePacked(uint8(1), uint32(0), SPN1, bytes32(uint256(1)), HUB, bytes32(type(uint256).max), "x");
        spn1Leaves.push(keccak256(message));
        bytes memory metadata = _checkpointSpn1(spn1Leaves.length - 1);
        vm.expectRevert(abi.encodeWithSelector(Message.AddressNotEvm.selector, bytes32(type(uint256).max)));
        hub.process(metadata, message);
    }

    function test_process_revertsWhenVerifierUnset() public {
        Mailbox bare = new Mailbox(SPN1, RETRY_WINDOW, address(this));
        bytes memory message = abi.encodePacked(uint8(1), uint32(0), HUB, bytes32(0), SPN1, bytes32(0));
        vm.expectRevert(Mailbox.VerifierNotSet.selector);
        bare.process("", message);
    }

    // ───────────────────────────── failures and retries ─────────────────────────────

    function _deliverFailing() internal returns (bytes memory message, bytes32 id) {
        recipient.setFailing(true);
        uint256 index;
        (message, index) = _spn1Message(HUB, address(recipient), "pay");
        bytes memory metadata = _checkpointSpn1(index);
        id = keccak256(message);
        vm.expectEmit(true, false, false, true, address(hub));
        emit DeliveryFailed(id, uint64(block.timestamp) + RETRY_WINDOW, abi.encodeWithSignature("Refused()"));
        hub.process(metadata, message);
    }

    function test_failedHandler_keepsMessageRetryable() public {
        (bytes memory message, bytes32 id) = _deliverFailing();
        assertEq(hub.status(id), 2);
        assertTrue(hub.delivered(id), "relayers must not resubmit it");
        vm.expectRevert(abi.encodeWithSelector(Mailbox.RetryFailed.selector, id, abi.encodeWithSignature("Refused()")));
        hub.retry(message);
        assertEq(hub.status(id), 2, "still failed after a failed retry");
        recipient.setFailing(false);
        vm.prank(makeAddr("anyone"));
        hub.retry(message);
        assertEq(hub.status(id), 1);
        assertEq(recipient.calls(), 1);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.NotFailed.selector, id, uint8(1)));
        hub.retry(message);
    }

    function test_failedHandler_doesNotBlockOtherMessages() public {
        _deliverFailing();
        recipient.setFailing(false);
        (bytes memory next, uint256 index) = _spn1Message(HUB, address(recipient), "next");
        hub.process(_checkpointSpn1(index), next);
        assertEq(recipient.calls(), 1);
    }

    function test_retryDeadline_extendAndExpire() public {
        (bytes memory message, bytes32 id) = _deliverFailing();
        uint64 deadline = hub.retryDeadline(id);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.RetryWindowOpen.selector, id, deadline));
        hub.expire(id);
        vm.warp(block.timestamp + 3 days);
        hub.extendRetry(id);
        assertEq(hub.retryDeadline(id), uint64(block.timestamp) + RETRY_WINDOW);
        uint64 extended = hub.retryDeadline(id);
        vm.warp(uint256(extended) + 1);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.RetryWindowOver.selector, id, extended));
        hub.retry(message);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.RetryWindowOver.selector, id, extended));
        hub.extendRetry(id);
        hub.expire(id);
        assertEq(hub.status(id), 3);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.NotFailed.selector, id, uint8(3)));
        hub.expire(id);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.NotFailed.selector, id, uint8(3)));
        hub.retry(message);
    }

    function test_extendRetry_revertsForUnknownId() public {
        vm.expectRevert(abi.encodeWithSelector(Mailbox.NotFailed.selector, bytes32(uint256(1)), uint8(0)));
        hub.extendRetry(bytes32(uint256(1)));
    }

    function test_recipientWithoutCode_failsRetryably() public {
        address eoa = makeAddr("eoa");
        (bytes memory message, uint256 index) = _spn1Message(HUB, eoa, "x");
        hub.process(_checkpointSpn1(index), message);
        assertEq(hub.status(keccak256(message)), 2);
    }

    function test_returnDataBomb_isTruncated() public {
        BombRecipient bomb = new BombRecipient();
        (bytes memory message, uint256 index) = _spn1Message(HUB, address(bomb), "x");
        bytes memory metadata = _checkpointSpn1(index);
        hub.process{gas: 2_000_000}(metadata, message);
        assertEq(hub.status(keccak256(message)), 2);
    }

    // ───────────────────────────── attacks ─────────────────────────────

    /// Handler out-of-gas griefing: a relayer that gives too little gas cannot mark a message Failed.
    function test_attack_handlerOutOfGasGriefing() public {
        GasHungryRecipient hungry = new GasHungryRecipient(300_000);
        (bytes memory message, uint256 index) = _spn1Message(HUB, address(hungry), "x");
        bytes memory metadata = _checkpointSpn1(index);
        bytes32 id = keccak256(message);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.HandlerOutOfGas.selector, id));
        hub.process{gas: 250_000}(metadata, message);
        assertEq(hub.status(id), 0, "still new: any relayer can deliver it properly");
        hub.process{gas: 1_000_000}(metadata, message);
        assertEq(hungry.done(), 1);
        assertEq(hub.status(id), 1);
    }

    function testFuzz_attack_starvedHandlerNeverMarkedFailed(uint256 gasLimit) public {
        GasHungryRecipient hungry = new GasHungryRecipient(200_000);
        (bytes memory message, uint256 index) = _spn1Message(HUB, address(hungry), "x");
        bytes memory metadata = _checkpointSpn1(index);
        gasLimit = bound(gasLimit, 60_000, 600_000);
        try hub.process{gas: gasLimit}(metadata, message) {} catch {}
        uint8 s = hub.status(keccak256(message));
        assertTrue(s == 0 || s == 1, "never Failed because of the relayer's gas choice");
        assertEq(hungry.done(), s == 1 ? 1 : 0);
    }

    /// Reentrancy from handle: replaying the message being delivered fails, delivery still happens once.
    function test_attack_reentrancyFromHandle() public {
        ReentrantRecipient evil = new ReentrantRecipient();
        (bytes memory message, uint256 index) = _spn1Message(HUB, address(evil), "x");
        bytes memory metadata = _checkpointSpn1(index);
        evil.arm(hub, metadata, message);
        hub.process(metadata, message);
        assertTrue(evil.reentryFailed());
        assertEq(
            evil.reentryError(), abi.encodeWithSelector(Mailbox.AlreadyProcessed.selector, keccak256(message), uint8(1))
        );
        assertEq(evil.calls(), 1);
        assertEq(hub.status(keccak256(message)), 1);
    }

    /// Reentrancy into retry: a handler retrying itself sees the message already Delivered.
    function test_attack_reentrantRetryRejected() public {
        ReentrantRecipient evil = new ReentrantRecipient();
        (bytes memory message, uint256 index) = _spn1Message(HUB, address(evil), "x");
        bytes memory metadata = _checkpointSpn1(index);
        evil.arm(hub, metadata, message);
        hub.process(metadata, message);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.NotFailed.selector, keccak256(message), uint8(1)));
        hub.retry(message);
    }

    // ───────────────────────────── admin ─────────────────────────────

    function test_admin_onlyOwner() public {
        vm.startPrank(makeAddr("stranger"));
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, makeAddr("stranger"), address(this)));
        hub.setVerifier(address(adapter));
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, makeAddr("stranger"), address(this)));
        hub.setForwarder(address(1));
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(Owned.ZeroAddress.selector, "verifier contract"));
        hub.setVerifier(makeAddr("eoa"));
    }

    function test_ownership_twoStep() public {
        address next = makeAddr("next");
        hub.transferOwnership(next);
        assertEq(hub.owner(), address(this));
        vm.expectRevert(abi.encodeWithSelector(Owned.NotPendingOwner.selector, address(this), next));
        hub.acceptOwnership();
        vm.prank(next);
        hub.acceptOwnership();
        assertEq(hub.owner(), next);
    }
}
