// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// Per-epoch reward distribution by Merkle root (EigenLayer RewardsCoordinator, simplified).
///
/// The updater posts `root` for an epoch and funds it with `total` tokens in the same call, so
/// claims can never exceed what the epoch holds. A root becomes claimable after
/// `activationDelay` and can be disabled (and refunded) before that, to stop a wrong root.
/// Leaves are OpenZeppelin's double-hashed `keccak256(bytes.concat(keccak256(abi.encode(epoch,
/// account, amount))))` (sorted-pair tree); each (epoch, account) claims once.
contract RewardsDistributor is Ownable2Step {
    using SafeERC20 for IERC20;

    struct Distribution {
        bytes32 root;
        uint128 total;
        uint128 claimed;
        uint64 activatesAt;
        bool disabled;
    }

    IERC20 public immutable token;
    uint64 public immutable activationDelay;
    address public updater;
    mapping(uint64 => Distribution) private _distributions;
    mapping(uint64 => mapping(address => bool)) public hasClaimed;

    error NotUpdater(address caller);
    error EpochAlreadyPosted(uint64 epoch);
    error ZeroRoot();
    error ZeroAmount();
    error UnknownEpoch(uint64 epoch);
    error DistributionDisabled(uint64 epoch);
    error NotYetActive(uint64 epoch, uint256 activatesAt);
    error AlreadyActive(uint64 epoch);
    error AlreadyClaimed(uint64 epoch, address account);
    error InvalidProof(uint64 epoch, address account, uint256 amount);
    error ExceedsEpochTotal(uint64 epoch, uint256 requested, uint256 left);

    event RootPosted(uint64 indexed epoch, bytes32 root, uint256 total, uint64 activatesAt);
    event RootDisabled(uint64 indexed epoch, uint256 refunded);
    event Claimed(uint64 indexed epoch, address indexed account, address recipient, uint256 amount);
    event UpdaterSet(address updater);

    constructor(address owner_, IERC20 token_, address updater_, uint64 activationDelay_) Ownable(owner_) {
        token = token_;
        updater = updater_;
        activationDelay = activationDelay_;
    }

    function setUpdater(address updater_) external onlyOwner {
        updater = updater_;
        emit UpdaterSet(updater_);
    }

    function distribution(uint64 epoch) external view returns (Distribution memory) {
        return _distributions[epoch];
    }

    function leaf(uint64 epoch, address account, uint256 amount) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(epoch, account, amount))));
    }

    function postRoot(uint64 epoch, bytes32 root, uint128 total) external {
        if (msg.sender != updater) revert NotUpdater(msg.sender);
        if (root == bytes32(0)) revert ZeroRoot();
        if (total == 0) revert ZeroAmount();
        if (_distributions[epoch].root != bytes32(0)) revert EpochAlreadyPosted(epoch);
        uint64 activatesAt = uint64(block.timestamp) + activationDelay;
        _distributions[epoch] =
            Distribution({root: root, total: total, claimed: 0, activatesAt: activatesAt, disabled: false});
        token.safeTransferFrom(msg.sender, address(this), total);
        emit RootPosted(epoch, root, total, activatesAt);
    }

    /// Stops a root before it activates and refunds its funding to the updater.
    function disableRoot(uint64 epoch) external {
        if (msg.sender != updater && msg.sender != owner()) revert NotUpdater(msg.sender);
        Distribution storage d = _distributions[epoch];
        if (d.root == bytes32(0)) revert UnknownEpoch(epoch);
        if (d.disabled) revert DistributionDisabled(epoch);
        if (block.timestamp >= d.activatesAt) revert AlreadyActive(epoch);
        d.disabled = true;
        token.safeTransfer(updater, d.total);
        emit RootDisabled(epoch, d.total);
    }

    /// Pays `amount` to `account`'s chosen `recipient` (only the account itself may choose it).
    function claim(uint64 epoch, uint256 amount, bytes32[] calldata proof, address recipient) external {
        Distribution storage d = _distributions[epoch];
        if (d.root == bytes32(0)) revert UnknownEpoch(epoch);
        if (d.disabled) revert DistributionDisabled(epoch);
        if (block.timestamp < d.activatesAt) revert NotYetActive(epoch, d.activatesAt);
        if (hasClaimed[epoch][msg.sender]) revert AlreadyClaimed(epoch, msg.sender);
        if (!MerkleProof.verifyCalldata(proof, d.root, leaf(epoch, msg.sender, amount))) {
            revert InvalidProof(epoch, msg.sender, amount);
        }
        uint256 left = d.total - d.claimed;
        if (amount > left) revert ExceedsEpochTotal(epoch, amount, left);
        hasClaimed[epoch][msg.sender] = true;
        d.claimed += uint128(amount);
        token.safeTransfer(recipient, amount);
        emit Claimed(epoch, msg.sender, recipient, amount);
    }
}
