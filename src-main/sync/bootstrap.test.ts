/**
 * The streamed bootstrap end to end: a real server (embedded PGlite) on loopback, real
 * replicas (createCore), a TCP proxy that cuts the download in the middle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SyncStatusView } from '../../src-shared/api';
import { BOOTSTRAP_PATH } from '../../src-shared/sync/bootstrap';
import { bootstrapPages } from '../../src-server/bootstrap';
import { createServer, type SyncServer } from '../../src-server/app';
import { createCore, type CoreInternals } from '../core/create-core';
import { bootstrapCommit } from './bootstrap';
import { getSyncState } from './sync-repo';
import { dumpReplica, ftsIds } from './testing/dump';
import { startProxy, type Proxy } from './testing/proxy';
import { phoneReport } from './testing/reports';

const PASSWORD = 'password-di-prova';
const REPORTS = 30;
let server: SyncServer;
const dirs: string[] = [];
const open: CoreInternals[] = [];
const proxies: Proxy[] = [];
const saved = { staff: bootstrapPages.staff, commit: bootstrapCommit.rows };

beforeAll(async () => {
  server = await createServer({});
  await server.addUser({ username: 'admin', fullName: 'Admin', role: 'amministratore', password: PASSWORD });
  for (const username of ['lucia.verdi', 'mario.rossi']) {
    await server.addUser({
      username,
      fullName: username,
      role: 'operatore',
      password: PASSWORD,
      permissions: { canReply: true, majorEdits: true, seesReporterData: true },
    });
  }
  // Many small pages and a commit at each checkpoint: a cut lands between checkpoints.
  bootstrapPages.staff = 7;
  bootstrapCommit.rows = 1;
});
afterAll(async () => {
  bootstrapPages.staff = saved.staff;
  bootstrapCommit.rows = saved.commit;
  await server.close();
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of open.splice(0)) c.close();
  for (const p of proxies.splice(0)) await p.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function replica(username: string, url: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sportello-boot-'));
  dirs.push(dir);
  const core = await createCore({ dataDir: dir });
  open.push(core);
  const r = await core.call('sync.connect', { serverUrl: url, username, password: PASSWORD }, null);
  if (!r.ok) throw new Error(`connect: ${r.error.message}`);
  const session = (r.value as { token: string }).token;
  const ok = async <T = unknown>(name: string, input: unknown): Promise<T> => {
    const x = await core.call(name, input, session);
    if (!x.ok) throw new Error(`${name}: ${x.error.code} ${x.error.message}`);
    return x.value as T;
  };
  return { core, ok, db: core.services.db };
}

async function proxyToServer(): Promise<Proxy> {
  const p = await startProxy({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
  proxies.push(p);
  return p;
}

/** Records the `after` of every bootstrap request this process makes. */
function spyBootstraps(): number[] {
  const afters: number[] = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    if (String(input).endsWith(BOOTSTRAP_PATH) && typeof init?.body === 'string') {
      afters.push((JSON.parse(init.body) as { after: number }).after);
    }
    return real(input, init);
  });
  return afters;
}

