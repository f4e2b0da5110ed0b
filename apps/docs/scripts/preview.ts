// `pnpm --filter docs preview`: serves the built site (dist/, from `pnpm --filter docs build`)
// cross-origin isolated (COOP/COEP), as the dev server does; `vitepress preview` cannot send
// headers. Port: --port N (default 4173, as vitepress preview).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from './static_server.js';

const DIST = join(import.meta.dirname, '..', 'dist');
if (!existsSync(join(DIST, 'index.html'))) {
  console.error(`docs preview: ${DIST} has no index.html: run 'pnpm --filter docs build' first`);
  process.exit(1);
}
const i = process.argv.indexOf('--port');
const port = i >= 0 ? Number(process.argv[i + 1]) : 4173;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`docs preview: --port expects a port number but got ${process.argv[i + 1]}`);
  process.exit(1);
}
const server = await serveStatic(DIST, port);
console.log(`docs preview: ${server.url} (cross-origin isolated)`);
