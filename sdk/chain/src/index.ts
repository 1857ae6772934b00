export * from './block/bloom.ts'
export * from './block/header.ts'
export * from './block/receipts.ts'
export type * from './block/types.ts'
export * from './chaindb/chaindb.ts'
export {
  Blocks,
  Log as LogService,
  Metrics,
  type NodeSettings,
  NodeStartupError,
  nodeLayer,
  OrderingService,
  Pipeline,
  pipelineLayer,
  Recovery,
  Rpc,
  Settings,
  State,
  stateLayer,
} from './layers.ts'
export * from './log.ts'
export * from './mempool/mempool.ts'
export * from './mempool/rejection.ts'
export * from './metrics.ts'
export * from './node/dtvm-engine.ts'
export type * from './node/engine.ts'
export * from './node/execute-block.ts'
export * from './node/node.ts'
export * from './ordering/local-ordering.ts'
export type * from './ordering/types.ts'
export type * from './rpc/api.ts'
export * from './rpc/errors.ts'
export * from './rpc/eth.ts'
export * from './rpc/server.ts'
export * from './state/account-codec.ts'
export * from './state/overlay.ts'
export * from './state/store-backend.ts'
export type * from './state/types.ts'
export * from './tx/intrinsic-gas.ts'
export {
  bigintToMinimalBytes,
  bytesToUint,
  encodeBytes,
  encodeList,
  encodeUint,
  RlpError,
  type RlpItem,
  readItem,
  readListItems,
} from './tx/rlp.ts'
export * from './tx/sender-recovery.ts'
export * from './tx/transaction.ts'
