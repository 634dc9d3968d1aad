#!/usr/bin/env node
/**
 * Bundles the Electron shell: main (with the whole core inlined) and the sandboxed
 * preload, both CommonJS. Every package.json dependency stays external: native modules
 * (better-sqlite3, sharp) cannot be bundled and electron-builder ships node_modules.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const mainOutFile = path.join(repoRoot, 'dist-electron/shell/main.cjs');
export const preloadOutFile = path.join(repoRoot, 'dist-electron/shell/preload.cjs');

function externals() {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const deps = Object.keys(pkg.dependencies ?? {});
  return ['electron', ...deps, ...deps.map((d) => `${d}/*`)];
}

/** @param {{ quiet?: boolean }} [options] */
export async function buildMain(options = {}) {
  const common = {
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22', // Electron 39 embeds Node 22
    sourcemap: true,
    logLevel: options.quiet ? 'warning' : 'info',
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: ['src-main/shell/main.ts'],
      outfile: mainOutFile,
      external: externals(),
      // The core is ESM source: code that locates files from import.meta.url (e.g. the
      // drizzle/ folder) keeps working because the bundle sits two folders below the
      // root, like src-main/<area>/. esbuild leaves import.meta empty in CJS otherwise.
      define: { 'import.meta.url': '__sportelloImportMetaUrl' },
      banner: { js: "const __sportelloImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    }),
    build({
      ...common,
      entryPoints: ['src-main/shell/preload.ts'],
      outfile: preloadOutFile,
      // A sandboxed preload may require only 'electron' (and a few polyfilled modules).
      external: ['electron'],
      platform: 'browser', // a Node built-in here is a build error, not a runtime crash
      target: 'chrome130',
    }),
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildMain().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
