export * from "./abi"
export * from "./revert"
export * from "./state"
export * from "./u256"
import * as host from "./host"
export { host }
