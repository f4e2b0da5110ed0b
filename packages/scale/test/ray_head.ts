// A single-node Ray head for the tests, on 127.0.0.1 only, with two simulated JAX CPU devices.
// It is stopped by ending exactly its own processes (its process group, and anything whose
// command line or working directory is in its temp dir, such as job drivers): `ray stop --force`
// would end every Ray process on the machine, other people's clusters included.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
// @ts-expect-error: a plain ES module shared with the scripts (no types)
import { kerasPython, rayCommand } from '../../../scripts/keras-venv.mjs';

export interface RayHead {
  /** The dashboard (Jobs REST API): `http://127.0.0.1:<port>`. */
  address: string;
  /** The venv's python (on the PATH of the head, so a job's `python` is this one). */
  python: string;
  /** Ends every process of this head; returns the pids that were still alive after SIGKILL (none, normally). */
  stop(): Promise<number[]>;
}

/** The venv's python and ray, or an error saying how to make them (never a skip: Ray is the judge). */
export function venvTools(): { python: string; ray: string } {
  const python = (kerasPython as () => string)();
  const ray = (rayCommand as () => string)();
  if (!existsSync(python) || !existsSync(ray)) {
    throw new Error(`the scale test needs Keras, JAX and Ray in ${dirname(python)}: run 'node scripts/ensure-keras.mjs' (the test command does)`);
  }
  return { python, ray };
}

/** `count` ports free on 127.0.0.1 now (held together while picked, so they differ). */
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

/** Pids (not ours) in process group `pgid`, or whose command line or working directory mentions `dir`. */
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
  const signal = (pids: number[], sig: NodeJS.Signals) => pids.forEach((p) => { try { process.kill(p, sig); } catch { /* gone */ } });
  signal(processesOf(pgid, dir), 'SIGTERM');
  for (let i = 0; i < 20 && processesOf(pgid, dir).length > 0; i++) await sleep(250);
  signal(processesOf(pgid, dir), 'SIGKILL');
  for (let i = 0; i < 20 && processesOf(pgid, dir).length > 0; i++) await sleep(250);
  return processesOf(pgid, dir);
}

/** Starts `ray start --head` on 127.0.0.1 with free ports; resolves once its dashboard answers. */
export async function startRayHead(devices = 2): Promise<RayHead> {
  const { python, ray } = venvTools();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-ray-'));
  const [gcs, dashboard, client, agentHttp, agentGrpc, metrics, nodeManager, objectManager, runtimeEnv] = await freePorts(9);
  const args = [
    'start', '--head',
    '--node-ip-address=127.0.0.1', '--dashboard-host=127.0.0.1', '--include-dashboard=true',
    `--port=${gcs}`, `--dashboard-port=${dashboard}`, `--ray-client-server-port=${client}`,
    `--dashboard-agent-listen-port=${agentHttp}`, `--dashboard-agent-grpc-port=${agentGrpc}`, `--metrics-export-port=${metrics}`,
    `--node-manager-port=${nodeManager}`, `--object-manager-port=${objectManager}`, `--runtime-env-agent-port=${runtimeEnv}`,
    '--num-cpus=2', '--object-store-memory=100000000', '--disable-usage-stats', `--temp-dir=${dir}`,
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(python)}:${process.env.PATH ?? ''}`,
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
  const pgid = child.pid!;
  const stop = async () => {
    const left = await endAll(pgid, dir);
    rmSync(dir, { recursive: true, force: true });
    return left;
  };
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((res) => {
    const timer = setTimeout(() => res(null), 120_000);
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
  throw new Error(`ray start failed (exit ${code}):\n${output.slice(-3000)}`);
}
