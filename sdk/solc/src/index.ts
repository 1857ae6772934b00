export { CACHE_DIR, compileCached } from './cached.ts'
export {
  type CompiledContract,
  type CompileOptions,
  type CompileResult,
  compileSolidity,
  SolidityCompileError,
  solcVersion,
} from './compile.ts'
