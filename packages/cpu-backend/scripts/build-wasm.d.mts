/** The bytes of the module assembled from the WAT text `wat` (wabt, SIMD enabled); `shared`: importing a shared memory. */
export function assemble(wat: string, shared?: boolean, name?: string): Promise<Uint8Array>;
/** The TypeScript source of src/wasm/gemm_wasm.ts for the plain module's `bytes` (the shared twin is made at load time). */
export function render(bytes: Uint8Array): string;
/** The text of src/wasm/gemm_wasm.ts built fresh from src/wasm/gemm.wat. */
export function build(): Promise<string>;
/** The TypeScript source of src/wasm/vector_wasm.ts for the vector module's `bytes`. */
export function renderVector(bytes: Uint8Array): string;
/** The text of src/wasm/vector_wasm.ts built fresh from src/wasm/vector.wat. */
export function buildVector(): Promise<string>;
/** The text of src/wasm/conv_wasm.ts (the plain module) built fresh from src/wasm/conv.wat. */
export function buildConv(): Promise<string>;
