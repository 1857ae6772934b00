// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Lifecycle of an SPN: registered → active → frozen → retired (a never-activated SPN may retire).
library SPNStatus {
    uint8 internal constant NONE = 0;
    uint8 internal constant REGISTERED = 1;
    uint8 internal constant ACTIVE = 2;
    uint8 internal constant FROZEN = 3;
    uint8 internal constant RETIRED = 4;
}

/// @notice Per-SPN configuration: what relayers, the adapter and the escape hatch read.
struct SPNConfig {
    uint64 chainId; // the SPN's EVM chain id (unique)
    uint32 domain; // the SPN's messaging domain (unique, never the mainnet domain)
    address adapter; // mainnet contract that accepts this SPN's checkpoints
    address bridge; // the SPN's Bridge address ON THE SPN (escape proofs read its storage)
    uint64 escapeWindow; // seconds: forced-request deadline and max checkpoint silence before freezing
    uint64 blockGasLimit; // hint for tooling
    uint64 maxHandleGas; // hint for relayers: gas to budget for a recipient's handle()
    string rpcHints; // comma-separated RPC URLs (hints, never trusted)
}

struct SPNRecord {
    uint8 status;
    address owner; // the SPN team: manages operators and operational hints
    uint64 registeredAt;
    uint64 activatedAt;
    uint64 frozenAt;
    SPNConfig config;
}

/// @title Registry
/// @notice The directory of SPNs: records, configs and the unique domain / chain-id indexes. Written only
/// by its SPNManager (which deploys it); read by everyone (adapter, bridge, escape hatch, relayers).
contract Registry {
    address public immutable manager;
    uint32 public immutable hubDomain;
    uint32 public spnCount;
    mapping(uint32 spnId => SPNRecord) internal records;
    mapping(uint32 domain => uint32 spnId) public spnIdByDomain;
    mapping(uint64 chainId => uint32 spnId) public spnIdByChainId;
    mapping(uint32 spnId => mapping(address operator => bool)) public isOperator;

    error NotManager(address caller);
    error UnknownSPN(uint32 spnId);
    error DomainTaken(uint32 domain, uint32 spnId);
    error ChainIdTaken(uint64 chainId, uint32 spnId);
    error InvalidDomain(uint32 domain);
    error InvalidChainId(uint64 chainId);

    constructor(uint32 hubDomain_) {
        manager = msg.sender;
        hubDomain = hubDomain_;
    }

    modifier onlyManager() {
        if (msg.sender != manager) revert NotManager(msg.sender);
        _;
    }

    function create(address owner, SPNConfig calldata config_) external onlyManager returns (uint32 spnId) {
        spnId = ++spnCount;
        _claimDomain(spnId, config_.domain);
        _claimChainId(spnId, config_.chainId);
        SPNRecord storage r = records[spnId];
        r.status = SPNStatus.REGISTERED;
        r.owner = owner;
        r.registeredAt = uint64(block.timestamp);
        r.config = config_;
    }

    function setStatus(uint32 spnId, uint8 status_) external onlyManager {
        SPNRecord storage r = _record(spnId);
        r.status = status_;
        if (status_ == SPNStatus.ACTIVE) r.activatedAt = uint64(block.timestamp);
        if (status_ == SPNStatus.FROZEN) r.frozenAt = uint64(block.timestamp);
    }

    function setOwner(uint32 spnId, address owner) external onlyManager {
        _record(spnId).owner = owner;
    }

    function setOperator(uint32 spnId, address operator, bool enabled) external onlyManager {
        _record(spnId);
        isOperator[spnId][operator] = enabled;
    }

    /// @notice Replaces the config; the manager builds it from the old one plus explicit field updates.
    function setConfig(uint32 spnId, SPNConfig calldata config_) external onlyManager {
        SPNRecord storage r = _record(spnId);
        if (config_.domain != r.config.domain) revert InvalidDomain(config_.domain);
        if (config_.chainId != r.config.chainId) revert InvalidChainId(config_.chainId);
        r.config = config_;
    }

    function _claimDomain(uint32 spnId, uint32 domain) internal {
        if (domain == 0 || domain == hubDomain) revert InvalidDomain(domain);
        uint32 holder = spnIdByDomain[domain];
        if (holder != 0) revert DomainTaken(domain, holder);
        spnIdByDomain[domain] = spnId;
    }

    function _claimChainId(uint32 spnId, uint64 chainId) internal {
        if (chainId == 0 || chainId == block.chainid) revert InvalidChainId(chainId);
        uint32 holder = spnIdByChainId[chainId];
        if (holder != 0) revert ChainIdTaken(chainId, holder);
        spnIdByChainId[chainId] = spnId;
    }

    function _record(uint32 spnId) internal view returns (SPNRecord storage r) {
        r = records[spnId];
        if (r.status == SPNStatus.NONE) revert UnknownSPN(spnId);
    }

    // ───────────────────────────── views ─────────────────────────────

    function record(uint32 spnId) external view returns (SPNRecord memory) {
        return _record(spnId);
    }

    function config(uint32 spnId) external view returns (SPNConfig memory) {
        return _record(spnId).config;
    }

    function status(uint32 spnId) external view returns (uint8) {
        return records[spnId].status;
    }

    function ownerOf(uint32 spnId) external view returns (address) {
        return _record(spnId).owner;
    }

    /// @notice The fields the adapter checks on every checkpoint, in one call.
    function checkpointInfo(uint32 spnId) external view returns (uint8 status_, uint32 domain, address adapter) {
        SPNRecord storage r = records[spnId];
        return (r.status, r.config.domain, r.config.adapter);
    }

    /// @notice The fields the escape hatch needs, in one call.
    function escapeInfo(uint32 spnId)
        external
        view
        returns (uint8 status_, uint32 domain, address bridge, uint64 escapeWindow, uint64 activatedAt)
    {
        SPNRecord storage r = _record(spnId);
        return (r.status, r.config.domain, r.config.bridge, r.config.escapeWindow, r.activatedAt);
    }
}
