#!/usr/bin/env node
// The WebGPU tests run real WGSL on SwiftShader, a Vulkan driver on the CPU that ships in
// Debian's `chromium` package, loaded through `libvulkan1`; the browser tests drive that
// same chromium. This installs both when they are missing and we may (root with apt-get),
// and otherwise says exactly what to install.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PACKAGES = ['chromium', 'libvulkan1'];

const installed = (pkg) => {
  try {
    return execSync(`dpkg-query -W -f='\${Status}' ${pkg}`, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().includes('install ok installed');
  } catch {
    return false;
  }
};

if (process.platform !== 'linux' || !existsSync('/usr/bin/dpkg-query')) {
  console.log('ensure-system-deps: not a Debian-like Linux; the WebGPU tests need a WebGPU adapter (see packages/webgpu-backend/README.md)');
  process.exit(0);
}
const missing = PACKAGES.filter((p) => !installed(p));
if (missing.length === 0) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(`ensure-system-deps: the WebGPU tests need ${missing.join(', ')}: run  sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  process.exit(1);
}
console.log(`ensure-system-deps: installing ${missing.join(', ')} (SwiftShader WebGPU for the tests)`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execSync('apt-get update -qq', { stdio: 'inherit', env });
execSync(`apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`, { stdio: 'inherit', env });