describe('streamed bootstrap', () => {
  it('a download cut in the middle resumes from the saved checkpoint and ends equal to a fresh bootstrap', async () => {
    const a = await replica('lucia.verdi', server.url);
    for (let i = 0; i < REPORTS; i++) {
      const { id } = await a.ok<{ id: string }>('reports.create', phoneReport(i));
      await a.ok('reports.addNote', { id, text: `Nota zafferano ${i}` });
    }
    await a.ok<SyncStatusView>('sync.now', {});

    const afters = spyBootstraps();
    const proxy = await proxyToServer();
    // Past hello and login, well inside the stream (tens of kilobytes).
    proxy.cutResponseAfter(12_000);
    const b = await replica('mario.rossi', proxy.url);
    const cut = getSyncState(b.db)!;
    expect(cut.bootstrapping).toBe(true);
    expect(cut.cursor).toBeGreaterThan(0);
    const partial = (b.db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(REPORTS);

    const status = await b.ok<SyncStatusView>('sync.now', {});
    expect(status.phase).toBe('online');
    expect(getSyncState(b.db)!.bootstrapping).toBe(false);
    expect(afters).toEqual([0, cut.cursor]);

    const fresh = await replica('mario.rossi', server.url);
    expect(dumpReplica(b.db)).toEqual(dumpReplica(fresh.db));
    expect(dumpReplica(b.db).reports).toHaveLength(REPORTS);
    // The search index was rebuilt once at the end: notes and reporters are found.
    expect(ftsIds(b.db, 'zafferano')).toHaveLength(REPORTS);
    expect(ftsIds(b.db, 'Bramante7')).toEqual(ftsIds(fresh.db, 'Bramante7'));
    expect(ftsIds(b.db, 'zafferano')).toEqual(ftsIds(a.db, 'zafferano'));

    // Later changes arrive by ordinary pulls and are indexed as usual.
    const id = (b.db.prepare('SELECT id FROM reports LIMIT 1').get() as { id: string }).id;
    await a.ok('reports.addNote', { id, text: 'Nota cardamomo' });
    await a.ok('sync.now', {});
    await b.ok('sync.now', {});
    expect(ftsIds(b.db, 'cardamomo')).toEqual([id]);
  });

  it('builds indexes, triggers and derived tables once at the end, equal to a replica that wrote the rows itself', async () => {
    const admin = await replica('admin', server.url);
    const strada = await admin.ok<{ id: string }>('settings.categories.save', {
      parentId: null,
      name: 'Strade',
    });
    const verde = await admin.ok<{ id: string }>('settings.categories.save', {
      parentId: null,
      name: 'Parchi',
    });
    const outcomes = await admin.ok<{ outcomes: { id: string }[] }>('directory.get', {});
    const users = (await admin.ok<{ users: { id: string; username: string }[] }>('directory.get', {})).users;
    const lucia = users.find((u) => u.username === 'lucia.verdi')!.id;
    const a = await replica('lucia.verdi', server.url);
    for (let i = 0; i < 12; i++) {
      const { id } = await a.ok<{ id: string }>('reports.create', {
        fields: {
          title: `Tombino ${i}`,
          channel: 'sportello',
          categoryId: i % 3 === 0 ? verde.id : strada.id,
          lat: i % 4 === 0 ? null : 45.69 + i / 1000,
          lon: i % 4 === 0 ? null : 9.67 + i / 1000,
        },
      });
      if (i % 2 === 0) await a.ok('reports.assign', { id, kind: 'user', assigneeId: lucia });
      if (i % 5 === 0) await a.ok('reports.takeInCharge', { id });
      if (i % 10 === 0 && outcomes.outcomes[0]) {
        await a.ok('reports.close', { id, outcomeId: outcomes.outcomes[0].id, closingNote: null });
      }
    }
    await a.ok('sync.now', {});
    // A wrote its rows one by one, with its triggers; B gets them in bulk.
    const b = await replica('mario.rossi', server.url);
    const schema = (db: typeof a.db) =>
      db
        .prepare(
          "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name",
        )
        .all();
    expect(schema(b.db)).toEqual(schema(a.db));
    expect(b.db.prepare("SELECT count(*) AS n FROM meta WHERE key = 'bootstrap_deferred_ddl'").get()).toEqual(
      { n: 0 },
    );
    // The planner has statistics for what was just loaded, the merged-reports index included.
    const stat = (idx: string) =>
      b.db.prepare('SELECT stat FROM sqlite_stat1 WHERE idx = ?').pluck().get(idx) as string | undefined;
    expect(stat('reports_merged_into')).toBeDefined();
    expect(stat('reports_status_created')).toMatch(/^\d+ /);
    const derived = (db: typeof a.db) => ({
      counts: db
        .prepare('SELECT * FROM stats_counts WHERE n > 0 ORDER BY month, status, category_id, channel')
        .all(),
      assignees: db
        .prepare('SELECT * FROM stats_assignee_counts WHERE n > 0 ORDER BY month, status, kind, assignee_id')
        .all(),
      // Category keys are local numbers: compared through the category they stand for.
      geo: db
        .prepare(
          `SELECT r.id, g.min_lat, g.min_lon, k.category_id, g.min_day FROM reports_geo g
             JOIN reports r ON r.seq = g.id JOIN category_keys k ON k.k = g.min_cat ORDER BY r.id`,
        )
        .all(),
    });
    const expected = derived(a.db);
    expect(expected.counts.length).toBeGreaterThan(1);
    expect(expected.assignees.length).toBeGreaterThan(0);
    expect(expected.geo).toHaveLength(9);
    expect(derived(b.db)).toEqual(expected);
    // The triggers are back: B's own new report is counted and placed at once.
    await b.ok('reports.create', {
      fields: { title: 'Panchina', channel: 'telefono', categoryId: verde.id, lat: 45.7, lon: 9.68 },
    });
    const after = derived(b.db);
    expect(after.geo).toHaveLength(10);
    const total = (d: typeof after) => (d.counts as { n: number }[]).reduce((sum, r) => sum + r.n, 0);
    expect(total(after)).toBe(total(expected) + 1);
  });
});
