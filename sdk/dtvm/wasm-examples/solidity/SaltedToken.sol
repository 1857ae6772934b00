// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// A plain ERC-20 (same storage layout and events as the WASM examples) whose runtime code embeds
/// an immutable salt, so every deployment has a fresh code hash: the first-call benchmark then
/// measures a cold contract each time, as it does for the WASM tokens.
contract SaltedToken {
    event Transfer(address indexed from, address indexed to, uint256 value);

    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    uint256 public totalSupply;
    uint256 public immutable salt;

    constructor(uint256 initialSupply, uint256 salt_) {
        salt = salt_;
        totalSupply = initialSupply;
        balanceOf[msg.sender] = initialSupply;
        emit Transfer(address(0), msg.sender, initialSupply);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        uint256 balance = balanceOf[msg.sender];
        require(balance >= amount, "ERC20: transfer amount exceeds balance");
        balanceOf[msg.sender] = balance - amount;
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
        return true;
    }
}
