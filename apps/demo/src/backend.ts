/**
 * Picks the backend: WebGPU when the browser offers an adapter, else the CPU backend (WebAssembly
 * SIMD) with a notice that says why.
 */
import { registerCpuBackend } from '@tessera/cpu-backend';
import { getBackend, setBackend } from '@tessera/tensor';
import { registerWebGPUBackend } from '@tessera/webgpu-backend';

export type BackendPreference = 'auto' | 'webgpu' | 'cpu';

export interface ChosenBackend {
  name: 'webgpu' | 'cpu';
  /** Why the CPU was used when WebGPU was wanted; empty on WebGPU. */
  notice: string;
}

let registered = false;

function registerBoth(): void {
  if (registered) return;
  registerCpuBackend();
  if ('gpu' in navigator) registerWebGPUBackend();
  registered = true;
}

/** Makes the preferred backend current and says which one runs. */
export async function chooseBackend(preference: BackendPreference): Promise<ChosenBackend> {
  registerBoth();
  if (preference === 'cpu') {
    await setBackend('cpu');
    return { name: 'cpu', notice: '' };
  }
  if (!('gpu' in navigator)) {
    await setBackend('cpu');
    return {
      name: 'cpu',
      notice: 'This browser has no WebGPU (navigator.gpu is missing), so training runs on the CPU backend. ' +
        'Chrome and Edge 113+ have WebGPU; on Linux start Chromium with --enable-unsafe-webgpu.',
    };
  }
  try {
    await setBackend('webgpu');
    return { name: 'webgpu', notice: '' };
  } catch (e) {
    await setBackend('cpu');
    return { name: 'cpu', notice: `No WebGPU here, so training runs on the CPU backend. ${(e as Error).message}` };
  }
}

/** The backend in use now. */
export function currentBackend(): string {
  return getBackend();
}
