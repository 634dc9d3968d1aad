// npm run test:e2e — builds the renderer when it is missing or older than its sources,
// then runs the end-to-end suite in Debian's Chromium against the browser host.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const built = 'dist/renderer/index.html';
const stale =
  !existsSync(built) ||
  statSync(built).mtimeMs <
    Math.max(newest('src-renderer'), newest('src-shared'), statSync('index.html').mtimeMs);
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (stale) run('npx', ['vite', 'build']);
run('npx', ['vitest', 'run', '-c', 'vitest.e2e.config.ts', ...process.argv.slice(2)]);
