import { MailboxAbi } from '@spnkit/contracts/abi'
import { createWalletClient, encodeFunctionData, type Hex, http, keccak256, type PublicClient } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { addressToBytes32 } from '../protocol/message.ts'
import { CountingRecipientAbi, type Devnet, type DevnetChain, key } from './devnet.ts'

// Sends test messages between devnet chains (each body unique, so the recipient's per-body count
// shows double deliveries) and checks every one on chain.

export type SentMessage = { id: Hex; from: DevnetChain; to: DevnetChain; body: Hex; sentAt: number }

export async function sendMessages(
  devnet: Devnet,
  plan: { from: DevnetChain; to: DevnetChain; count: number }[],
  label = 'traffic',
): Promise<SentMessage[]> {
  const sent: SentMessage[] = []
  for (const { from, to, count } of plan) {
    const senderKey = key(`${label}:sender:${from.domain}`)
    const account = privateKeyToAccount(senderKey)
    await devnet.fund(account.address)
    const wallet = createWalletClient({ transport: http(from.rpcUrl), account })
    let nonce = await from.client.getTransactionCount({ address: account.address, blockTag: 'pending' })
    const hashes: Hex[] = []
    const bodies: Hex[] = []
    for (let i = 0; i < count; i++) {
      const body = `0x${Buffer.from(`${label}:${from.domain}->${to.domain}:${i}`).toString('hex')}` as Hex
      bodies.push(body)
      const serialized = await account.signTransaction({
        chainId: from.chainId,
        to: from.mailbox,
        data: encodeFunctionData({
          abi: MailboxAbi,
          functionName: 'dispatch',
          args: [to.domain, addressToBytes32(to.recipient), body],
        }),
        nonce: nonce++,
        gas: 300_000n,
        maxFeePerGas: 50_000_000_000n,
        maxPriorityFeePerGas: 1_000_000_000n,
        type: 'eip1559',
      })
      hashes.push(await wallet.request({ method: 'eth_sendRawTransaction', params: [serialized] }))
    }
    for (let i = 0; i < hashes.length; i++) {
      const receipt = await from.client.waitForTransactionReceipt({ hash: hashes[i]!, pollingInterval: 20 })
      const log = receipt.logs.find((l) => l.address.toLowerCase() === from.mailbox.toLowerCase())
      sent.push({ id: log!.topics[1] as Hex, from, to, body: bodies[i]!, sentAt: Date.now() })
    }
  }
  return sent
}

export type DeliveryCheck = { delivered: number; duplicates: number; lost: Hex[] }

/** Checks each message on its destination: Mailbox status delivered, handled exactly once. */
export async function checkDeliveries(messages: SentMessage[]): Promise<DeliveryCheck> {
  let delivered = 0
  let duplicates = 0
  const lost: Hex[] = []
  for (const m of messages) {
    const client: PublicClient = m.to.client
    const [status, times] = await Promise.all([
      client.readContract({ address: m.to.mailbox, abi: MailboxAbi, functionName: 'status', args: [m.id] }),
      client.readContract({
        address: m.to.recipient,
        abi: CountingRecipientAbi,
        functionName: 'handled',
        args: [keccakHex(m.body)],
      }),
    ])
    if (status === 1 && times === 1n) delivered++
    else if (times > 1n) duplicates++
    else lost.push(m.id)
  }
  return { delivered, duplicates, lost }
}

const keccakHex = (body: Hex) => keccak256(body)

/** Polls until every message is delivered or the deadline passes. */
export async function waitForDeliveries(messages: SentMessage[], timeoutMs: number): Promise<DeliveryCheck> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const check = await checkDeliveries(messages)
    if (check.lost.length === 0 || Date.now() > deadline) return check
    await new Promise((r) => setTimeout(r, 250))
  }
}
