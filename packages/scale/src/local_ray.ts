// A single-node Ray head on this machine, on 127.0.0.1 only, for trying the hand-off and for the
// tests. It is stopped by ending exactly its own processes (its process group, and anything whose
// command line or working directory is in its temp dir, such as job drivers): `ray stop --force`
// would end every Ray process on the machine, other people's clusters included.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ScaleError } from './errors.js';

/** A Ray head started by {@link startLocalRay}. */
export interface LocalRay {
  /** The dashboard (Jobs REST API): `http://127.0.0.1:<port>`. */
  address: string;
  /** The Python of the environment Ray came from (first on the head's PATH, so a job's `python` is this one). */
  python: string;
  /** Ends every process of this head (job drivers included); resolves to the pids still alive after SIGKILL (none, normally). */
  stop(): Promise<number[]>;
}

/** Options of {@link startLocalRay}. */
export interface LocalRayOptions {
  /** The `ray` command of a Python environment that has `ray[default]`, Keras 3 and JAX (its folder's `python` runs the jobs). Default: `ray` beside `$TESSERA_PYTHON`, else `ray` on the PATH. */
  ray?: string;
  /** Simulated JAX CPU devices (`XLA_FLAGS=--xla_force_host_platform_device_count=N`; default 2). */
  devices?: number;
  /** CPUs Ray may use (default 2). */
  numCpus?: number;
  /** How long `ray start` may take (default 120 s). */
  timeoutMs?: number;
}

/** `count` TCP ports free on 127.0.0.1 now (held together while picked, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<import('node:net').Server>((res, rej) => {
      const s = createServer();
      s.once('error', rej);
      s.listen(0, '127.0.0.1', () => res(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Pids (not this process) in process group `pgid`, or whose command line or working directory mentions `dir`. */
function processesOf(pgid: number, dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const group = Number(fields[2]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // a process of another user: not ours
      }
      if (group === pgid || cmdline.includes(dir) || cwd.startsWith(dir)) found.push(Number(entry));
    } catch {
      // it ended while we looked
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function endAll(pgid: number, dir: string): Promise<number[]> {
  if (!existsSync('/proc')) {
    // No /proc (macOS): the process group is what we know.
    for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
      try {
        process.kill(-pgid, sig);
      } catch {
        return [];
      }
      await sleep(2000);
    }
    return [];
  }
  const signal = (pids: number[], sig: NodeJS.Signals) =>
    pids.forEach((p) => {
      try {
        process.kill(p, sig);
      } catch {
        // it ended already
      }
    });
  signal(processesOf(pgid, dir), 'SIGTERM');
  for (let i = 0; i < 20 && processesOf(pgid, dir).length > 0; i++) await sleep(250);
  signal(processesOf(pgid, dir), 'SIGKILL');
  for (let i = 0; i < 20 && processesOf(pgid, dir).length > 0; i++) await sleep(250);
  return processesOf(pgid, dir);
}

/**
 * Starts a single-node Ray head on this machine (`ray start --head`), on 127.0.0.1 only, with
 * free ports, its own temp dir, usage stats off, and `devices` simulated JAX CPU devices;
 * resolves once its dashboard answers. Call `stop()` when done, pass or fail: it ends exactly
 * this head's processes.
 * @throws {@link ScaleError} `unreachable` when Ray does not start (with its output).
 * @example
 * ```ts
 * const ray = await startLocalRay({ ray: '.venv/bin/ray' });
 * try {
 *   await submitToRay(bundle, { address: ray.address, pip: false });
 * } finally {
 *   await ray.stop();
 * }
 * ```
 */
export async function startLocalRay(options: LocalRayOptions = {}): Promise<LocalRay> {
  const fromEnv = process.env.TESSERA_PYTHON ? join(dirname(process.env.TESSERA_PYTHON), 'ray') : undefined;
  const ray = options.ray ?? (fromEnv && existsSync(fromEnv) ? fromEnv : 'ray');
  const python = ray.includes('/') ? join(dirname(ray), 'python') : 'python';
  const devices = options.devices ?? 2;
  const dir = mkdtempSync(join(tmpdir(), 'tessera-ray-'));
  const [gcs, dashboard, client, agentHttp, agentGrpc, metrics, nodeManager, objectManager, runtimeEnv] = await freePorts(9);
  const args = [
    'start', '--head',
    '--node-ip-address=127.0.0.1', '--dashboard-host=127.0.0.1', '--include-dashboard=true',
    `--port=${gcs}`, `--dashboard-port=${dashboard}`, `--ray-client-server-port=${client}`,
    `--dashboard-agent-listen-port=${agentHttp}`, `--dashboard-agent-grpc-port=${agentGrpc}`, `--metrics-export-port=${metrics}`,
    `--node-manager-port=${nodeManager}`, `--object-manager-port=${objectManager}`, `--runtime-env-agent-port=${runtimeEnv}`,
    `--num-cpus=${options.numCpus ?? 2}`, '--object-store-memory=100000000', '--disable-usage-stats', `--temp-dir=${dir}`,
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: ray.includes('/') ? `${dirname(ray)}:${process.env.PATH ?? ''}` : process.env.PATH,
    XLA_FLAGS: `--xla_force_host_platform_device_count=${devices}`,
    RAY_USAGE_STATS_ENABLED: '0',
    // Ray turns --node-ip-address=127.0.0.1 into the machine's outward address unless clustering
    // is off (this variable's name is about Windows and macOS, its effect is loopback-only).
    RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER: '0',
    KERAS_BACKEND: 'jax',
    JAX_PLATFORMS: 'cpu',
    TF_CPP_MIN_LOG_LEVEL: '3',
  };
  // Its own process group: every daemon `ray start` leaves behind is in it.
  const child = spawn(ray, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid ?? -1;
  const stop = async () => {
    const left = await endAll(pgid, dir);
    rmSync(dir, { recursive: true, force: true });
    return left;
  };
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | string | null>((res) => {
    const timer = setTimeout(() => res(null), options.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      res(e.message);
    });
    child.on('close', (c) => {
      clearTimeout(timer);
      res(c);
    });
  });
  const address = `http://127.0.0.1:${dashboard}`;
  if (code === 0) {
    for (let i = 0; i < 60; i++) {
      const up = await fetch(`${address}/api/version`).then((r) => r.ok, () => false);
      if (up) return { address, python, stop };
      await sleep(500);
    }
  }
  await stop();
  throw new ScaleError('unreachable', `'${ray} start --head' did not bring up a dashboard (${code === null ? 'timed out' : `exit ${code}`}); it needs ray[default]:\n${output.slice(-3000)}`);
}
