#!/usr/bin/env node
/**
 * `npm run dist [-- --win | --mac | --linux | --all]`: builds the installers.
 *
 * Rebuilding better-sqlite3 for Electron's ABI happens here and only here: after it,
 * plain-Node tests cannot load the module until `npm rebuild better-sqlite3`, which is
 * why this is not a postinstall step.
 *
 * Without a platform flag it builds for the host: Windows → NSIS, macOS → DMG (x64 and
 * arm64), Linux → AppImage. `--all` asks for Windows and macOS together, which works only
 * on a Mac with Wine installed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const isWindows = process.platform === 'win32';
const npx = isWindows ? 'npx.cmd' : 'npx';
const npm = isWindows ? 'npm.cmd' : 'npm';

const PLATFORM_FLAGS = new Set(['--win', '--mac', '--linux', '-w', '-m', '-l']);

function hostPlatformFlags() {
  if (process.platform === 'win32') return ['--win'];
  if (process.platform === 'darwin') return ['--mac'];
  return ['--linux'];
}

function run(command, args) {
  console.log(`\n> ${command} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    // shell on Windows only: npx/npm are .cmd scripts there.
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', shell: isWindows });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} è terminato con ${signal ?? `codice ${code}`}.`));
    });
  });
}

async function main() {
  const argv = process.argv.slice(2);
  const platformFlags = argv.filter((a) => PLATFORM_FLAGS.has(a));
  const passThrough = argv.filter((a) => !PLATFORM_FLAGS.has(a) && a !== '--all');
  const targets = argv.includes('--all')
    ? ['--win', '--mac']
    : platformFlags.length > 0
      ? platformFlags
      : hostPlatformFlags();

  try {
    await run(npx, ['electron-builder', 'install-app-deps']);
    await run(npm, ['run', 'build']);
    await run(npx, ['electron-builder', ...targets, '--publish', 'never', ...passThrough]);
    console.log(`\nInstallatori pronti in ${path.join(repoRoot, 'release')}`);
  } finally {
    // Also after a failure: install-app-deps may have rebuilt part of node_modules.
    console.log(
      '\nPromemoria: better-sqlite3 può essere ora compilato per Electron.\n' +
        'Per tornare a eseguire i test con Node: npm rebuild better-sqlite3',
    );
  }
}

main().catch((error) => {
  console.error(`\n${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});
