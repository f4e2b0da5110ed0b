/**
 * Picks the backend: WebGPU when the browser offers a hardware adapter, else the CPU backend
 * (WebAssembly SIMD) with a notice that says why. A software adapter (SwiftShader, lavapipe,
 * `isFallbackAdapter`) is never picked by default: it runs shaders on the CPU, far slower than
 * the CPU backend. Choosing WebGPU explicitly uses whatever adapter there is.
 */
import { registerCpuBackend } from '@tessera/cpu-backend';
import { getBackend, registerBackend, setBackend } from '@tessera/tensor';
import { createWebGPUBackend, registerWebGPUKernels } from '@tessera/webgpu-backend';

export type BackendPreference = 'auto' | 'webgpu' | 'cpu';

export interface ChosenBackend {
  name: 'webgpu' | 'cpu';
  /** Why the CPU was used when WebGPU was wanted; empty on WebGPU. */
  notice: string;
}

let registered = false;
/** Whether the next start of the WebGPU backend may use a software adapter (only when asked for by name). */
let allowSoftware = false;

function registerBoth(): void {
  if (registered) return;
  registerCpuBackend();
  if ('gpu' in navigator) {
    registerWebGPUKernels();
    registerBackend('webgpu', () => createWebGPUBackend({ hardwareOnly: !allowSoftware }), 2);
  }
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
  allowSoftware = preference === 'webgpu';
  try {
    await setBackend('webgpu');
    return { name: 'webgpu', notice: '' };
  } catch (e) {
    await setBackend('cpu');
    const why = (e as Error).message.replace(/^webgpu: /, '');
    if (why.startsWith('expected a hardware adapter')) {
      return { name: 'cpu', notice: `WebGPU was not picked, so training runs on the CPU backend: ${why}` };
    }
    return { name: 'cpu', notice: `No WebGPU here, so training runs on the CPU backend. ${(e as Error).message}` };
  }
}

/** The backend in use now. */
export function currentBackend(): string {
  return getBackend();
}
