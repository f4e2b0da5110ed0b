import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));

describe('the HDF5 workers and the event loop', () => {
  it('a Node script that writes and reads an .h5 exits within a second of its last line, without stopH5Worker()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-h5-exit-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tessera/source', resolve(here, 'fixtures/h5_exit.ts'), join(dir, 'm.h5')], { cwd: repoRoot });
      let out = '';
      let err = '';
      let doneAt = 0;
      child.stderr.on('data', (d) => (err += d));
      child.stdout.on('data', (d) => {
        out += d;
        if (!doneAt && out.includes('done')) doneAt = performance.now();
      });
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      const lingered = performance.now() - doneAt;
      expect(err).toBe('');
      expect(code).toBe(0); // 13 would mean a pending read did not hold the loop (an unsettled await)
      expect(out.trim()).toBe('done 1');
      console.log(`exited ${lingered.toFixed(0)} ms after its last line`);
      expect(lingered).toBeLessThan(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
