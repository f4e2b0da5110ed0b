// Shared by the Node test files: one Dawn GPU per test file (vitest isolates files),
// the WebGPU globals, and the 'webgpu' backend registered with the engine.
//
// Linux without a GPU: Debian's `chromium` ships SwiftShader (a Vulkan driver on the
// CPU) and `libvulkan1` loads it; VK_ICD_FILENAMES must point at it before create().
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { registerWebGPUBackend } from '../src/index.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
process.env.NODEVICE_SELECT ??= '1';

Object.assign(globalThis, globals);

/**
 * The Dawn instance. It must stay referenced while any device made from it lives: if it
 * is garbage-collected, Dawn's instance goes with it and later calls crash the process.
 */
export const gpu: GPU = create([]);
(globalThis as { __tesseraDawn?: GPU }).__tesseraDawn = gpu;

// TESSERA_WEBGPU_MATMUL=tiled|naive forces one GEMM kernel (the suite's products are small, so 'auto' picks naive).
const matmul = process.env.TESSERA_WEBGPU_MATMUL as 'auto' | 'naive' | 'tiled' | undefined;
registerWebGPUBackend({ gpu, matmul });
