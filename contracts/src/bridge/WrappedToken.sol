// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface ISpokeLedger {
    function balanceOf(address token, address account) external view returns (uint256);
    function totalSupply(address token) external view returns (uint256);
    function facadeTransfer(address token, address from, address to, uint256 amount) external;
}

/// @title WrappedToken
/// @notice The ERC-20 face of one mainnet token on an SPN. Balances live in the SpokeBridge ledger (so the
/// escape hatch can prove them); this contract keeps only allowances and emits the ERC-20 events.
contract WrappedToken {
    ISpokeLedger public immutable bridge;
    address public immutable mainnetToken;
    uint8 public immutable decimals;
    string public name;
    string public symbol;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error NotBridge(address caller);
    error InsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);

    constructor(address mainnetToken_, string memory name_, string memory symbol_, uint8 decimals_) {
        bridge = ISpokeLedger(msg.sender);
        mainnetToken = mainnetToken_;
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
    }

    function totalSupply() external view returns (uint256) {
        return bridge.totalSupply(mainnetToken);
    }

    function balanceOf(address account) external view returns (uint256) {
        return bridge.balanceOf(mainnetToken, account);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        bridge.facadeTransfer(mainnetToken, msg.sender, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert InsufficientAllowance(from, msg.sender, allowed, amount);
            allowance[from][msg.sender] = allowed - amount;
        }
        bridge.facadeTransfer(mainnetToken, from, to, amount);
        return true;
    }

    /// @notice The bridge reports every ledger movement of this token (mints, burns, transfers).
    function emitTransfer(address from, address to, uint256 amount) external {
        if (msg.sender != address(bridge)) revert NotBridge(msg.sender);
        emit Transfer(from, to, amount);
    }
}
