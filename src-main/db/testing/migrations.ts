/**
 * Test scaffolding for migration tests: temporary folders removed after each test, and a
 * copy of the migrations that stops just before a given one (to build a database at N-1,
 * fill it, then run the real migrations over it).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { migrationsFolder } from '../migrate';

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

/** Copies the migrations into `dir`/drizzle with the journal cut just before `tag`. */
export function migrationsBefore(dir: string, tag: string): string {
  const dst = join(dir, 'drizzle');
  cpSync(migrationsFolder(), dst, { recursive: true });
  const p = join(dst, 'meta', '_journal.json');
  const j = JSON.parse(readFileSync(p, 'utf8')) as { entries: { tag: string }[] };
  const at = j.entries.findIndex((e) => e.tag === tag);
  expect(at).toBeGreaterThan(0);
  j.entries = j.entries.slice(0, at);
  writeFileSync(p, JSON.stringify(j));
  return dst;
}
