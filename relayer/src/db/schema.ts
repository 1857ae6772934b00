import type { Generated } from 'kysely'

// One schema for Postgres and PGlite. Block numbers, nonces and timestamps (unix ms) are int8;
// drivers return int8 as number or string, so the repository normalizes on read.

export type MessageStatus = 'pending' | 'relaying' | 'delivered' | 'dead'
/** Stages in pipeline order; a route skips the ones it does not need (see protocol/route.ts). */
export type Stage = 'checkpoint' | 'submit' | 'inclusion' | 'deliver' | 'confirm' | 'done'

export type MessagesTable = {
  id: string
  origin_domain: number
  destination_domain: number
  nonce: number
  sender: string
  recipient: string
  body: string
  raw: string
  origin_block: string | number
  origin_tx: string
  origin_log_index: number
  leaf_index: string | number
  hub_leaf_index: string | number | null
  status: MessageStatus
  stage: Stage
  attempts: number
  retry_reason: string | null
  last_error: string | null
  submit_tx: string | null
  deliver_tx: string | null
  created_at: string | number
  updated_at: string | number
  checkpointed_at: string | number | null
  submitted_at: string | number | null
  included_at: string | number | null
  delivered_at: string | number | null
  confirmed_at: string | number | null
}

export type CursorsTable = {
  domain: number
  next_block: string | number
  updated_at: string | number
}

export type TransactionsTable = {
  seq: Generated<number>
  domain: number
  signer: string
  nonce: string | number
  hash: string
  message_id: string | null
  stage: string
  max_fee_per_gas: string
  priority_fee_per_gas: string
  gas_limit: string
  status: 'pending' | 'mined' | 'reverted' | 'replaced'
  gas_used: string | null
  sent_at: string | number
  mined_at: string | number | null
}

export type EventsTable = {
  seq: Generated<number>
  message_id: string
  at: string | number
  stage: string
  kind: string
  detail: string
}

export type LeavesTable = {
  domain: number
  leaf_index: string | number
  id: string
  block: string | number
}

export type Schema = {
  relayer_leaves: LeavesTable
  relayer_messages: MessagesTable
  relayer_cursors: CursorsTable
  relayer_transactions: TransactionsTable
  relayer_events: EventsTable
}
