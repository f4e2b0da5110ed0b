/**
 * Turns on WebAssembly relaxed SIMD in Node 20 and 21, where V8 has it behind a flag (Node
 * 22+ and Chrome 114+ have it on), so that the bench measures the CPU backend as it runs
 * there: with fused multiply-adds (see `setWasmMultiplyAdd`). Imported first, before any
 * module is compiled. Node documents `v8.setFlagsFromString` as safe for flags like this
 * one, set before the code they change runs; `--separate-multiply-add` skips it.
 */
const proc = process as typeof process & { getBuiltinModule?: (id: string) => unknown };
if (Number(process.versions.node.split('.')[0]) < 22 && !process.argv.includes('--separate-multiply-add')) {
  (proc.getBuiltinModule?.('node:v8') as typeof import('node:v8') | undefined)?.setFlagsFromString('--experimental-wasm-relaxed-simd');
}
