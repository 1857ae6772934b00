export { DEV_KEYS, type DevNode, devFunding, startDevNode } from './dev-node.ts'
export { type Artifact, DEV_TOKEN_SOURCE, devTokenArtifact } from './erc20.ts'
