/**
 * Turns on WebAssembly relaxed SIMD in Node 20 and 21 (`enableRelaxedSimd`; Node 22+ and
 * Chrome 114+ have it on), so that the bench measures the CPU backend as it runs there:
 * with fused multiply-adds (see `setWasmMultiplyAdd`). Imported first, before any module is
 * compiled; `--separate-multiply-add` leaves it off, to compare.
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';

if (!process.argv.includes('--separate-multiply-add')) enableRelaxedSimd();
