// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Owned} from "./access/Owned.sol";
import {IValidatorSetSource, ValidatorSetHeader} from "./interfaces/IValidatorSetSource.sol";
import {ValidatorSetLib} from "./libraries/ValidatorSetLib.sol";
import {Registry, SPNConfig, SPNStatus} from "./Registry.sol";

/// @notice Adapters report whether they run the devnet-only trusted-relayer mode.
interface IDevnetFlag {
    function devnetMode() external view returns (bool);
}

/// @title SPNManager
/// @notice Governs SPNs on mainnet: registration, lifecycle (registered → active → frozen → retired),
/// configuration with explicit partial updates, operators, and the per-epoch validator-set headers pulled
/// from restaking (hash-chained). Its owner is governance (the Timelock in production), so every
/// governance action is delayed; the escape hatch may freeze; SPN owners manage operational fields only.
contract SPNManager is Owned {
    /// @notice Field bits for `updateConfig`: only fields whose bit is set change; nothing is reset.
    uint256 public constant FIELD_ADAPTER = 1 << 0;
    uint256 public constant FIELD_BRIDGE = 1 << 1;
    uint256 public constant FIELD_ESCAPE_WINDOW = 1 << 2;
    uint256 public constant FIELD_BLOCK_GAS_LIMIT = 1 << 3;
    uint256 public constant FIELD_MAX_HANDLE_GAS = 1 << 4;
    uint256 public constant FIELD_RPC_HINTS = 1 << 5;
    uint256 internal constant GOVERNANCE_FIELDS = FIELD_ADAPTER | FIELD_BRIDGE | FIELD_ESCAPE_WINDOW;
    uint256 internal constant ALL_FIELDS = (1 << 6) - 1;

    uint64 public constant MIN_ESCAPE_WINDOW = 1 hours;
    uint64 public constant MIN_PRODUCTION_ESCAPE_WINDOW = 1 days;
    uint64 public constant MAX_ESCAPE_WINDOW = 30 days;

    Registry public immutable registry;
    /// @notice Production deployments refuse devnet adapters and short escape windows.
    bool public immutable production;
    IValidatorSetSource public validatorSetSource;
    address public escapeHatch;

    struct ValidatorSet {
        uint64 epoch;
        bytes32 headerHash;
        bytes32 validatorsRoot;
        uint256 totalPower;
        uint256 quorum;
    }

    mapping(uint32 spnId => ValidatorSet) internal currentSets;
    mapping(uint32 spnId => mapping(uint64 epoch => bytes32)) public headerHashAt;

    event SPNRegistered(uint32 indexed spnId, uint32 indexed domain, uint64 chainId, address owner);
    event SPNStatusChanged(uint32 indexed spnId, uint8 status);
    event SPNConfigUpdated(uint32 indexed spnId, uint256 fields);
    event SPNOwnerChanged(uint32 indexed spnId, address owner);
    event OperatorSet(uint32 indexed spnId, address indexed operator, bool enabled);
    event ValidatorSetSynced(uint32 indexed spnId, uint64 indexed epoch, bytes32 headerHash);
    event ValidatorSetSourceSet(address source);
    event EscapeHatchSet(address escapeHatch);

    error WrongStatus(uint32 spnId, uint8 status, uint8 expected);
    error NotSPNOwner(uint32 spnId, address caller);
    error NotAllowedToFreeze(address caller);
    error NoValidatorSet(uint32 spnId);
    error MissingAddress(string field);
    error DevnetAdapterOnProduction(address adapter);
    error EscapeWindowOutOfRange(uint64 window, uint64 min, uint64 max);
    error UnknownFields(uint256 fields);
    error NoFields();
    error HeaderForOtherSPN(uint32 spnId, uint32 headerSpnId);
    error EpochNotNewer(uint32 spnId, uint64 epoch, uint64 current);
    error HeaderEpochMismatch(uint64 requested, uint64 header);
    error BrokenHeaderChain(uint32 spnId, uint64 epoch, bytes32 parentHash, bytes32 expected);
    error BadQuorum(uint256 quorum, uint256 expected);
    error SourceNotSet();

    constructor(address owner_, uint32 hubDomain, bool production_, address validatorSetSource_) Owned(owner_) {
        registry = new Registry(hubDomain);
        production = production_;
        validatorSetSource = IValidatorSetSource(validatorSetSource_);
        emit ValidatorSetSourceSet(validatorSetSource_);
    }

    // ───────────────────────────── governance ─────────────────────────────

    function register(address spnOwner, SPNConfig calldata config) external onlyOwner returns (uint32 spnId) {
        if (spnOwner == address(0)) revert MissingAddress("spnOwner");
        _checkAdapter(config.adapter);
        _checkEscapeWindow(config.escapeWindow);
        spnId = registry.create(spnOwner, config);
        emit SPNRegistered(spnId, config.domain, config.chainId, spnOwner);
        emit SPNStatusChanged(spnId, SPNStatus.REGISTERED);
    }

    /// @notice Starts an SPN: needs an adapter, its Bridge address and a synced validator set.
    function activate(uint32 spnId) external onlyOwner {
        _expectStatus(spnId, SPNStatus.REGISTERED);
        SPNConfig memory c = registry.config(spnId);
        if (c.adapter == address(0)) revert MissingAddress("adapter");
        if (c.bridge == address(0)) revert MissingAddress("bridge");
        if (currentSets[spnId].headerHash == 0) revert NoValidatorSet(spnId);
        _setStatus(spnId, SPNStatus.ACTIVE);
    }

    /// @notice Freezes an active SPN: the escape hatch does this when deadlines are missed; governance may too.
    function freeze(uint32 spnId) external {
        if (msg.sender != escapeHatch && msg.sender != owner) revert NotAllowedToFreeze(msg.sender);
        _expectStatus(spnId, SPNStatus.ACTIVE);
        _setStatus(spnId, SPNStatus.FROZEN);
    }

    /// @notice Retires a frozen (or never activated) SPN. Escape claims stay open.
    function retire(uint32 spnId) external onlyOwner {
        uint8 s = registry.status(spnId);
        if (s != SPNStatus.FROZEN && s != SPNStatus.REGISTERED) revert WrongStatus(spnId, s, SPNStatus.FROZEN);
        _setStatus(spnId, SPNStatus.RETIRED);
    }

    /// @notice Explicit partial update: sets exactly the fields flagged in `fields` from `values`, keeps
    /// every other field. Security fields (adapter, bridge, escape window) are governance-only; the SPN
    /// owner may change the operational hints.
    function updateConfig(uint32 spnId, uint256 fields, SPNConfig calldata values) external {
        if (fields == 0) revert NoFields();
        if (fields & ~ALL_FIELDS != 0) revert UnknownFields(fields & ~ALL_FIELDS);
        if (fields & GOVERNANCE_FIELDS != 0) {
            if (msg.sender != owner) revert NotOwner(msg.sender, owner);
        } else if (msg.sender != owner && msg.sender != registry.ownerOf(spnId)) {
            revert NotSPNOwner(spnId, msg.sender);
        }
        SPNConfig memory c = registry.config(spnId);
        if (fields & FIELD_ADAPTER != 0) {
            _checkAdapter(values.adapter);
            c.adapter = values.adapter;
        }
        if (fields & FIELD_BRIDGE != 0) c.bridge = values.bridge;
        if (fields & FIELD_ESCAPE_WINDOW != 0) {
            _checkEscapeWindow(values.escapeWindow);
            c.escapeWindow = values.escapeWindow;
        }
        if (fields & FIELD_BLOCK_GAS_LIMIT != 0) c.blockGasLimit = values.blockGasLimit;
        if (fields & FIELD_MAX_HANDLE_GAS != 0) c.maxHandleGas = values.maxHandleGas;
        if (fields & FIELD_RPC_HINTS != 0) c.rpcHints = values.rpcHints;
        registry.setConfig(spnId, c);
        emit SPNConfigUpdated(spnId, fields);
    }

    function setValidatorSetSource(address source) external onlyOwner {
        validatorSetSource = IValidatorSetSource(source);
        emit ValidatorSetSourceSet(source);
    }

    function setEscapeHatch(address escapeHatch_) external onlyOwner {
        escapeHatch = escapeHatch_;
        emit EscapeHatchSet(escapeHatch_);
    }

    // ───────────────────────────── SPN owner ─────────────────────────────

    function setSPNOwner(uint32 spnId, address newOwner) external {
        _onlySPNOwner(spnId);
        if (newOwner == address(0)) revert MissingAddress("newOwner");
        registry.setOwner(spnId, newOwner);
        emit SPNOwnerChanged(spnId, newOwner);
    }

    function setOperator(uint32 spnId, address operator, bool enabled) external {
        _onlySPNOwner(spnId);
        registry.setOperator(spnId, operator, enabled);
        emit OperatorSet(spnId, operator, enabled);
    }

    // ───────────────────────────── validator sets ─────────────────────────────

    /// @notice Pulls `(spnId, epoch)`'s header from the validator-set source (anyone may call). Epochs must
    /// increase and each header's parentHash must equal the previously synced header's hash.
    function syncValidatorSet(uint32 spnId, uint64 epoch) external {
        IValidatorSetSource source = validatorSetSource;
        if (address(source) == address(0)) revert SourceNotSet();
        uint8 s = registry.status(spnId);
        if (s == SPNStatus.NONE || s == SPNStatus.RETIRED) revert WrongStatus(spnId, s, SPNStatus.ACTIVE);
        ValidatorSetHeader memory h = source.header(spnId, epoch);
        if (h.spnId != spnId) revert HeaderForOtherSPN(spnId, h.spnId);
        if (h.epoch != epoch) revert HeaderEpochMismatch(epoch, h.epoch);
        ValidatorSet storage cur = currentSets[spnId];
        if (cur.headerHash != 0) {
            if (epoch <= cur.epoch) revert EpochNotNewer(spnId, epoch, cur.epoch);
            if (h.parentHash != cur.headerHash) revert BrokenHeaderChain(spnId, epoch, h.parentHash, cur.headerHash);
        }
        uint256 expected = ValidatorSetLib.quorumFor(h.totalPower);
        if (h.totalPower == 0 || h.quorum != expected) revert BadQuorum(h.quorum, expected);
        bytes32 hh = ValidatorSetLib.hash(h);
        currentSets[spnId] = ValidatorSet(epoch, hh, h.validatorsRoot, h.totalPower, h.quorum);
        headerHashAt[spnId][epoch] = hh;
        emit ValidatorSetSynced(spnId, epoch, hh);
    }

    function validatorSet(uint32 spnId) external view returns (ValidatorSet memory) {
        return currentSets[spnId];
    }

    // ───────────────────────────── internals ─────────────────────────────

    function _checkAdapter(address adapter) internal view {
        if (adapter == address(0) || !production) return;
        if (IDevnetFlag(adapter).devnetMode()) revert DevnetAdapterOnProduction(adapter);
    }

    function _checkEscapeWindow(uint64 window) internal view {
        uint64 min = production ? MIN_PRODUCTION_ESCAPE_WINDOW : MIN_ESCAPE_WINDOW;
        if (window < min || window > MAX_ESCAPE_WINDOW) revert EscapeWindowOutOfRange(window, min, MAX_ESCAPE_WINDOW);
    }

    function _expectStatus(uint32 spnId, uint8 expected) internal view {
        uint8 s = registry.status(spnId);
        if (s != expected) revert WrongStatus(spnId, s, expected);
    }

    function _setStatus(uint32 spnId, uint8 s) internal {
        registry.setStatus(spnId, s);
        emit SPNStatusChanged(spnId, s);
    }

    function _onlySPNOwner(uint32 spnId) internal view {
        if (msg.sender != registry.ownerOf(spnId)) revert NotSPNOwner(spnId, msg.sender);
    }
}
