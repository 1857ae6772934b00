import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fromHex, keccak256, privateKeyToAddress, toHex } from '@spnkit/crypto'
import { Cause, Context, Effect, Exit, Layer, Scope } from 'effect'
import { type NodeSettings, nodeLayer, Pipeline, Rpc } from '../layers.ts'
import type { Node } from '../node/node.ts'
import { StoreStateBackend } from '../state/store-backend.ts'
import type { StateDiff } from '../state/types.ts'
import type { Address } from '../tx/transaction.ts'

export type DevNode = { url: string; wsUrl: string; node: Node; dataDir: string; stop: () => Promise<void> }

/** The first accounts of the standard dev mnemonic (the ones anvil prefunds), for tests. */
export const DEV_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
] as const

/** Genesis state of the dev node: the DEV_KEYS accounts with 10,000 ether each. */
export function devFunding(): StateDiff {
  return {
    accounts: new Map(
      DEV_KEYS.map((k) => [
        toHex(privateKeyToAddress(fromHex(k))) as Address,
        {
          nonce: 0n,
          balance: 10_000n * 10n ** 18n,
          codeHash: keccak256(new Uint8Array(0)),
          storageCleared: false,
          storage: new Map(),
        },
      ]),
    ),
  }
}

/**
 * Starts a real single-validator node in this process (DTVM + store in a temp dir, RPC on a free
 * port) with the DEV_KEYS accounts funded with 10,000 ether. For tests and examples.
 */
export async function startDevNode(
  overrides: Partial<NodeSettings> & { dataDir?: string; keepData?: boolean } = {},
): Promise<DevNode> {
  const dataDir = overrides.dataDir ?? mkdtempSync(path.join(tmpdir(), 'spnkit-devnode-'))
  const validatorKey = fromHex('0x' + '11'.repeat(32))
  const validatorAddress = toHex(privateKeyToAddress(validatorKey)) as Address
  const settings: NodeSettings = {
    name: 'dev',
    chainId: 31337n,
    clientVersion: 'spnkit-dev/0.1.0',
    dataDir,
    rpc: { host: '127.0.0.1', port: 0, maxBodyBytes: 1024 * 1024, maxBatch: 1000 },
    gasLimit: 30_000_000n,
    minBaseFee: 1_000_000_000n,
    priorityFee: 1_000_000n,
    emptyBlockIntervalMs: 0,
    maxBlockTransactions: 5000,
    pipelineDepth: 2,
    recoveryWorkers: 1,
    validatorKey,
    validatorAddress,
    validators: [{ address: validatorAddress, power: 1n }],
    genesis: { timestamp: 1_700_000_000n, baseFeePerGas: 1_000_000_000n, diff: devFunding },
    logLevel: 'warn',
    ...overrides,
  }
  const layer = nodeLayer(settings, (s) => Promise.resolve(StoreStateBackend.open(path.join(s.dataDir, 'state'))))
  const scope = await Effect.runPromise(Scope.make())
  const built = await Effect.runPromiseExit(Layer.buildWithScope(layer, scope))
  if (Exit.isFailure(built)) {
    // Release whatever was acquired before the failing component, in reverse order.
    await Effect.runPromise(Scope.close(scope, built))
    if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true })
    throw Cause.squash(built.cause)
  }
  const context = built.value
  const rpc = Context.get(context, Rpc)
  return {
    url: rpc.url,
    wsUrl: rpc.wsUrl,
    node: Context.get(context, Pipeline),
    dataDir,
    stop: async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      if (!overrides.keepData && !overrides.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
