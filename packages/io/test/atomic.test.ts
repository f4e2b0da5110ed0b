import '@tessera/cpu-backend';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../src/index.js';
import { Dense, Sequential } from '@tessera/layers';
import { repoRoot } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Starts the save loop, waits until `after` saves are done and the next one began, waits `delayMs`, kills it. */
async function killDuringSave(target: string, format: string, mode: 'api' | 'split', after: number, delayMs: number): Promise<number> {
  // One process (node with tsx's loader), so that SIGKILL stops the saving itself.
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tessera/source', resolve(here, 'fixtures/save_loop.ts'), target, format, mode], {
    cwd: repoRoot,
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  await new Promise<void>((ready, fail) => {
    child.on('exit', () => fail(new Error(`the save loop exited early: ${err}`)));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes(`${mode === 'split' ? 'file' : 'writing'} ${after + 1}`)) ready();
    });
  });
  await new Promise((r) => setTimeout(r, delayMs));
  child.kill('SIGKILL');
  await exited;
  const saved = [...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1]));
  return Math.max(...saved);
}

describe('atomic saves', () => {
  it.skipIf(process.platform === 'win32')(
    'a process killed in the middle of saving leaves the previous file loadable',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-atomic-'));
      try {
        // Kills at random points of saveModel, then kills timed to land inside the file write itself.
        const cases: [string, 'api' | 'split', number][] = [
          ['h5', 'api', 0],
          ['keras', 'api', 40],
          ['h5', 'api', 120],
          ['keras', 'api', 250],
          ['h5', 'split', 0],
          ['keras', 'split', 2],
          ['h5', 'split', 5],
          ['keras', 'split', 1],
        ];
        const check = async (format: string, mode: 'api' | 'split', delay: number) => {
          const target = join(dir, `model.${format}`);
          const lastSaved = await killDuringSave(target, format, mode, 1, delay);
          const model = await loadModel(target);
          // Every weight holds one version's number: an old file or the new one, never a mix.
          const values = new Set(model.weights.flatMap((w) => Array.from(new Set(w.dataSync()))));
          expect(values.size).toBe(1);
          const version = [...values][0];
          console.log(`${format} (${mode}), killed ${delay} ms into save ${lastSaved + 1}: the file holds version ${version}`);
          expect(version).toBeGreaterThanOrEqual(1);
          expect(version).toBeGreaterThanOrEqual(lastSaved);
          expect(version).toBeLessThanOrEqual(lastSaved + 1);
          model.dispose();
          expect(statSync(target).size).toBeGreaterThan(16 << 20);
        };
        for (const [format, mode, delay] of cases) await check(format, mode, delay);
        // Until a kill has provably landed inside a write (it left its temporary file), try more.
        for (let i = 0; i < 8 && readdirSync(dir).every((f) => !f.startsWith('.')); i++) await check(i % 2 ? 'h5' : 'keras', 'split', 2 + i * 2);
        const temps = readdirSync(dir).filter((f) => f.startsWith('.'));
        console.log(`killed save loops mid-save; temporary files left by interrupted writes: ${temps.length}`);
        expect(temps.length, 'some kills must land inside a file write').toBeGreaterThan(0);
        // The killed saves may leave their temporary files, never a damaged target.
        expect(readdirSync(dir).filter((f) => !f.startsWith('.')).sort()).toEqual(['model.h5', 'model.keras']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    240_000,
  );

  it('a failed save leaves the old file and no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-atomic-'));
    try {
      const target = join(dir, 'm.keras');
      const model = new Sequential([new Dense({ units: 2, inputShape: [3] })]);
      await saveModel(model, target);
      const before = statSync(target).mtimeMs;
      // A directory cannot be renamed over by a file: the write fails after the temp file is made.
      await expect(saveModel(model, dir)).rejects.toMatchObject({ code: 'io' });
      expect(readdirSync(dir)).toEqual(['m.keras']);
      expect(statSync(target).mtimeMs).toBe(before);
      model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
