// Registers the backends with the engine (a side effect, listed in package.json `sideEffects`).
// The CPU backend always; WebGPU only where a hardware adapter exists: a software adapter
// (SwiftShader, lavapipe, WARP, `isFallbackAdapter`) runs shaders on the CPU, far slower than
// the CPU backend. The WebGPU package is imported only when `navigator.gpu` exists, so
// bundlers that split chunks (Vite, webpack, Rollup) load its shaders only on such pages.
import '@tessera/cpu-backend';
import { BackendError, getEngine, ready, registerBackend } from '@tessera/tensor';

/** The backend that runs, and why it was picked. */
export interface BackendChoice {
  /** `'webgpu'` or `'cpu'` (or the name of a backend you registered with a higher priority). */
  readonly name: string;
  /** Why: which adapter WebGPU runs on, or why the CPU backend runs instead. */
  readonly reason: string;
}

let webgpuWhy = 'WebGPU was not tried';
/** The start of the WebGPU backend, once the engine has asked for it. */
let webgpuStart: Promise<unknown> | undefined;

async function startWebGPU() {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) {
    webgpuWhy = 'this environment has no WebGPU (navigator.gpu is missing)';
    throw new BackendError(`webgpu: ${webgpuWhy}`);
  }
  const { adapterName, createWebGPUBackend } = await import('@tessera/webgpu-backend');
  try {
    const backend = await createWebGPUBackend({ hardwareOnly: true });
    webgpuWhy = `WebGPU runs on the hardware adapter ${adapterName(backend.device.adapterInfo)}`;
    return backend;
  } catch (e) {
    webgpuWhy = (e as Error).message.replace(/^webgpu: /, '');
    throw e;
  }
}

if (!getEngine().backendNames().includes('webgpu')) {
  registerBackend('webgpu', () => (webgpuStart = startWebGPU()) as Promise<Awaited<ReturnType<typeof startWebGPU>>>, 2);
}

/**
 * Starts the best backend (WebGPU on a hardware adapter, else the CPU) and says which one
 * runs and why. Call it once before training to get WebGPU: ops called earlier start on
 * the CPU, which needs no waiting.
 *
 * @returns the name of the backend and the reason it was picked.
 * @example
 * ```ts
 * import { pickBackend } from 'tessera-ml';
 * const { name, reason } = await pickBackend();
 * console.log(`${name}: ${reason}`); // 'cpu: this environment has no WebGPU (navigator.gpu is missing)'
 * ```
 */
export async function pickBackend(): Promise<BackendChoice> {
  const name = await ready();
  await webgpuStart?.catch(() => undefined);
  if (name === 'webgpu') return { name, reason: webgpuWhy };
  if (name !== 'cpu') return { name, reason: `'${name}' is the registered backend of highest priority that started` };
  if (!webgpuStart) return { name, reason: 'the CPU backend is the only one registered' };
  if (getEngine().findBackend('webgpu')) {
    return { name, reason: `the CPU backend was running before pickBackend() was called (${webgpuWhy}; call pickBackend() before making tensors)` };
  }
  return { name, reason: `the CPU backend runs because ${webgpuWhy}` };
}
