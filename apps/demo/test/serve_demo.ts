/**
 * Builds the demo (data files, then Vite) and serves `dist/` with `vite preview` on 127.0.0.1,
 * a secure context (so `navigator.gpu` exists).
 */
import { join } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { prepareData } from '../scripts/prepare_data.js';

export const APP_ROOT = join(import.meta.dirname, '..');

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

export async function buildAndServe(): Promise<DemoServer> {
  await prepareData();
  await build({ root: APP_ROOT, logLevel: 'warn' });
  const server: PreviewServer = await preview({ root: APP_ROOT, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('demo: vite preview started but reported no local URL');
  return { url, close: () => server.close() };
}
