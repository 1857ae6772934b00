import { MailboxAbi, MainnetRootVerifierAbi } from '@spnkit/contracts/abi'
import type { Address, Hex, PublicClient } from 'viem'
import { withRpcRetry } from '../chain/rpc.ts'
import type { ChainConfig } from '../config/types.ts'

// A spoke's Mailbox is verified by a MainnetRootVerifier holding mainnet (hub) checkpoints. Its
// address is read from the Mailbox (`verifier()`), so the config only names the Mailbox.

const verifiers = new Map<string, Address>()

async function verifierOf(chain: ChainConfig, client: PublicClient): Promise<Address> {
  const key = `${chain.chainId}:${chain.mailbox}`
  let address = verifiers.get(key)
  if (!address) {
    address = await withRpcRetry(chain.name, 'Mailbox.verifier', () =>
      client.readContract({ address: chain.mailbox, abi: MailboxAbi, functionName: 'verifier' }),
    )
    verifiers.set(key, address)
  }
  return address
}

/** Latest hub checkpoint height the spoke's verifier accepted (undefined when none yet). */
export async function hubCheckpointOnSpoke(chain: ChainConfig, client: PublicClient): Promise<bigint | undefined> {
  const address = await verifierOf(chain, client)
  const [has, height] = await withRpcRetry(chain.name, 'MainnetRootVerifier.latestHeight', () =>
    Promise.all([
      client.readContract({ address, abi: MainnetRootVerifierAbi, functionName: 'hasCheckpoint' }),
      client.readContract({ address, abi: MainnetRootVerifierAbi, functionName: 'latestHeight' }),
    ]),
  )
  return has ? height : undefined
}

export async function hubRootOnSpoke(chain: ChainConfig, client: PublicClient, height: bigint): Promise<Hex> {
  const address = await verifierOf(chain, client)
  const [, outboxRoot] = await withRpcRetry(chain.name, 'MainnetRootVerifier.checkpointRoots', () =>
    client.readContract({ address, abi: MainnetRootVerifierAbi, functionName: 'checkpointRoots', args: [height] }),
  )
  return outboxRoot
}
