import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUuidV7, yearInRome } from '../../src-shared/domain';
import { createCore, type CoreInternals } from '../core/create-core';
import { DEMO_OPERATOR } from '../core/demo/demo-data';
import { SEED_GENERATOR_VERSION, seedReplica } from './generate';

const N = 2_000;
const NOW = Date.UTC(2026, 10, 20, 9, 0, 0);
let dir: string;
let core: CoreInternals;
let token: string;

const call = async <T>(name: string, input: unknown): Promise<T> => {
  const r = await core.call(name, input, token);
  if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sportello-seed-'));
  const result = await seedReplica({ dataDir: dir, reports: N, seed: 7, now: NOW });
  expect(result.reports).toBe(N);
  core = await createCore({
    dataDir: dir,
    clock: () => NOW,
    newId: createUuidV7(() => NOW),
    validateOutput: true,
  });
  const r = await core.call('auth.login', DEMO_OPERATOR, null);
  if (!r.ok) throw new Error(r.error.message);
  token = (r.value as { token: string }).token;
});

afterAll(() => {
  core?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('seedReplica', () => {
  it('has a version for cached replicas', () => {
    expect(SEED_GENERATOR_VERSION).toBeGreaterThan(0);
  });

  it('holds N reports, visible through the API', async () => {
    const all = await call<{ total: number }>('reports.list', {
      filters: { statuses: ['nuovo', 'in_gestione', 'chiuso'] },
      limit: 1,
    });
    expect(all.total).toBe(N);
    const db = core.services.db;
    const fts = db.prepare('SELECT count(*) AS n FROM reports_fts').get() as { n: number };
    expect(fts.n).toBe(N);
    const outbox = db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number };
    expect(outbox.n).toBe(0);
    // Newest = highest seq, and closed reports carry an outcome.
    const order = db
      .prepare(
        'SELECT count(*) AS n FROM reports a JOIN reports b ON b.seq = a.seq + 1 WHERE b.created_at <= a.created_at',
      )
      .get() as { n: number };
    expect(order.n).toBe(0);
    const closed = db
      .prepare("SELECT count(*) AS n FROM reports WHERE status = 'chiuso' AND outcome_id IS NULL")
      .get() as { n: number };
    expect(closed.n).toBe(0);
    // Codes carry the year of creation in Rome, as the mutation would have numbered them.
    const rows = db.prepare('SELECT code, created_at FROM reports').all() as {
      code: string;
      created_at: number;
    }[];
    expect(rows.filter((r) => Number(r.code.slice(0, 4)) !== yearInRome(r.created_at))).toEqual([]);
  });

  it('finds common words and people through full-text search', async () => {
    const hits = await call<{ rows: { title: string }[]; total: number }>('reports.list', {
      filters: { q: 'buca', statuses: ['nuovo', 'in_gestione', 'chiuso'] },
    });
    expect(hits.total).toBeGreaterThan(20);
    const person = core.services.db
      .prepare(
        'SELECT p.cognome, rr.report_seq FROM report_reporters rr JOIN reporters p ON p.id = rr.reporter_id LIMIT 1',
      )
      .get() as { cognome: string };
    const byName = await call<{ total: number }>('reports.list', {
      filters: { q: person.cognome, statuses: ['nuovo', 'in_gestione', 'chiuso'] },
    });
    expect(byName.total).toBeGreaterThan(0);
  });

  it('opens a seeded report by code, with its log', async () => {
    const { code } = core.services.db
      .prepare('SELECT code FROM reports WHERE seq = ?')
      .get(Math.floor(N / 2)) as {
      code: string;
    };
    const hit = await call<{ id: string; code: string }>('reports.openByCode', { code });
    expect(hit.code).toBe(code);
    const detail = await call<{ log: { action: string }[] }>('reports.get', { id: hit.id });
    expect(detail.log[0]!.action).toBe('created');
  });

  it('continues the code sequence of the current year', async () => {
    const year = yearInRome(NOW);
    const last = core.services.db
      .prepare("SELECT max(code) AS code FROM reports WHERE code LIKE ? || '-%'")
      .get(String(year)) as { code: string };
    expect(last.code).toMatch(new RegExp(`^${year}-\\d{6}$`));
    const created = await call<{ code: string }>('reports.create', {
      fields: { title: 'Buca nuova in via Moroni', channel: 'telefono', categoryId: null },
    });
    const next = Number(last.code.slice(5)) + 1;
    expect(created.code).toBe(`${year}-${String(next).padStart(6, '0')}`);
  });
});
