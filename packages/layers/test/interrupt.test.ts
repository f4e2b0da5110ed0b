import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '../../..');

describe('Ctrl-C during fit', () => {
  it.skipIf(process.platform === 'win32')('stops after the current batch and returns the History so far', async () => {
    const tsx = resolve(repoRoot, 'node_modules/.bin/tsx');
    const child = spawn(tsx, ['--conditions=@tessera/source', resolve(here, 'fixtures/interrupt_fit.ts')], { cwd: repoRoot });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((ready) =>
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('epoch 1 done')) ready();
      }),
    );
    child.kill('SIGINT');
    const code = await exit;
    expect(err).toContain('Interrupted: stopping after the current batch');
    expect(code).toBe(0);
    const match = /fit returned after (\d+) epochs; losses (\d+)/.exec(out);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(2);
    expect(match![1]).toBe(match![2]);
  }, 60_000);
});
