/** The bytes of the module assembled from the WAT text `wat` (wabt, SIMD enabled). */
export function assemble(wat: string): Promise<Uint8Array>;
/** The TypeScript source of src/wasm/gemm_wasm.ts for `bytes`. */
export function render(bytes: Uint8Array): string;
/** The text of src/wasm/gemm_wasm.ts built fresh from src/wasm/gemm.wat. */
export function build(): Promise<string>;
