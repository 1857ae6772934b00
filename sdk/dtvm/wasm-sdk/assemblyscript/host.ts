// The DTVM host ABI (module "dtvm") as AssemblyScript imports. Pointers are linear-memory offsets;
// words are 32 bytes big-endian, addresses 20 bytes. See sdk/dtvm/README.md.
@external("dtvm", "calldata_size") export declare function calldata_size(): i32
@external("dtvm", "calldata_copy") export declare function calldata_copy(dest: usize, offset: i32, length: i32): void
@external("dtvm", "finish") export declare function finish(ptr: usize, length: i32): void
@external("dtvm", "revert") export declare function revert(ptr: usize, length: i32): void
@external("dtvm", "storage_load") export declare function storage_load(keyPtr: usize, outPtr: usize): void
@external("dtvm", "storage_store") export declare function storage_store(keyPtr: usize, valuePtr: usize): void
@external("dtvm", "transient_load") export declare function transient_load(keyPtr: usize, outPtr: usize): void
@external("dtvm", "transient_store") export declare function transient_store(keyPtr: usize, valuePtr: usize): void
@external("dtvm", "call") export declare function call(addressPtr: usize, valuePtr: usize, dataPtr: usize, dataLength: i32, gas: u64): i32
@external("dtvm", "static_call") export declare function static_call(addressPtr: usize, dataPtr: usize, dataLength: i32, gas: u64): i32
@external("dtvm", "delegate_call") export declare function delegate_call(addressPtr: usize, dataPtr: usize, dataLength: i32, gas: u64): i32
@external("dtvm", "return_data_size") export declare function return_data_size(): i32
@external("dtvm", "return_data_copy") export declare function return_data_copy(dest: usize, offset: i32, length: i32): void
@external("dtvm", "create") export declare function create(valuePtr: usize, codePtr: usize, codeLength: i32, saltPtr: usize, outAddressPtr: usize): i32
@external("dtvm", "log") export declare function log(topicsPtr: usize, topicCount: i32, dataPtr: usize, dataLength: i32): void
@external("dtvm", "caller") export declare function caller(outPtr: usize): void
@external("dtvm", "call_value") export declare function call_value(outPtr: usize): void
@external("dtvm", "address") export declare function address(outPtr: usize): void
@external("dtvm", "origin") export declare function origin(outPtr: usize): void
@external("dtvm", "balance") export declare function balance(addressPtr: usize, outPtr: usize): void
@external("dtvm", "block_number") export declare function block_number(): u64
@external("dtvm", "block_timestamp") export declare function block_timestamp(): u64
@external("dtvm", "chain_id") export declare function chain_id(): u64
@external("dtvm", "block_coinbase") export declare function block_coinbase(outPtr: usize): void
@external("dtvm", "base_fee") export declare function base_fee(outPtr: usize): void
@external("dtvm", "gas_price") export declare function gas_price(outPtr: usize): void
@external("dtvm", "keccak256") export declare function keccak256(ptr: usize, length: i32, outPtr: usize): void
@external("dtvm", "gas_left") export declare function gas_left(): u64
