import { BackendError, getEngine, registerBackend } from '@tessera/tensor';
import { WebGPUBackend, checkPrecision, type WebGPUBackendConfig } from './backend_webgpu.js';
import { registerWebGPUKernels } from './register_all_kernels.js';

/** How to reach a GPU, and how to tune the backend. */
export interface WebGPUBackendOptions extends WebGPUBackendConfig {
  /**
   * The WebGPU entry point: `navigator.gpu` by default (browsers). In Node pass the
   * object from the `webgpu` package's `create([])`, and keep it referenced while the
   * backend lives (Dawn's instance goes with it).
   */
  gpu?: GPU;
  /** A device to use as is (the backend then never destroys it); `gpu` and `adapterOptions` are ignored. */
  device?: GPUDevice;
  /** Passed to `requestAdapter` (e.g. `{ powerPreference: 'high-performance' }`). */
  adapterOptions?: GPURequestAdapterOptions;
  /**
   * Refuse a software adapter (SwiftShader, lavapipe/llvmpipe, WARP, any `isFallbackAdapter`):
   * it runs shaders on the CPU, far slower than the CPU backend. Default `false`; the
   * `tessera-ml` umbrella and the demo pass `true` when they pick a backend by themselves.
   */
  hardwareOnly?: boolean;
}

/**
 * The adapter's name as the browser reports it: vendor / architecture / device / description.
 * @example
 * ```ts
 * adapterName((await navigator.gpu.requestAdapter())!.info); // 'google / swiftshader'
 * ```
 */
export function adapterName(info: GPUAdapterInfo): string {
  return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') || 'an unnamed adapter';
}

/**
 * Why an adapter is a software one (its name, and whether the browser calls it a fallback
 * adapter), or `undefined` for a hardware adapter.
 * @example
 * ```ts
 * softwareAdapter(adapter); // 'google / swiftshader' on a machine without a GPU
 * ```
 */
export function softwareAdapter(adapter: GPUAdapter): string | undefined {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const name = adapterName(info);
  if (info.isFallbackAdapter || (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter) return `${name}, a fallback adapter`;
  return /swiftshader|llvmpipe|lavapipe|softpipe|basic render|\bwarp\b/i.test(name) ? name : undefined;
}

/** Limits the backend asks for up to what the adapter allows (the defaults are lower). */
const LIMITS = [
  'maxStorageBuffersPerShaderStage',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
] as const;

const HOW_TO_GET_ONE =
  'To get one: in a browser, use one with WebGPU enabled (Chrome/Edge 113+; on Linux enable it at ' +
  'chrome://flags/#enable-unsafe-webgpu or start Chromium with --enable-unsafe-webgpu; pages need a secure context ' +
  'such as https:// or http://localhost). In Node, install webgpu@0.6.2 and pass its GPU object: ' +
  "`import { create, globals } from 'webgpu'; createWebGPUBackend({ gpu: create([]) })`. On Linux without a GPU, " +
  'install a Vulkan driver, e.g. Debian\'s `chromium` (SwiftShader) and `libvulkan1`, and set ' +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.';

/**
 * Starts a WebGPU backend: requests an adapter and a device (with the adapter's
 * compute and storage limits, and `shader-f16` where offered), or wraps the device
 * you pass.
 *
 * @param options - `gpu` (Node), `device`, `adapterOptions`, and tuning (`precision`: `'f16'`
 *   for mixed-precision matrix products, see {@link WebGPUBackendConfig.precision}).
 * @returns the backend, ready for kernels.
 * @throws A {@link BackendError} when there is no WebGPU or no adapter, saying how to get one,
 *   and when `precision: 'f16'` is asked of an adapter without `shader-f16`.
 * @example
 * ```ts
 * // Node: npm i webgpu@0.6.2
 * import { create, globals } from 'webgpu';
 * Object.assign(globalThis, globals);
 * const gpu = create([]);                        // keep it referenced
 * const backend = await createWebGPUBackend({ gpu });
 * backend.supportsF16;                           // false on SwiftShader
 * ```
 * @example
 * ```ts
 * // Mixed precision (f16 products, f32 sums) for matmuls and convolutions, where offered:
 * const probe = await createWebGPUBackend({ gpu });
 * const precision = probe.supportsF16 ? 'f16' : 'f32';
 * probe.dispose();
 * const fast = await createWebGPUBackend({ gpu, precision }); // 'f16' without shader-f16 throws
 * ```
 */
export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const config: WebGPUBackendConfig = {
    maxDispatchesPerSubmit: options.maxDispatchesPerSubmit,
    maxPooledBytes: options.maxPooledBytes,
    matmul: options.matmul,
    maxWorkgroupsPerDimension: options.maxWorkgroupsPerDimension,
    precision: options.precision,
  };
  if (options.device) {
    return new WebGPUBackend(options.device, { supportsF16: options.device.features.has('shader-f16'), ownsDevice: false, config });
  }
  const gpu = options.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new BackendError(`webgpu: this environment has no WebGPU (no navigator.gpu and no options.gpu). ${HOW_TO_GET_ONE}`);
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter(options.adapterOptions);
  } catch (e) {
    throw new BackendError(`webgpu: requestAdapter() failed: ${(e as Error).message}. ${HOW_TO_GET_ONE}`);
  }
  if (!adapter) throw new BackendError(`webgpu: requestAdapter() found no GPU adapter. ${HOW_TO_GET_ONE}`);
  const software = options.hardwareOnly ? softwareAdapter(adapter) : undefined;
  if (software) {
    throw new BackendError(
      `webgpu: expected a hardware adapter but found a software one (${software}); it runs shaders on the CPU, ` +
        'slower than the CPU backend. Pass {hardwareOnly: false} to use it anyway.',
    );
  }
  const supportsF16 = adapter.features.has('shader-f16');
  // Before a device exists, so a refused precision leaves nothing to destroy.
  checkPrecision(options.precision ?? 'f32', supportsF16, adapter.info);
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS) {
    const value = adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures: supportsF16 ? ['shader-f16'] : [], requiredLimits });
  } catch (e) {
    throw new BackendError(`webgpu: requestDevice() failed: ${(e as Error).message}`);
  }
  return new WebGPUBackend(device, { supportsF16, ownsDevice: true, config });
}

/**
 * Registers the `'webgpu'` backend with the engine (started on first use, e.g. by
 * `await setBackend('webgpu')` or `await ready()`), and its kernels. It replaces a `'webgpu'`
 * registration that has not started yet (the `tessera-ml` umbrella registers one by default).
 *
 * @param options - as {@link createWebGPUBackend}; in Node pass `{ gpu: create([]) }`.
 * @param priority - engine priority (default 2: above the CPU's 1, so `ready()` prefers the GPU).
 * @example
 * ```ts
 * import '@tessera/cpu-backend';
 * import { registerWebGPUBackend } from '@tessera/webgpu-backend';
 * import { ready } from '@tessera/tensor';
 *
 * registerWebGPUBackend();
 * await ready(); // 'webgpu' where an adapter exists, else 'cpu'
 * ```
 */
export function registerWebGPUBackend(options: WebGPUBackendOptions = {}, priority = 2): void {
  registerWebGPUKernels();
  // A registration that has not started yet (such as the tessera-ml umbrella's default, which
  // knows no Node GPU object) gives way to this explicit one.
  const engine = getEngine();
  if (engine.backendNames().includes('webgpu') && !engine.findBackend('webgpu')) engine.removeBackend('webgpu');
  registerBackend('webgpu', () => createWebGPUBackend(options), priority);
}
