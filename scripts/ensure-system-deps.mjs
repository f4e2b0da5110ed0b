#!/usr/bin/env node
// The WebGPU tests run real WGSL on SwiftShader, a Vulkan driver on the CPU that ships in
// Debian's `chromium` package, loaded through `libvulkan1`; the browser tests drive that
// same chromium. This installs both when they are missing and we may (root with apt-get),
// and otherwise says exactly what to install.
//
// Optional: the f16 tests (packages/webgpu-backend/test/f16.test.ts) need an adapter with
// shader-f16, which SwiftShader lacks: lavapipe from Mesa 25 (Debian bookworm-backports),
// unpacked into /opt/lavapipe beside the system Mesa, which stays untouched. As root on
// Debian 12 this installs it when /opt/lavapipe/lvp_icd.json is missing; where that is not
// possible or fails it warns and goes on (those tests then skip): it never fails the run.
// (Debian's mesa-vulkan-drivers, installed for lavapipe's runtime libraries, gives Dawn no
// adapter of its own: the tests always set VK_ICD_FILENAMES, see test/setup.ts.)
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PACKAGES = ['chromium', 'libvulkan1'];
const LAVAPIPE = '/opt/lavapipe';
const LAVAPIPE_ICD = `${LAVAPIPE}/lvp_icd.json`;
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

const installed = (pkg) => {
  try {
    return execSync(`dpkg-query -W -f='\${Status}' ${pkg}`, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().includes('install ok installed');
  } catch {
    return false;
  }
};

/** SwiftShader and the Vulkan loader: required; exits 1 when missing and not installable here. */
function ensureSwiftShader() {
  const missing = PACKAGES.filter((p) => !installed(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`ensure-system-deps: the WebGPU tests need ${missing.join(', ')}: run  sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`ensure-system-deps: installing ${missing.join(', ')} (SwiftShader WebGPU for the tests)`);
  execSync('apt-get update -qq', { stdio: 'inherit', env });
  execSync(`apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`, { stdio: 'inherit', env });
}

/** The Debian mirror apt uses (deb822 sources first, then sources.list), for the backports line. */
function debianMirror() {
  const deb822 = '/etc/apt/sources.list.d/debian.sources';
  if (existsSync(deb822)) {
    const uri = /^URIs:\s*(\S+)/m.exec(readFileSync(deb822, 'utf8'));
    if (uri) return uri[1];
  }
  if (existsSync('/etc/apt/sources.list')) {
    const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(readFileSync('/etc/apt/sources.list', 'utf8'));
    if (line) return line[1];
  }
  return 'http://deb.debian.org/debian';
}

/** Why lavapipe cannot be installed here, or null where it can (root on Debian 12 with apt). */
function lavapipeBlocker() {
  if (process.getuid?.() !== 0) return 'not root';
  const release = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  if (!/^VERSION_CODENAME=bookworm$/m.test(release)) return 'not Debian 12 (bookworm)';
  if (!existsSync('/usr/bin/apt-get') || !existsSync('/usr/bin/dpkg-deb')) return 'no apt-get or dpkg-deb';
  return null;
}

/**
 * Lavapipe from Mesa 25 into /opt/lavapipe, as shared WEBGPU.md ("Optional: faster adapter
 * with shader-f16") does: the backports source, Debian's own mesa-vulkan-drivers for the
 * runtime libraries it links, the backports .deb unpacked (not installed), and its ICD json
 * rewritten to the unpacked library's absolute path. The json is written last, so its
 * presence means a complete install.
 */
function installLavapipe() {
  const mirror = debianMirror();
  writeFileSync('/etc/apt/sources.list.d/bookworm-backports.list', `deb ${mirror} bookworm-backports main\n`);
  const run = (cmd, cwd) => execSync(cmd, { stdio: 'inherit', env, cwd, timeout: 10 * 60_000 });
  run('apt-get update -qq');
  run('apt-get install -y -qq --no-install-recommends mesa-vulkan-drivers');
  const dir = mkdtempSync(join(tmpdir(), 'lavapipe-'));
  try {
    run('apt-get download mesa-vulkan-drivers/bookworm-backports', dir);
    const deb = readdirSync(dir).find((f) => /^mesa-vulkan-drivers_.*\.deb$/.test(f));
    if (!deb) throw new Error('apt-get download left no mesa-vulkan-drivers_*.deb');
    run(`dpkg-deb -x ${JSON.stringify(join(dir, deb))} ${LAVAPIPE}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const libDir = readdirSync(`${LAVAPIPE}/usr/lib`).find((d) => existsSync(`${LAVAPIPE}/usr/lib/${d}/libvulkan_lvp.so`));
  if (!libDir) throw new Error(`no libvulkan_lvp.so under ${LAVAPIPE}/usr/lib/*/`);
  const icd = readFileSync(`${LAVAPIPE}/usr/share/vulkan/icd.d/lvp_icd.json`, 'utf8');
  if (!icd.includes('"libvulkan_lvp.so"')) throw new Error('lvp_icd.json does not name "libvulkan_lvp.so"');
  writeFileSync(LAVAPIPE_ICD, icd.replace('"libvulkan_lvp.so"', JSON.stringify(`${LAVAPIPE}/usr/lib/${libDir}/libvulkan_lvp.so`)));
}

/** The optional f16 adapter: never fails the run. */
function ensureLavapipe() {
  if (existsSync(LAVAPIPE_ICD)) return;
  const skipped = 'the f16 WebGPU tests will skip';
  const blocker = lavapipeBlocker();
  if (blocker) {
    console.log(`ensure-system-deps: ${LAVAPIPE_ICD} (lavapipe from Mesa 25, for shader-f16) is missing and not installed here (${blocker}); ${skipped}`);
    return;
  }
  console.log(`ensure-system-deps: installing lavapipe from Mesa 25 (bookworm-backports) into ${LAVAPIPE} (shader-f16 WebGPU for the f16 tests)`);
  try {
    installLavapipe();
    console.log(`ensure-system-deps: lavapipe ready: VK_ICD_FILENAMES=${LAVAPIPE_ICD}`);
  } catch (e) {
    console.warn(`ensure-system-deps: WARNING: installing lavapipe into ${LAVAPIPE} failed (${e?.message ?? e}); ${skipped}. See shared WEBGPU.md, "Optional: faster adapter with shader-f16".`);
  }
}

if (process.platform !== 'linux' || !existsSync('/usr/bin/dpkg-query')) {
  console.log('ensure-system-deps: not a Debian-like Linux; the WebGPU tests need a WebGPU adapter (see packages/webgpu-backend/README.md)');
  process.exit(0);
}
ensureSwiftShader();
ensureLavapipe();
