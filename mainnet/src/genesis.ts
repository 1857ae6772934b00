import { MailboxAbi, MailboxBytecode } from '@spnkit/contracts/abi'
import { toHex } from '@spnkit/crypto'
import { concatHex, encodeAbiParameters, encodeFunctionData, getContractAddress, parseAbiParameters } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'

/** The standard development mnemonic (Hardhat, anvil, Foundry): never use its keys for value. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk'

/** Chain id of the spnkit mainnet devnet. */
export const MAINNET_CHAIN_ID = 4747

/** Each prefunded account starts with 10,000 ether, as anvil's do. */
export const DEV_BALANCE = 10_000n * 10n ** 18n

export type Hex = `0x${string}`
export type DevAccount = { address: Hex; privateKey: Hex; path: string }

export type GenesisAccount = { balance: bigint; nonce?: bigint; code?: Hex; storage?: Record<Hex, Hex> }

/** Everything a node needs to start block 0; identical on every validator. */
export type Genesis = {
  chainId: number
  timestamp: bigint
  gasLimit: bigint
  baseFeePerGas: bigint
  /** Validator addresses (ascending) and their voting power. */
  validators: { address: Hex; power: bigint }[]
  alloc: Record<Hex, GenesisAccount>
}

const derived = new Map<string, DevAccount>()

/** HD derivation runs PBKDF2 each time (~20 ms): results are cached per path. */
function derive(accountIndex: number, addressIndex: number): DevAccount {
  const cacheKey = `${accountIndex}/${addressIndex}`
  const cached = derived.get(cacheKey)
  if (cached) return cached
  const account = mnemonicToAccount(DEV_MNEMONIC, { accountIndex, addressIndex })
  const key = account.getHdKey().privateKey
  if (!key) throw new Error(`dev mnemonic: no private key at account ${accountIndex}, index ${addressIndex}`)
  const path = `m/44'/60'/${accountIndex}'/0/${addressIndex}`
  const result = { address: account.address.toLowerCase() as Hex, privateKey: toHex(key) as Hex, path }
  derived.set(cacheKey, result)
  return result
}

/** The prefunded accounts: BIP-44 m/44'/60'/0'/0/i of the dev mnemonic (the same ones anvil prints). */
export function devAccounts(count = 20): DevAccount[] {
  return Array.from({ length: count }, (_, i) => derive(0, i))
}

/**
 * Validator keys of the devnet: m/44'/60'/1'/0/i of the dev mnemonic, a separate account branch so
 * validator keys never collide with the prefunded user accounts.
 */
export function devValidatorKeys(count: number): DevAccount[] {
  return Array.from({ length: count }, (_, i) => derive(1, i))
}

export type GenesisOptions = { validators: number; accounts?: number; gasLimit?: bigint; baseFeePerGas?: bigint }

/** The devnet genesis: prefunded dev accounts and `validators` equal-power validators. */
export function devGenesis(options: GenesisOptions): Genesis {
  const alloc: Record<Hex, GenesisAccount> = {}
  for (const a of devAccounts(options.accounts ?? 20)) alloc[a.address] = { balance: DEV_BALANCE }
  const validators = devValidatorKeys(options.validators)
    .map((v) => ({ address: v.address, power: 1n }))
    .sort((a, b) => (a.address < b.address ? -1 : 1))
  return {
    chainId: MAINNET_CHAIN_ID,
    timestamp: 0n,
    gasLimit: options.gasLimit ?? 1_000_000_000n,
    baseFeePerGas: options.baseFeePerGas ?? 1_000_000_000n,
    validators,
    alloc,
  }
}

/** Mainnet's messaging domain (domains are uint32 SPN ids, separate from chain ids). */
export const MAINNET_DOMAIN = 1

/** Keyless address that creates the system contracts at genesis (its nonce orders them). */
export const SYSTEM_DEPLOYER: Hex = '0x00000000000000000000000000000000005e5e00'

/** Message retry window of the mainnet Mailbox: 7 days. */
export const MAILBOX_RETRY_WINDOW = 7n * 24n * 3600n

/** The Mailbox system contract: the first contract the system deployer creates. */
export const MAILBOX_ADDRESS: Hex = getContractAddress({ from: SYSTEM_DEPLOYER, nonce: 0n }).toLowerCase() as Hex

/**
 * System contracts created at genesis (constructor run by DTVM): the Mailbox, owned by dev account 0
 * (devnet governance). Its outbox root goes into every block header's extraData.
 */
export function systemDeployments(): { from: Hex; initcode: Hex }[] {
  const args = encodeAbiParameters(parseAbiParameters('uint32, uint64, address'), [
    MAINNET_DOMAIN,
    MAILBOX_RETRY_WINDOW,
    devAccounts(1)[0]!.address,
  ])
  return [{ from: SYSTEM_DEPLOYER, initcode: concatHex([MailboxBytecode, args]) }]
}

export const MAILBOX_ROOT_CALLDATA: Hex = encodeFunctionData({ abi: MailboxAbi, functionName: 'root' })
