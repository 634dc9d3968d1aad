/**
 * Aggregation with a sync server (embedded PostgreSQL): the server replays report.merge,
 * report.unmerge and the automatic aggregation of report.create with the same pure
 * mutations, and every PC converges on the same result, each rule firing once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDetail } from '../../src-shared/api';
import { createServer, type SyncServer } from '../../src-server/app';
import { replicaPool, TEST_PASSWORD } from '../sync/testing/replicas';
import { newReporter, offset, PIAZZA_VECCHIA } from './testing';

let server: SyncServer;
let serverDir: string;
const pool = replicaPool(() => server.port);

beforeAll(async () => {
  serverDir = mkdtempSync(join(tmpdir(), 'sportello-server-dup-'));
  server = await createServer({ dataDir: serverDir });
  await server.addUser({
    username: 'admin',
    fullName: 'Amministratore',
    role: 'amministratore',
    password: TEST_PASSWORD,
  });
  for (const u of ['lucia.verdi', 'mario.rossi']) {
    await server.addUser({
      username: u,
      fullName: u,
      role: 'operatore',
      password: TEST_PASSWORD,
      permissions: { canReply: true, majorEdits: true, seesReporterData: true },
    });
  }
});
afterAll(async () => {
  await pool.cleanup();
  await server.close();
  rmSync(serverDir, { recursive: true, force: true });
});

describe('aggregation with a sync server', () => {
  it('merge, un-merge and a rule that aggregates converge on every PC, the rule firing once', async () => {
    const admin = await pool.replica('admin');
    const strada = await admin.ok<{ id: string }>('settings.categories.save', {
      parentId: null,
      name: 'Strada',
    });
    const buca = await admin.ok<{ id: string }>('settings.categories.save', {
      parentId: strada.id,
      name: 'Buca',
    });
    await admin.sync();
    const pc1 = await pool.replica('lucia.verdi');
    const pc2 = await pool.replica('mario.rossi');
    const create = (pc: typeof pc1, title: string, at: { lat: number; lon: number }, email: string) =>
      pc.ok<{ id: string; code: string }>('reports.create', {
        fields: { title, categoryId: buca.id, address: 'Piazza Vecchia', ...at, channel: 'telefono' },
        reporters: [newReporter('Carla', email.split('@')[0]!, email)],
      });

    const a = await create(pc1, 'Buca in piazza', PIAZZA_VECCHIA, 'carla@example.it');
    const b = await create(pc1, 'Buca in piazza Vecchia', offset(30, 0), 'bruno@example.it');
    await pc1.sync();
    await pc2.sync();
    // Codes are final now (the server's); merge on one PC, see it on the other.
    const codeA = (await pc2.ok<ReportDetail>('reports.get', { id: a.id })).code;
    const codeB = (await pc2.ok<ReportDetail>('reports.get', { id: b.id })).code;
    await pc1.ok('duplicates.merge', { mainId: a.id, reportIds: [b.id] });
    await pc1.sync();
    await pc2.sync();
    const onPc2 = await pc2.ok<ReportDetail>('reports.get', { id: a.id });
    expect(onPc2.merged.map((m) => m.id)).toEqual([b.id]);
    expect(onPc2.reporters.map((r) => r.email)).toEqual(['carla@example.it', 'bruno@example.it']);
    expect((await pc2.ok<ReportDetail>('reports.get', { id: b.id })).status).toBe('aggregata');
    expect(await pc2.ok('reports.openByCode', { code: codeB })).toEqual({ id: a.id, code: codeA });

    // Un-merge on the other PC.
    await pc2.ok('duplicates.unmerge', { reportId: b.id });
    await pc2.sync();
    await pc1.sync();
    expect((await pc1.ok<ReportDetail>('reports.get', { id: b.id })).status).toBe('nuovo');
    expect((await pc1.ok<ReportDetail>('reports.get', { id: a.id })).merged).toEqual([]);
    expect(await pc1.ok('reports.openByCode', { code: codeB })).toEqual({ id: b.id, code: codeB });

    // A rule that aggregates: applied on the PC at once, replayed by the server the same way.
    await admin.ok('automations.save', {
      name: 'Doppioni dello stesso cittadino',
      conditions: { categoryIds: [strada.id] },
      actions: { aggregate: { radiusM: 50, hours: 24, sameReporterEmail: true } },
    });
    await admin.sync();
    await pc1.sync();
    const c = await create(pc1, 'Ancora la buca', offset(0, 20), 'carla@example.it');
    expect((await pc1.ok<ReportDetail>('reports.get', { id: c.id })).mergedInto).toBe(a.id);
    await pc1.sync();
    await pc2.sync();
    for (const pc of [pc1, pc2]) {
      const d = await pc.ok<ReportDetail>('reports.get', { id: c.id });
      expect(d.status).toBe('aggregata');
      expect(d.mergedInto).toBe(a.id);
      expect(d.log.filter((e) => e.action === 'merged_into').map((e) => e.data?.byRule)).toEqual([
        'Doppioni dello stesso cittadino',
      ]);
      const main = await pc.ok<ReportDetail>('reports.get', { id: a.id });
      expect(main.log.filter((e) => e.action === 'merged').length).toBe(2); // b (manual), c (rule)
    }

    // A PC bootstrapped now (bulk writer) has the R*Tree filled: suggestions work at once.
    const pc3 = await pool.replica('lucia.verdi');
    const s = await pc3.ok<{ rows: { id: string }[] }>('duplicates.suggest', {
      categoryId: buca.id,
      ...PIAZZA_VECCHIA,
    });
    expect(s.rows.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    const db = pc3.core.services.db;
    expect(db.prepare('SELECT count(*) FROM reports_geo').pluck().get()).toBe(
      db
        .prepare('SELECT count(*) FROM reports WHERE lat IS NOT NULL AND category_id IS NOT NULL')
        .pluck()
        .get(),
    );
  });
});
