/**
 * Query plans of the hot reads, checked with EXPLAIN QUERY PLAN: at 1M reports a
 * wrong plan is thousands of times slower, and nothing else would notice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zListInput } from '../../../src-shared/api';
import type { Actor } from '../../../src-shared/domain';
import { migrateDatabase, openDatabase, type Sqlite } from '../migrate';
import { buildListQuery, listSql, type ListQuery } from './reports-list';
import { toFtsQuery } from './search-index';

let db: Sqlite;
let dir: string;
const staff: Actor = {
  id: '01900000-0000-7000-8000-000000000001',
  role: 'operatore',
  permissions: { canReply: true, majorEdits: true, seesReporterData: true, statistics: true, export: true },
  groupIds: [],
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sportello-plan-'));
  db = openDatabase(join(dir, 'p.db'));
  migrateDatabase(db);
  // Statistics like a real replica's (mostly closed reports) are what misleads the planner.
  const ins = db.prepare(
    `INSERT INTO reports (id, code, title, description, address, channel, status, priority, created_by, created_at, updated_by, updated_at)
     VALUES (?, ?, 'titolo', '', '', 'web', ?, 'normale', 'u', ?, 'u', ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) {
      const status = i % 10 === 0 ? 'nuovo' : i % 10 === 1 ? 'in_gestione' : 'chiuso';
      ins.run(`id-${i}`, `2026-${String(i).padStart(6, '0')}`, status, i * 1000, i * 1000);
    }
  })();
  db.exec('ANALYZE');
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The plan's top-level steps (the reporter-name subquery's own steps are left out). */
const plan = (sql: string, params: unknown[]) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string; parent: number }[])
    .filter((r) => r.parent === 0)
    .map((r) => r.detail)
    .join('\n');

function query(input: unknown): ListQuery {
  return zListInput.parse(input) as ListQuery;
}

describe('report list query plans', () => {
  it('default list reads the partial index in order, with no sort step', () => {
    const b = buildListQuery(db, query({}), staff, 0);
    const p = plan(listSql(b, false), [...b.params, 50, 0]);
    expect(p).toMatch(/USING INDEX reports_open_created/);
    expect(p).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });

  it('text search walks the FTS index newest first, with no sort step', () => {
    const b = buildListQuery(db, query({ filters: { q: 'buca', statuses: ['in_gestione'] } }), staff, 0);
    const p = plan(listSql(b, false), [...b.params, 50, 0]);
    expect(p).toMatch(/VIRTUAL TABLE INDEX/);
    expect(p).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });

  it('a status filter other than the default uses the status index', () => {
    const b = buildListQuery(db, query({ filters: { statuses: ['chiuso'] } }), staff, 0);
    const p = plan(listSql(b, false), [...b.params, 50, 0]);
    expect(p).toMatch(/reports_status_created/);
  });

  it('every status, newest first, reads the created_at index with no sort step', () => {
    const b = buildListQuery(
      db,
      query({ filters: { statuses: ['nuovo', 'in_gestione', 'chiuso'] } }),
      staff,
      0,
    );
    const p = plan(listSql(b, false), [...b.params, 50, 0]);
    expect(p).toMatch(/USING INDEX reports_created/);
    expect(p).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });

  it('opening by code uses the unique code index', () => {
    expect(plan('SELECT id FROM reports WHERE code = ?', ['2026-000001'])).toMatch(
      /USING INDEX reports_code/,
    );
  });
});

describe('search text is always safe', () => {
  const nasty = [
    'buca"',
    '"',
    'NEAR(a b)',
    'a OR b AND NOT c',
    '-meno',
    'colonna:valore',
    "'; DROP TABLE reports; --",
    '(((',
    '*',
    '^inizio',
    'città perché',
    '\u0000\u0001',
    '🚧 lavori',
  ];
  it.each(nasty)('%j never throws and never injects', (text) => {
    const fts = toFtsQuery(text);
    if (fts === null) return expect(text.match(/[\p{L}\p{N}]/u)).toBeNull();
    expect(() =>
      db.prepare('SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?').all(fts),
    ).not.toThrow();
    const b = buildListQuery(db, query({ filters: { q: text } }), staff, 0);
    expect(() => db.prepare(listSql(b, false)).all(...b.params, 50, 0)).not.toThrow();
  });
});
