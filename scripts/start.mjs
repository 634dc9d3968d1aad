#!/usr/bin/env node
/**
 * `npm start`: builds what is stale, then opens the desktop window, or the browser host
 * when --browser is given or the Electron binary is not installed (e.g. CI machines).
 *
 *   node scripts/start.mjs [--browser] [--data-dir DIR] [other args for `sportello serve`]
 *
 * Development data lives in <repo>/.data unless --data-dir or SPORTELLO_DATA_DIR says
 * otherwise: never in the user-data folder an installed Sportello uses.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildMain, mainOutFile, preloadOutFile, repoRoot } from './build-main.mjs';

const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const rest = [];
  let browser = false;
  let dataDir = process.env.SPORTELLO_DATA_DIR?.trim() || path.join(repoRoot, '.data');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--browser') browser = true;
    else if (arg === '--data-dir' && argv[i + 1] !== undefined) dataDir = argv[++i];
    else if (arg.startsWith('--data-dir=')) dataDir = arg.slice('--data-dir='.length);
    else rest.push(arg);
  }
  return { browser, dataDir: path.resolve(dataDir), rest };
}

/** Newest modification time among the files under `paths` (0 if none exist). */
function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const stat = statSync(p);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(p)) {
        if (entry !== 'node_modules' && !entry.startsWith('.')) visit(path.join(p, entry));
      }
    } else if (stat.mtimeMs > newest) {
      newest = stat.mtimeMs;
    }
  };
  for (const p of paths) visit(path.join(repoRoot, p));
  return newest;
}

function isStale(outputs, sources) {
  if (!outputs.every((o) => existsSync(o))) return true;
  const oldestOutput = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
  return newestMtime(sources) > oldestOutput;
}

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}

const RENDERER_SOURCES = [
  'src-renderer',
  'src-shared',
  'index.html',
  'vite.config.ts',
  'svelte.config.js',
  'package.json',
];
const MAIN_SOURCES = ['src-main', 'src-shared', 'package.json'];

async function buildRendererIfStale() {
  const output = path.join(repoRoot, 'dist/renderer/index.html');
  if (!isStale([output], RENDERER_SOURCES)) return;
  console.log('Compilo l\u2019interfaccia (vite build)\u2026');
  const code = await run(process.execPath, [
    path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js'),
    'build',
  ]);
  if (code !== 0) throw new Error('La compilazione dell\u2019interfaccia non è riuscita (vite build).');
}

async function buildMainIfStale() {
  if (!isStale([mainOutFile, preloadOutFile], MAIN_SOURCES)) return;
  console.log('Compilo il processo principale di Electron\u2026');
  await buildMain({ quiet: true });
}

/** Path of the Electron binary, or null when the package was installed without it. */
function electronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/**
 * Runs a child with stdio inherited and resolves its exit code. Signals reach it exactly
 * once: on POSIX the child gets its own process group, so a terminal's Ctrl+C reaches only
 * this script, which forwards it (a second SIGINT would cut short the child's orderly
 * close of the database). On Windows the console already delivers Ctrl+C to every process
 * attached to it, so only SIGTERM is forwarded.
 */
function runForwardingSignals(command, args, env) {
  const posix = process.platform !== 'win32';
  const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', env, detached: posix });
  const signals = posix ? ['SIGINT', 'SIGTERM', 'SIGHUP'] : ['SIGTERM'];
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of signals) process.on(signal, forward);
  if (!posix) process.on('SIGINT', () => {}); // stay alive to report the child's exit code
  const killOnExit = () => forward('SIGTERM');
  process.on('exit', killOnExit);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      process.off('exit', killOnExit);
      resolve(signal ? (signal === 'SIGINT' ? 130 : 1) : (code ?? 1));
    });
  });
}

async function main() {
  const { browser, dataDir, rest } = parseArgs(process.argv.slice(2));
  const electron = browser ? null : electronBinary();

  await buildRendererIfStale();

  const env = { ...process.env, SPORTELLO_DATA_DIR: dataDir };
  if (electron === null) {
    if (!browser) {
      console.log(
        'Electron non è installato su questa macchina: avvio la variante browser.\n' +
          '  (Per la finestra desktop reinstallare Electron con accesso a Internet:\n' +
          '   `rm -rf node_modules/electron && npm install`; per la variante browser\n' +
          '   senza questo avviso: `npm run start:browser`.)',
      );
    }
    const cli = path.join(repoRoot, 'bin/sportello.mjs');
    return runForwardingSignals(
      process.execPath,
      [cli, 'serve', '--demo', '--data-dir', dataDir, ...rest],
      env,
    );
  }

  await buildMainIfStale();
  // An inherited ELECTRON_RUN_AS_NODE (set by some editors' terminals) would start
  // Electron as plain Node and silently ignore the app.
  delete env.ELECTRON_RUN_AS_NODE;
  return runForwardingSignals(electron, [repoRoot, ...rest], env);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
