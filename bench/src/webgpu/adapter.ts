/**
 * The GPU for `pnpm bench -- --backend webgpu`: Dawn in Node through the `webgpu` package, the
 * adapter it finds, whether that adapter is a real GPU, and the peak the results are compared to.
 *
 * WebGPU's adapter info gives vendor, architecture, device and description, never a peak
 * FLOP rate: the peak is looked up in {@link PEAKS} by the adapter's description (NVIDIA's
 * published FP32 non-tensor-core rates), or given with `--peak-gflops`; otherwise it is unknown.
 */
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** What the bench says about the adapter it ran on. */
export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** The spec's flag (Dawn sets it for SwiftShader), or a known CPU driver's name. */
  software: boolean;
  /** Why it counts as software, when it does. */
  softwareReason: string;
  /** FP32 peak in GFLOP/s and where it came from, when known. */
  peak?: { gflops: number; source: string };
  features: string[];
}

/** FP32 (non-tensor-core) peaks, GFLOP/s, matched in order against the adapter's description and device. */
export const PEAKS: ReadonlyArray<{ match: RegExp; name: string; gflops: number }> = [
  { match: /H200/i, name: 'NVIDIA H200 (SXM)', gflops: 66_900 },
  { match: /H100.*PCIe/i, name: 'NVIDIA H100 PCIe', gflops: 51_200 },
  { match: /H100/i, name: 'NVIDIA H100 SXM5', gflops: 66_900 },
  { match: /A100/i, name: 'NVIDIA A100', gflops: 19_500 },
  { match: /L40S/i, name: 'NVIDIA L40S', gflops: 91_600 },
  { match: /\bL4\b/i, name: 'NVIDIA L4', gflops: 30_300 },
  { match: /A10G/i, name: 'NVIDIA A10G', gflops: 31_200 },
  { match: /\bA10\b/i, name: 'NVIDIA A10', gflops: 31_200 },
  { match: /\bT4\b/i, name: 'NVIDIA T4', gflops: 8_100 },
  { match: /V100/i, name: 'NVIDIA V100 (SXM2)', gflops: 15_700 },
  { match: /RTX 4090/i, name: 'NVIDIA RTX 4090', gflops: 82_600 },
  { match: /RTX 3090/i, name: 'NVIDIA RTX 3090', gflops: 35_600 },
];

const CPU_DRIVERS = /swiftshader|llvmpipe|lavapipe|softpipe|software rasterizer|microsoft basic render/i;

/** Classifies an adapter from its info (and the older `adapter.isFallbackAdapter`). */
export function describeAdapter(adapter: GPUAdapter, peakOverride?: number): AdapterReport {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const fields = [info.vendor, info.architecture, info.device, info.description].map((s) => s ?? '');
  const [vendor, architecture, device, description] = fields;
  const flagged = info.isFallbackAdapter === true || (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const named = fields.find((f) => CPU_DRIVERS.test(f));
  const software = flagged || named !== undefined;
  const softwareReason = flagged ? 'isFallbackAdapter is true' : named ? `a CPU driver ('${named}')` : '';
  let peak: AdapterReport['peak'];
  if (peakOverride) peak = { gflops: peakOverride, source: '--peak-gflops' };
  else if (!software) {
    const entry = PEAKS.find((p) => p.match.test(description) || p.match.test(device));
    if (entry) peak = { gflops: entry.gflops, source: `${entry.name} FP32 peak` };
  }
  return { vendor, architecture, device, description, software, softwareReason, peak, features: [...adapter.features].sort() };
}

/**
 * The Dawn instance and its adapter: the system's Vulkan drivers first (a GPU machine's), then
 * Debian chromium's SwiftShader if they give none (what a machine without a GPU has). Keep the
 * returned `gpu` referenced: Dawn's instance goes with it.
 */
export async function openGpu(): Promise<{ gpu: GPU; adapter: GPUAdapter }> {
  Object.assign(globalThis, globals);
  process.env.NODEVICE_SELECT ??= '1';
  let gpu = create([]);
  let adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    gpu = create([]);
    adapter = await gpu.requestAdapter();
  }
  if (!adapter) {
    throw new Error(
      'webgpu: Dawn found no adapter. A GPU machine needs its Vulkan driver (NVIDIA: the driver package with its Vulkan ICD, ' +
        'and libvulkan1); without a GPU, Debian chromium ships SwiftShader (VK_ICD_FILENAMES=' + SWIFTSHADER_ICD + ').',
    );
  }
  return { gpu, adapter };
}
