/**
 * electron-builder cannot package on this machine (no Electron download), so the config
 * is checked here instead: it parses, passes electron-builder's own JSON-schema
 * validation, targets what the brief promises and points only at files that exist.
 */
import type { Configuration } from 'electron-builder';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// js-yaml and the validator are electron-builder's own dependencies: resolve them from
// there, so the test reads the file exactly as electron-builder will.
const requireFromBuilder = createRequire(
  createRequire(import.meta.url).resolve('app-builder-lib/package.json', {
    paths: [path.dirname(createRequire(import.meta.url).resolve('electron-builder/package.json'))],
  }),
);
const yaml = requireFromBuilder('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = requireFromBuilder('./out/util/config/config.js') as {
  validateConfiguration(config: Configuration, logger: unknown): Promise<void>;
};
const { DebugLogger } = requireFromBuilder('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
};

const config = yaml.load(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as Configuration;

type TargetList = Configuration['win'] extends infer W ? (W extends { target?: infer T } ? T : never) : never;

function targets(list: TargetList | undefined): { target: string; arch: string[] }[] {
  const items = list === undefined || list === null ? [] : Array.isArray(list) ? list : [list];
  return items.map((item) =>
    typeof item === 'string'
      ? { target: item, arch: [] }
      : { target: item.target, arch: item.arch === undefined ? [] : ([] as string[]).concat(item.arch) },
  );
}

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('identifies the app', () => {
    expect(config.appId).toBe('it.sportello.desktop');
    expect(config.productName).toBe('Sportello');
    expect(config.directories?.output).toBe('release');
  });

  it('builds an Italian per-user NSIS installer for Windows x64', () => {
    expect(targets(config.win?.target)).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis?.oneClick).toBe(false);
    expect(config.nsis?.perMachine).toBe(false);
    expect(config.nsis?.allowToChangeInstallationDirectory).toBe(true);
    expect(config.nsis?.language).toBe('1040');
  });

  it('builds a hardened DMG for both Mac architectures', () => {
    expect(targets(config.mac?.target)).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.category).toBe('public.app-category.productivity');
  });

  it('references only icon files that exist', () => {
    const icons = [
      config.win?.icon,
      config.mac?.icon,
      config.linux?.icon,
      config.nsis?.installerIcon,
      config.nsis?.uninstallerIcon,
    ].filter((icon): icon is string => typeof icon === 'string');
    expect(icons.length).toBeGreaterThanOrEqual(3);
    for (const icon of icons) expect(existsSync(path.join(repoRoot, icon)), icon).toBe(true);
  });

  it('ships the bundled app, the renderer, the migrations and unpacks native modules', () => {
    const files = (config.files ?? []) as string[];
    for (const pattern of ['dist/renderer/**', 'dist-electron/**', 'drizzle/**'])
      expect(files).toContain(pattern);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/sharp/**']),
    );
    expect(config.extraResources).toEqual([{ from: 'drizzle', to: 'drizzle', filter: ['**/*'] }]);
  });

  it('matches package.json main, the file build-main writes', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist-electron/shell/main.cjs');
    expect(config.files).toContain('dist-electron/**');
  });
});
