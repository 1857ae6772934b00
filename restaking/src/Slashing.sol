// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {EquivocationEvidence} from "./interfaces/EquivocationEvidence.sol";
import {Restaking} from "./Restaking.sol";
import {ValidatorSets} from "./ValidatorSets.sol";

/// Equivocation slashing: evidence -> request -> veto window -> execution.
///
/// - Evidence (interfaces.md §1) is checked entirely on-chain: different values, 65-byte low-s
///   signatures with v in {27, 28} over the consensus digest, one signer, and that signer in the
///   committed validator set of (chainId's SPN, epoch) (the caller supplies the list, checked
///   against the header root). Each offence key is usable once, whatever the outcome.
/// - The request snapshots the amount: slashBps of the signer's captured power in that epoch.
///   The SPN's vetoer may veto until `vetoDeadline`; after it anyone may execute.
/// - Execution is capped at the captured power minus what was already slashed for that
///   (operator, SPN, epoch), rounded against the slashed in Restaking, and throttled per SPN and
///   globally like ICS's slash meter: a slash executes only while the current period's total is
///   below the cap, so a period can overshoot by at most one slash.
contract Slashing is Ownable2Step {
    bytes32 public constant CONSENSUS_DOMAIN = keccak256("spnkit.consensus.v1");
    uint256 public constant SECP256K1_HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;
    uint256 public constant BPS = 10_000;

    uint8 public constant STATUS_NONE = 0;
    uint8 public constant STATUS_PENDING = 1;
    uint8 public constant STATUS_VETOED = 2;
    uint8 public constant STATUS_EXECUTED = 3;

    struct Config {
        uint16 whistleblowerBps; // of the slashed amount, to whoever submitted the evidence
        address treasury; // receives the rest; zero address = burn
        uint64 throttlePeriod; // seconds per throttle bucket
        uint16 spnThrottleBps; // per period, of the offence epoch's total power
        uint16 globalThrottleBps; // per period, of all pooled restaked assets
    }

    struct SlashRequest {
        address operator;
        uint32 spnId;
        uint64 epoch;
        uint8 status;
        address signer;
        uint64 vetoDeadline;
        address whistleblower;
        uint256 capturedPower;
        uint256 amount;
        uint256 slashed;
        bytes32 offenceKey;
    }

    Restaking public immutable restaking;
    ValidatorSets public immutable validatorSets;
    Config private _config;

    SlashRequest[] private _requests;
    mapping(bytes32 => bool) public offenceReported;
    /// Cumulative slashed per (operator, spnId, epoch): never exceeds the captured power.
    mapping(address => mapping(uint32 => mapping(uint64 => uint256))) public slashedForCapture;
    mapping(uint32 => mapping(uint256 => uint256)) public spnSlashedInPeriod;
    mapping(uint256 => uint256) public globalSlashedInPeriod;

    error UnknownChain(uint64 chainId);
    error EvidenceExpired(uint64 epoch, uint256 deadline);
    error ValidatorListMismatch(uint32 spnId, uint64 epoch);
    error SameValue(bytes32 value);
    error BadSignatureLength(uint256 which, uint256 length);
    error HighS(uint256 which);
    error BadV(uint256 which, uint8 v);
    error InvalidSignature(uint256 which);
    error SignerMismatch(address signerA, address signerB);
    error NotInValidatorSet(address signer, uint32 spnId, uint64 epoch);
    error UnboundKey(address signer);
    error OffenceAlreadyReported(bytes32 offenceKey);
    error UnknownRequest(uint256 id);
    error NotPending(uint256 id, uint8 status);
    error NotVetoer(address caller, address vetoer);
    error VetoWindowClosed(uint256 id, uint256 deadline);
    error VetoWindowOpen(uint256 id, uint256 deadline);
    error ThrottleExceeded(uint256 used, uint256 cap, uint256 retryAt);
    error InvalidConfig(string reason);

    event EvidenceAccepted(
        uint256 indexed id,
        bytes32 indexed offenceKey,
        address indexed operator,
        address signer,
        uint32 spnId,
        uint64 epoch
    );
    event SlashRequested(
        uint256 indexed id, address indexed operator, uint32 indexed spnId, uint256 amount, uint64 vetoDeadline
    );
    event SlashVetoed(uint256 indexed id, address indexed vetoer);
    event SlashExecuted(uint256 indexed id, address indexed operator, uint32 indexed spnId, uint256 slashed);
    event ConfigUpdated(Config config);

    constructor(address owner_, Restaking restaking_, ValidatorSets validatorSets_, Config memory config_)
        Ownable(owner_)
    {
        restaking = restaking_;
        validatorSets = validatorSets_;
        _setConfig(config_);
    }

    // ---- evidence -----------------------------------------------------------------------------

    /// The digest a validator signs for a consensus message (interfaces.md §1; no prefix).
    function consensusDigest(uint64 chainId, uint64 epoch, uint64 slot, address proposer, uint8 phase, bytes32 value)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(CONSENSUS_DOMAIN, chainId, epoch, slot, proposer, phase, value));
    }

    /// keccak256(abi.encode(chainId, epoch, slot, proposer, phase, signer)): slashable once.
    function offenceKey(EquivocationEvidence calldata ev, address signer) public pure returns (bytes32) {
        return keccak256(abi.encode(ev.chainId, ev.epoch, ev.slot, ev.proposer, ev.phase, signer));
    }

    /// Checks `ev` and returns the SPN, signer and its captured power; reverts with the reason otherwise.
    /// `validators`/`powers` must be the epoch's published list (from the ValidatorSetPublished event).
    function verifyEvidence(EquivocationEvidence calldata ev, address[] calldata validators, uint256[] calldata powers)
        public
        view
        returns (uint32 spnId, address signer, uint256 power)
    {
        spnId = _checkContext(ev, validators, powers);
        signer = _signerOf(ev);
        power = _findPower(validators, powers, signer);
        if (power == 0) revert NotInValidatorSet(signer, spnId, ev.epoch);
    }

    /// SPN of the evidence's chain, epoch known and within the evidence window, list matches the root.
    function _checkContext(EquivocationEvidence calldata ev, address[] calldata validators, uint256[] calldata powers)
        private
        view
        returns (uint32 spnId)
    {
        spnId = restaking.spnIdOfChain(ev.chainId);
        if (spnId == 0) revert UnknownChain(ev.chainId);
        bytes32 root = validatorSets.header(spnId, ev.epoch).validatorsRoot;
        uint256 deadline = uint256(validatorSets.captureTime(spnId, ev.epoch)) + restaking.evidenceWindow();
        if (block.timestamp > deadline) revert EvidenceExpired(ev.epoch, deadline);
        if (keccak256(abi.encode(validators, powers)) != root) revert ValidatorListMismatch(spnId, ev.epoch);
    }

    /// The one signer of both values (different values, valid low-s signatures).
    function _signerOf(EquivocationEvidence calldata ev) private pure returns (address signer) {
        if (ev.valueA == ev.valueB) revert SameValue(ev.valueA);
        signer = _recover(consensusDigest(ev.chainId, ev.epoch, ev.slot, ev.proposer, ev.phase, ev.valueA), ev.sigA, 0);
        address signerB =
            _recover(consensusDigest(ev.chainId, ev.epoch, ev.slot, ev.proposer, ev.phase, ev.valueB), ev.sigB, 1);
        if (signer != signerB) revert SignerMismatch(signer, signerB);
    }

    /// Verifies `ev` and opens a slash request; the caller is the whistleblower.
    function submitEvidence(EquivocationEvidence calldata ev, address[] calldata validators, uint256[] calldata powers)
        external
        returns (uint256 id)
    {
        (uint32 spnId, address signer, uint256 power) = verifyEvidence(ev, validators, powers);
        id = _openRequest(spnId, signer, power, ev.epoch, offenceKey(ev, signer));
    }

    function _openRequest(uint32 spnId, address signer, uint256 power, uint64 epoch, bytes32 key)
        private
        returns (uint256 id)
    {
        if (offenceReported[key]) revert OffenceAlreadyReported(key);
        address operator = restaking.operatorOfKey(signer);
        if (operator == address(0)) revert UnboundKey(signer);
        offenceReported[key] = true;

        uint256 amount = Math.mulDiv(power, restaking.spn(spnId).slashBps, BPS, Math.Rounding.Ceil);
        uint64 vetoDeadline = uint64(block.timestamp) + restaking.vetoPeriod();
        id = _requests.length;
        _requests.push(
            SlashRequest({
                operator: operator,
                spnId: spnId,
                epoch: epoch,
                status: STATUS_PENDING,
                signer: signer,
                vetoDeadline: vetoDeadline,
                whistleblower: msg.sender,
                capturedPower: power,
                amount: amount,
                slashed: 0,
                offenceKey: key
            })
        );
        restaking.onSlashRequested(operator, spnId);
        emit EvidenceAccepted(id, key, operator, signer, spnId, epoch);
        emit SlashRequested(id, operator, spnId, amount, vetoDeadline);
    }

    // ---- veto and execution -------------------------------------------------------------------

    /// The SPN's vetoer cancels a request before its deadline (it can only cancel, never add).
    function veto(uint256 id) external {
        SlashRequest storage r = _pending(id);
        address vetoer = restaking.spn(r.spnId).vetoer;
        if (msg.sender != vetoer) revert NotVetoer(msg.sender, vetoer);
        if (block.timestamp >= r.vetoDeadline) revert VetoWindowClosed(id, r.vetoDeadline);
        r.status = STATUS_VETOED;
        restaking.onSlashVetoed(r.operator, r.spnId);
        emit SlashVetoed(id, msg.sender);
    }

    /// Executes a request after its veto window (permissionless).
    function execute(uint256 id) external returns (uint256 slashed) {
        SlashRequest storage r = _pending(id);
        if (block.timestamp < r.vetoDeadline) revert VetoWindowOpen(id, r.vetoDeadline);
        uint256 period = _checkThrottle(r.spnId, r.epoch);
        uint256 already = slashedForCapture[r.operator][r.spnId][r.epoch];
        uint256 remaining = r.capturedPower > already ? r.capturedPower - already : 0;
        r.status = STATUS_EXECUTED;
        slashed = _slash(r, r.amount < remaining ? r.amount : remaining);
        r.slashed = slashed;
        slashedForCapture[r.operator][r.spnId][r.epoch] = already + slashed;
        spnSlashedInPeriod[r.spnId][period] += slashed;
        globalSlashedInPeriod[period] += slashed;
        emit SlashExecuted(id, r.operator, r.spnId, slashed);
    }

    /// ICS-style slash meter: a slash may start only while this period is below both caps (the
    /// first slash of a period always may, so a cap that rounds to zero cannot block slashing forever).
    function _checkThrottle(uint32 spnId, uint64 epoch) private view returns (uint256 period) {
        uint256 length = _config.throttlePeriod;
        period = block.timestamp / length;
        uint256 retryAt = (period + 1) * length;
        uint256 spnCap = validatorSets.header(spnId, epoch).totalPower * _config.spnThrottleBps / BPS;
        uint256 spnUsed = spnSlashedInPeriod[spnId][period];
        if (spnUsed != 0 && spnUsed >= spnCap) revert ThrottleExceeded(spnUsed, spnCap, retryAt);
        uint256 globalCap = restaking.totalPooledAssets() * _config.globalThrottleBps / BPS;
        uint256 globalUsed = globalSlashedInPeriod[period];
        if (globalUsed != 0 && globalUsed >= globalCap) revert ThrottleExceeded(globalUsed, globalCap, retryAt);
    }

    function _slash(SlashRequest storage r, uint256 amount) private returns (uint256) {
        Config storage c = _config;
        return restaking.executeSlash(r.operator, r.spnId, amount, r.whistleblower, c.whistleblowerBps, c.treasury);
    }

    // ---- views and config ---------------------------------------------------------------------

    function request(uint256 id) external view returns (SlashRequest memory) {
        if (id >= _requests.length) revert UnknownRequest(id);
        return _requests[id];
    }

    function requestCount() external view returns (uint256) {
        return _requests.length;
    }

    function config() external view returns (Config memory) {
        return _config;
    }

    function setConfig(Config calldata config_) external onlyOwner {
        _setConfig(config_);
    }

    function _setConfig(Config memory c) private {
        if (c.whistleblowerBps > 5000) revert InvalidConfig("whistleblowerBps above 50%");
        if (c.throttlePeriod == 0) revert InvalidConfig("throttlePeriod must be > 0");
        if (c.spnThrottleBps == 0 || c.spnThrottleBps > BPS) {
            revert InvalidConfig("spnThrottleBps must be in (0, 10000]");
        }
        if (c.globalThrottleBps == 0 || c.globalThrottleBps > BPS) {
            revert InvalidConfig("globalThrottleBps must be in (0, 10000]");
        }
        _config = c;
        emit ConfigUpdated(c);
    }

    function _pending(uint256 id) private view returns (SlashRequest storage r) {
        if (id >= _requests.length) revert UnknownRequest(id);
        r = _requests[id];
        if (r.status != STATUS_PENDING) revert NotPending(id, r.status);
    }

    /// Binary search in the ascending validator list.
    function _findPower(address[] calldata validators, uint256[] calldata powers, address signer)
        private
        pure
        returns (uint256)
    {
        uint256 lo;
        uint256 hi = validators.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            address v = validators[mid];
            if (v == signer) return powers[mid];
            if (v < signer) lo = mid + 1;
            else hi = mid;
        }
        return 0;
    }

    function _recover(bytes32 digest, bytes calldata sig, uint256 which) private pure returns (address signer) {
        if (sig.length != 65) revert BadSignatureLength(which, sig.length);
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (uint256(s) > SECP256K1_HALF_N) revert HighS(which);
        if (v != 27 && v != 28) revert BadV(which, v);
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert InvalidSignature(which);
    }
}
