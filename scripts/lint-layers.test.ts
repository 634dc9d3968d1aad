/**
 * The layer rules of eslint.config.js, checked on small snippets through ESLint's Node
 * API: a broken rule would otherwise fail silently by allowing everything.
 */
import { ESLint } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot, overrideConfigFile: path.join(repoRoot, 'eslint.config.js') });
});

/** Rule ids of the layer rules reported for `code` as if it lived at `filePath`. */
async function layerErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  if (!result) throw new Error('ESLint returned no result');
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`Parse error in snippet: ${fatal[0]?.message}`);
  return result.messages
    .map((m) => m.ruleId ?? '')
    .filter((id) => id === 'no-restricted-imports' || id === 'no-restricted-globals');
}

const importAs = (specifier: string): string => `import x from '${specifier}';\nexport const y = x;\n`;

describe('electron only in the shell', () => {
  it.each([
    'src-main/core/x.ts',
    'src-main/cli/x.ts',
    'src-main/host/x.ts',
    'src-shared/domain/x.ts',
    'src-renderer/lib/x.ts',
    'src-server/x.ts',
    'scripts/x.mjs',
  ])('is refused in %s', async (file) => {
    expect(await layerErrors("import { app } from 'electron';\nexport const a = app;\n", file)).toEqual([
      'no-restricted-imports',
    ]);
  });

  it('is allowed in src-main/shell', async () => {
    expect(
      await layerErrors("import { app } from 'electron';\nexport const a = app;\n", 'src-main/shell/x.ts'),
    ).toEqual([]);
  });
});

describe('src-shared stays portable', () => {
  it.each(['node:fs', 'fs', 'fs/promises', 'path', 'node:crypto', 'crypto', 'os', 'child_process'])(
    'refuses the Node built-in %s',
    async (specifier) => {
      expect(await layerErrors(importAs(specifier), 'src-shared/domain/x.ts')).toEqual([
        'no-restricted-imports',
      ]);
    },
  );

  it.each([
    '../../src-main/core/create-core',
    '../../src-renderer/lib/api/client',
    '../../src-server/app',
    'better-sqlite3',
    'drizzle-orm/sqlite-core',
    'svelte/store',
  ])('refuses %s', async (specifier) => {
    expect(await layerErrors(importAs(specifier), 'src-shared/api/x.ts')).toEqual(['no-restricted-imports']);
  });

  it('refuses DOM and Node globals', async () => {
    const code = 'export const a = [window.location.href, document.title, process.env.X, Buffer.from("")];\n';
    expect(await layerErrors(code, 'src-shared/domain/x.ts')).toEqual(Array(4).fill('no-restricted-globals'));
  });

  it('allows its own modules and zod', async () => {
    expect(await layerErrors(importAs('../domain/types'), 'src-shared/api/x.ts')).toEqual([]);
    expect(
      await layerErrors("import { z } from 'zod';\nexport const s = z.string();\n", 'src-shared/api/x.ts'),
    ).toEqual([]);
  });
});

describe('src-renderer never reaches into Node', () => {
  it.each([
    '../../src-main/core/create-core',
    '../src-main/db/schema',
    '../../src-server/app',
    'node:path',
    'fs',
    'better-sqlite3',
  ])('refuses %s', async (specifier) => {
    expect(await layerErrors(importAs(specifier), 'src-renderer/features/x.ts')).toEqual([
      'no-restricted-imports',
    ]);
  });

  it('applies inside .svelte components too', async () => {
    const component =
      '<script lang="ts">\n  import fs from \'node:fs\';\n  const n: number = fs ? 1 : 0;\n</script>\n\n<p>{n}</p>\n';
    expect(await layerErrors(component, 'src-renderer/features/x.svelte')).toEqual(['no-restricted-imports']);
  });

  it('allows src-shared and svelte', async () => {
    expect(await layerErrors(importAs('../../src-shared/api'), 'src-renderer/lib/x.ts')).toEqual([]);
    expect(await layerErrors(importAs('svelte'), 'src-renderer/lib/x.ts')).toEqual([]);
  });
});

describe('src-server and src-main never import the renderer', () => {
  it.each(['src-server/x.ts', 'src-main/core/x.ts', 'src-main/shell/x.ts'])(
    'refuses it in %s',
    async (file) => {
      expect(await layerErrors(importAs('../src-renderer/lib/api/client'), file)).toEqual([
        'no-restricted-imports',
      ]);
    },
  );

  it('lets the core use Node', async () => {
    expect(await layerErrors(importAs('node:fs'), 'src-main/core/x.ts')).toEqual([]);
    expect(await layerErrors(importAs('../../src-shared/domain'), 'src-server/x.ts')).toEqual([]);
  });
});
