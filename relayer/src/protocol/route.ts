import type { Stage } from '../db/schema.ts'

// Which stages a message goes through depends only on where it starts and ends relative to the hub
// (nothing else about the chains):
//   spoke -> hub:    checkpoint -> deliver (hub Mailbox.process) -> confirm
//   spoke -> spoke': checkpoint -> submit (adapter.forward) -> inclusion -> deliver -> confirm
//   hub -> spoke:    inclusion -> deliver -> confirm
// "checkpoint" waits for the origin's checkpoint on the hub to cover the message; "inclusion" waits
// for a hub checkpoint on the destination to cover the message's hub leaf.

export const STAGES: readonly Stage[] = ['checkpoint', 'submit', 'inclusion', 'deliver', 'confirm', 'done']

export function route(originIsHub: boolean, destinationIsHub: boolean): Stage[] {
  if (originIsHub) return ['inclusion', 'deliver', 'confirm', 'done']
  if (destinationIsHub) return ['checkpoint', 'deliver', 'confirm', 'done']
  return ['checkpoint', 'submit', 'inclusion', 'deliver', 'confirm', 'done']
}

export function nextStage(stages: readonly Stage[], current: Stage): Stage {
  const i = stages.indexOf(current)
  if (i < 0 || i === stages.length - 1) return 'done'
  return stages[i + 1]!
}

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage)
}
