/** The bytes of the module assembled from the WAT text `wat` (wabt, SIMD enabled); `shared`: importing a shared memory. */
export function assemble(wat: string, shared?: boolean): Promise<Uint8Array>;
/** The TypeScript source of src/wasm/gemm_wasm.ts for the plain module's `bytes` and the shared one's `sharedBytes`. */
export function render(bytes: Uint8Array, sharedBytes: Uint8Array): string;
/** The text of src/wasm/gemm_wasm.ts built fresh from src/wasm/gemm.wat. */
export function build(): Promise<string>;
