// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "spnkit-test/Test.sol";
import {StateProofVerifier} from "../src/libraries/StateProofVerifier.sol";

/// @dev Exposes the library with a calldata proof, as the escape hatch will call it, and measures
/// the library's own execution gas.
contract StateProofVerifierHarness {
    function verify(bytes32 root, bytes32 key, bytes calldata value, bytes calldata proof)
        external
        pure
        returns (bool)
    {
        return StateProofVerifier.verify(root, key, value, proof);
    }

    function verifyMetered(bytes32 root, bytes32 key, bytes calldata value, bytes calldata proof)
        external
        view
        returns (bool ok, uint256 gasUsed)
    {
        uint256 before = gasleft();
        ok = StateProofVerifier.verify(root, key, value, proof);
        gasUsed = before - gasleft();
    }
}

/// @notice Checks the verifier against proofs produced by the TypeScript store
/// (sdk/store/scripts/gen-vectors.ts → test/vectors/state-proofs.json).
contract StateProofVerifierTest is Test {
    address private constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;

    struct Vector {
        bytes32 root;
        bytes32 key;
        bool present;
        bytes value;
        bytes proof;
    }

    StateProofVerifierHarness private harness;
    string private json;
    uint256 private count;

    function setUp() public {
        harness = new StateProofVerifierHarness();
        json = vm.readFile(string.concat(vm.projectRoot(), "/test/vectors/state-proofs.json"));
        count = vm.parseJsonUint(json, ".count");
    }

    function _vector(string memory file, uint256 i) private view returns (Vector memory v) {
        string memory at = string.concat(".cases[", vm.toString(i), "]");
        v.root = vm.parseJsonBytes32(file, string.concat(at, ".root"));
        v.key = vm.parseJsonBytes32(file, string.concat(at, ".key"));
        v.present = vm.parseJsonUint(file, string.concat(at, ".present")) == 1;
        if (v.present) v.value = vm.parseJsonBytes(file, string.concat(at, ".value"));
        v.proof = vm.parseJsonBytes(file, string.concat(at, ".proof"));
    }

    function _log(string memory label, uint256 value) private view {
        (bool ok,) = CONSOLE.staticcall(abi.encodeWithSignature("log(string,uint256)", label, value));
        ok;
    }

    function test_vectorsVerify() public view {
        assertGt(count, 10, "vector file has cases");
        for (uint256 i; i < count; ++i) {
            Vector memory v = _vector(json, i);
            assertTrue(harness.verify(v.root, v.key, v.value, v.proof), string.concat("vector ", vm.toString(i)));
        }
    }

    function test_everySingleByteTamperingFails() public view {
        for (uint256 i; i < count; ++i) {
            Vector memory v = _vector(json, i);
            for (uint256 b; b < v.proof.length; ++b) {
                bytes memory t = bytes.concat(v.proof);
                t[b] = bytes1(uint8(t[b]) ^ 0x01);
                assertFalse(harness.verify(v.root, v.key, v.value, t), "flipped low bit accepted");
                t[b] = bytes1(uint8(v.proof[b]) ^ 0x80);
                assertFalse(harness.verify(v.root, v.key, v.value, t), "flipped high bit accepted");
            }
        }
    }

    function testFuzz_tamperedProofFails(uint256 which, uint256 at, uint8 delta) public view {
        vm.assume(delta != 0);
        Vector memory v = _vector(json, bound(which, 0, count - 1));
        uint256 b = bound(at, 0, v.proof.length - 1);
        v.proof[b] = bytes1(uint8(v.proof[b]) ^ delta);
        assertFalse(harness.verify(v.root, v.key, v.value, v.proof));
    }

    function test_wrongClaimsFail() public view {
        for (uint256 i; i < count; ++i) {
            Vector memory v = _vector(json, i);
            // Another root, another key, or the opposite claim (present ↔ absent) must not verify.
            // (An absence proof also proves every key sharing the path's prefix absent, so the
            // wrong-key check applies to inclusion proofs.)
            assertFalse(harness.verify(bytes32(uint256(v.root) ^ 1), v.key, v.value, v.proof), "wrong root");
            if (v.present) {
                assertFalse(harness.verify(v.root, bytes32(uint256(v.key) ^ 1), v.value, v.proof), "wrong key");
            }
            bytes memory flipped = v.present ? bytes("") : abi.encodePacked(uint256(1));
            assertFalse(harness.verify(v.root, v.key, flipped, v.proof), "opposite claim");
            if (v.present) {
                bytes memory other = bytes.concat(v.value);
                other[other.length - 1] = bytes1(uint8(other[other.length - 1]) ^ 1);
                assertFalse(harness.verify(v.root, v.key, other, v.proof), "wrong value");
                assertFalse(harness.verify(v.root, v.key, bytes.concat(v.value, hex"00"), v.proof), "longer value");
            }
            // Truncated or extended proofs.
            assertFalse(harness.verify(v.root, v.key, v.value, bytes.concat(v.proof, bytes32(0))), "extra bytes");
            bytes memory cut = new bytes(v.proof.length - 1);
            for (uint256 b; b < cut.length; ++b) {
                cut[b] = v.proof[b];
            }
            assertFalse(harness.verify(v.root, v.key, v.value, cut), "truncated");
        }
    }

    function test_malformedHeadersFail() public view {
        bytes32 root;
        assertFalse(harness.verify(root, bytes32(0), "", hex""), "empty proof");
        assertFalse(harness.verify(root, bytes32(0), "", new bytes(34)), "short header");
        bytes memory zeroDepth = new bytes(35);
        zeroDepth[0] = 0x01;
        assertFalse(harness.verify(root, bytes32(0), "", zeroDepth), "depth 0");
        bytes memory unknownKind = new bytes(35);
        unknownKind[0] = 0x03;
        unknownKind[2] = 0x04;
        assertFalse(harness.verify(root, bytes32(0), "", unknownKind), "unknown kind");
    }

    /// @notice Gas of verifying each vector: the library's execution, the external call as the
    /// escape hatch would make it, and the calldata cost of the arguments. Reads the file named by
    /// SPN_PROOF_VECTORS when set (the store benchmark passes its own proofs), else the vectors.
    function test_gasReport() public view {
        string memory file =
            vm.envOr("SPN_PROOF_VECTORS", string.concat(vm.projectRoot(), "/test/vectors/state-proofs.json"));
        string memory data = vm.readFile(file);
        uint256 n = vm.parseJsonUint(data, ".count");
        uint256 maxExec;
        uint256 maxTotal;
        for (uint256 i; i < n; ++i) {
            Vector memory v = _vector(data, i);
            (bool ok, uint256 execGas) = harness.verifyMetered(v.root, v.key, v.value, v.proof);
            assertTrue(ok, "vector verifies");
            bytes memory callData = abi.encodeCall(StateProofVerifierHarness.verify, (v.root, v.key, v.value, v.proof));
            uint256 before = gasleft();
            harness.verify(v.root, v.key, v.value, v.proof);
            uint256 callGas = before - gasleft();
            uint256 calldataGas;
            for (uint256 b; b < callData.length; ++b) {
                calldataGas += callData[b] == 0 ? 4 : 16;
            }
            if (execGas > maxExec) maxExec = execGas;
            if (callGas + calldataGas > maxTotal) maxTotal = callGas + calldataGas;
            _log("proof bytes", v.proof.length);
            _log("  library execution gas", execGas);
            _log("  external call gas", callGas);
            _log("  calldata gas (16/4 per byte)", calldataGas);
        }
        _log("verify_gas_exec_max", maxExec);
        _log("verify_gas_max", maxTotal);
        assertLt(maxTotal, 30_000, "in-transaction verification stays under 30k gas");
    }
}
