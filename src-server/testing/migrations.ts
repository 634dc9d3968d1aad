/**
 * Test scaffolding for server migration tests: temporary folders removed after each test,
 * and the migration set as it was at a given tag (to build a database at N-1, fill it,
 * then open it with the real migrations).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { MIGRATIONS_FOLDER } from '../storage/open';

/** Returns a maker of fresh temporary folders; every folder it made goes after each test. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/** Copies the migrations into `dir` with the journal cut after `tag`. */
export function migrationsUpTo(dir: string, tag: string): string {
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const file = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(file, 'utf8')) as { entries: { tag: string }[] };
  const upTo = journal.entries.findIndex((e) => e.tag === tag);
  expect(upTo).toBeGreaterThanOrEqual(0);
  journal.entries = journal.entries.slice(0, upTo + 1);
  writeFileSync(file, JSON.stringify(journal));
  return dir;
}
