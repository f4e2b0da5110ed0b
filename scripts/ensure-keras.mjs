#!/usr/bin/env node
// The interop suite (packages/io/test/interop) runs the real Keras 3 on JAX (CPU) in a cached
// virtual environment: this creates it when missing or broken and checks that Keras imports.
// @tessera/scale's test also needs Ray with its dashboard there (the second half of this file).
// A missing Python or a failed install fails the test command with a clear message (it is not
// a skip: the real Keras is the judge of our files). The venv's path is shared with the tests
// through scripts/keras-venv.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KERAS_REQUIREMENTS, RAY_DASHBOARD_PARTS, RAY_REQUIREMENTS, RAY_TELEMETRY_ONLY, kerasPython, kerasVenvDir } from './keras-venv.mjs';

const dir = kerasVenvDir();
const python = kerasPython();
const env = { ...process.env, KERAS_BACKEND: 'jax', PIP_DISABLE_PIP_VERSION_CHECK: '1' };

function fail(message) {
  console.error(`ensure-keras: ${message}`);
  process.exit(1);
}

/** The installed versions, or null when the venv cannot import Keras, JAX and h5py. */
function versions() {
  if (!existsSync(python)) return null;
  const r = spawnSync(python, ['-c', 'import keras, jax, h5py; print(keras.__version__, jax.__version__, h5py.__version__)'], { env, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** A python3 with the venv module, installing Debian's python3-venv when we may. */
function basePython() {
  const probe = (cmd) => spawnSync(cmd, ['-c', 'import venv, ensurepip'], { encoding: 'utf8' }).status === 0;
  if (spawnSync('python3', ['--version']).error) fail('python3 is not installed: install it (Debian: apt-get install -y python3 python3-venv)');
  if (probe('python3')) return 'python3';
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('ensure-keras: installing python3-venv');
    const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: aptEnv });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-venv'], { stdio: 'inherit', env: aptEnv });
    if (probe('python3')) return 'python3';
  }
  fail("python3 has no 'venv' module: install it (Debian: apt-get install -y python3-venv)");
}

const have = versions();
if (have) {
  console.log(`ensure-keras: keras, jax, h5py ${have} in ${dir}`);
} else {
  const py = basePython();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  console.log(`ensure-keras: creating ${dir} with ${KERAS_REQUIREMENTS.join(' ')} (once; later runs reuse it)`);
  const mk = spawnSync(py, ['-m', 'venv', dir], { stdio: 'inherit' });
  if (mk.status !== 0) fail(`'${py} -m venv ${dir}' failed`);
  // One retry per package: an index that cannot be reached answers at once, no point waiting.
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--retries', '1', '-q', ...KERAS_REQUIREMENTS], { stdio: 'inherit', env });
  if (pip.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    fail(`pip could not install ${KERAS_REQUIREMENTS.join(' ')} (see its output above); the interop suite needs the real Keras`);
  }
  const now = versions();
  if (!now) fail(`Keras was installed into ${dir} but does not import; remove the folder and run again`);
  writeFileSync(`${dir}/.tessera-keras`, `${now}\n`);
  console.log(`ensure-keras: ready (keras, jax, h5py: ${now})`);
}

// Ray with its dashboard, for @tessera/scale's test (a single-node Ray head on 127.0.0.1 that
// runs the Jobs REST API). The fast path is one import.
const RAY_CHECK = 'import ray, ray.dashboard.optional_deps; print(ray.__version__)';
const sitePackages = () => spawnSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).stdout.trim();
const rayVersion = () => {
  const r = spawnSync(python, ['-c', RAY_CHECK], { env, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};
const pipInstall = (reqs) => spawnSync(python, ['-m', 'pip', 'install', '--retries', '1', '-q', ...reqs], { stdio: 'inherit', env }).status === 0;

const ray = rayVersion();
if (ray) {
  console.log(`ensure-keras: ray ${ray} (with its dashboard) in ${dir}`);
} else {
  console.log(`ensure-keras: installing ${RAY_REQUIREMENTS.join(' ')} into ${dir} (once)`);
  if (!pipInstall(RAY_REQUIREMENTS)) {
    // A package index may carry Ray without all of its dashboard extras: take what it has.
    console.log(`ensure-keras: ${RAY_REQUIREMENTS.join(' ')} is not complete on this index; installing ${RAY_DASHBOARD_PARTS.join(' ')}`);
    if (!pipInstall(RAY_DASHBOARD_PARTS)) fail(`pip could not install Ray (${RAY_DASHBOARD_PARTS.join(' ')}; see its output above); @tessera/scale's test needs a real Ray`);
    const missing = RAY_TELEMETRY_ONLY.filter((m) => spawnSync(python, ['-c', `import ${m}`], { env }).status !== 0);
    if (missing.length > 0) {
      const stubs = readFileSync(new URL('./ray_telemetry_stubs.py', import.meta.url), 'utf8').replace(/^ROOTS = \(\).*$/m, `ROOTS = ${JSON.stringify(missing).replace(/^\[/, '(').replace(/\]$/, ',)')}`);
      const site = sitePackages();
      writeFileSync(join(site, 'tessera_ray_telemetry_stubs.py'), stubs);
      writeFileSync(join(site, 'tessera_ray_telemetry_stubs.pth'), 'import tessera_ray_telemetry_stubs\n');
      console.log(`ensure-keras: the index has no ${missing.join(', ')} (metrics export and CORS only): inert stand-ins installed (scripts/ray_telemetry_stubs.py)`);
    }
  }
  const now = rayVersion();
  if (!now) {
    const why = spawnSync(python, ['-c', RAY_CHECK], { env, encoding: 'utf8' }).stderr.trim().split('\n').pop();
    fail(`Ray was installed into ${dir} but its dashboard cannot start (${why}); remove the folder and run again`);
  }
  console.log(`ensure-keras: ray ${now} ready`);
}
