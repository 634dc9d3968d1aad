/**
 * Bootstrap from the server's snapshot file end to end: a real server (embedded PGlite)
 * with its seed keeper (seed/keeper.ts, a worker thread building a real SQLite replica),
 * real replicas (createCore), a TCP proxy that cuts the download in the middle.
 */
import http from 'node:http';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SyncStatusView } from '../../src-shared/api';
import { BOOTSTRAP_PATH } from '../../src-shared/sync/bootstrap';
import { SNAPSHOT_PATH } from '../../src-shared/sync/snapshot';
import { createServer, type SyncServer } from '../../src-server/app';
import { maxVersion } from '../../src-server/rows';
import { createCore, type CoreInternals } from '../core/create-core';
import { createSeedKeeper, type SeedKeeper } from './seed/keeper';
import { replicaSchemaTag } from './snapshot-restore';
import { getSyncState } from './sync-repo';
import { dumpReplica, ftsIds } from './testing/dump';
import { startProxy, type Proxy } from './testing/proxy';
import { phoneReport } from './testing/reports';

const PASSWORD = 'password-di-prova';
const REPORTS = 14;
let server: SyncServer;
let keeper: SeedKeeper;
let seedDir: string;
const dirs: string[] = [];
const open: CoreInternals[] = [];
const proxies: Proxy[] = [];

beforeAll(async () => {
  seedDir = mkdtempSync(join(tmpdir(), 'sportello-seed-'));
  server = await createServer({
    snapshots: (storage) => (keeper = createSeedKeeper({ storage, dir: seedDir, refreshMs: 0 })),
  });
  await server.addUser({ username: 'admin', fullName: 'Admin', role: 'amministratore', password: PASSWORD });
  await server.addUser({
    username: 'mario.rossi',
    fullName: 'Mario Rossi',
    role: 'operatore',
    password: PASSWORD,
    permissions: { canReply: true, majorEdits: true, seesReporterData: true },
  });
  await server.addUser({
    username: 'anna.bianchi',
    fullName: 'Anna Bianchi',
    role: 'operatore',
    password: PASSWORD,
    permissions: { canReply: true, majorEdits: true, seesReporterData: false },
  });
  await server.addUser({
    username: 'ditta',
    fullName: 'Ditta Strade',
    role: 'fornitore',
    password: PASSWORD,
  });
});
afterAll(async () => {
  await server.close();
  rmSync(seedDir, { recursive: true, force: true });
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of open.splice(0)) c.close();
  for (const p of proxies.splice(0)) await p.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function replica(username: string, url = server.url, before?: (core: CoreInternals) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'sportello-snap-'));
  dirs.push(dir);
  const core = await createCore({ dataDir: dir });
  open.push(core);
  before?.(core);
  const r = await core.call('sync.connect', { serverUrl: url, username, password: PASSWORD }, null);
  if (!r.ok) throw new Error(`connect: ${r.error.message}`);
  const session = (r.value as { token: string; serverToken?: string }).token;
  const ok = async <T = unknown>(name: string, input: unknown): Promise<T> => {
    const x = await core.call(name, input, session);
    if (!x.ok) throw new Error(`${name}: ${x.error.code} ${x.error.message}`);
    return x.value as T;
  };
  return { core, ok, db: core.services.db, dir };
}

/** The bootstrap downloads this process makes: NDJSON streams (fetch) and snapshot files (node:http). */
function spyDownloads() {
  const streams: number[] = [];
  const snapshots: (string | undefined)[] = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    if (String(input).endsWith(BOOTSTRAP_PATH) && typeof init?.body === 'string') {
      streams.push((JSON.parse(init.body) as { after: number }).after);
    }
    return realFetch(input, init);
  });
  const served: number[] = [];
  const realGet = http.get;
  vi.spyOn(http, 'get').mockImplementation(((
    url: URL,
    options: http.RequestOptions,
    cb: (res: http.IncomingMessage) => void,
  ) => {
    if (!String(url).includes(SNAPSHOT_PATH)) return realGet(url, options, cb);
    const seen = (res: http.IncomingMessage) => {
      served.push(res.statusCode ?? 0);
      cb(res);
    };
    snapshots.push((options.headers as http.OutgoingHttpHeaders | undefined)?.range as string | undefined);
    return realGet(url, options, seen);
  }) as typeof http.get);
  return { streams, snapshots, served };
}

async function fillServer(a: Awaited<ReturnType<typeof replica>>, from: number, n: number) {
  const users = (await a.ok<{ users: { id: string; username: string }[] }>('directory.get', {})).users;
  const ditta = users.find((u) => u.username === 'ditta')!.id;
  const ids: string[] = [];
  for (let i = from; i < from + n; i++) {
    const place = i % 3 === 0 ? { lat: null, lon: null } : { lat: 45.69 + i / 1000, lon: 9.67 + i / 1000 };
    const { id } = await a.ok<{ id: string }>(
      'reports.create',
      phoneReport(i, { ...place, email: `gino${i}@example.it` }),
    );
    await a.ok('reports.addNote', { id, text: `Nota zafferano ${i}` });
    // A second reporter: its name goes into the log entry (personal data).
    await a.ok('reports.addReporter', {
      id,
      reporter: {
        reporterId: crypto.randomUUID(),
        newReporter: { nome: 'Rina', cognome: `Tiepolo${i}`, email: null, telefono: null },
      },
    });
    if (i % 2 === 0) await a.ok('reports.assign', { id, kind: 'user', assigneeId: ditta });
    if (i % 4 === 0) await a.ok('reports.takeInCharge', { id });
    ids.push(id);
  }
  await a.ok<SyncStatusView>('sync.now', {});
  return { ids, ditta };
}

const indexesAndTriggers = (db: CoreInternals['services']['db']) =>
  db
    .prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name",
    )
    .all();
const derived = (db: CoreInternals['services']['db']) => ({
  counts: db
    .prepare('SELECT * FROM stats_counts WHERE n > 0 ORDER BY month, status, category_id, channel')
    .all(),
  geo: db
    .prepare(
      'SELECT r.id, g.min_lat, g.min_lon FROM reports_geo g JOIN reports r ON r.seq = g.id ORDER BY r.id',
    )
    .all(),
});

describe('bootstrap from the server snapshot', () => {
  it('a new PC takes the published file, keeps its own tables, pulls what came after, and works on', async () => {
    const a = await replica('admin');
    const { ids, ditta } = await fillServer(a, 0, REPORTS);
    const published = await keeper.refresh();
    expect(published!.cursor).toBe(await maxVersion(server.storage));
    expect(published!.reports).toBe(REPORTS);
    // After the snapshot: a note, and an assignment removed (a deletion the PC must pull).
    await a.ok('reports.addNote', { id: ids[3]!, text: 'Nota cardamomo' });
    await a.ok('reports.unassign', { id: ids[0]!, kind: 'user', assigneeId: ditta });
    await a.ok('sync.now', {});

    const spy = spyDownloads();
    // Rows of this PC's own written before the download (a colleague's offline verifier,
    // a local setting): the snapshot must not take them away.
    const b = await replica('mario.rossi', server.url, (core) => {
      core.services.db
        .prepare(
          "INSERT INTO offline_verifiers (user_id, username, verifier, updated_at) VALUES ('u-old', 'anna.old', 'v', 1)",
        )
        .run();
      core.services.db.prepare("INSERT INTO meta (key, value) VALUES ('local_probe', 'questo PC')").run();
    });
    expect(spy.snapshots).toEqual([undefined]);
    expect(spy.streams).toEqual([]);
    const s = getSyncState(b.db)!;
    expect(s.bootstrapping).toBe(false);
    expect(s.cursor).toBe(await maxVersion(server.storage));
    expect(dumpReplica(b.db)).toEqual(dumpReplica(a.db));
    expect(dumpReplica(b.db).reports).toHaveLength(REPORTS);
    expect(ftsIds(b.db, 'zafferano')).toEqual(ftsIds(a.db, 'zafferano'));
    expect(ftsIds(b.db, 'zafferano')).toHaveLength(REPORTS);
    expect(ftsIds(b.db, 'cardamomo')).toEqual([ids[3]]);
    expect(indexesAndTriggers(b.db)).toEqual(indexesAndTriggers(a.db));
    expect(derived(b.db)).toEqual(derived(a.db));
    // This PC's own rows survived the file swap; its client id is its own, not the seed's.
    expect(b.db.prepare('SELECT username FROM offline_verifiers ORDER BY username').pluck().all()).toEqual([
      'anna.old',
      'mario.rossi',
    ]);
    expect(b.db.prepare("SELECT value FROM meta WHERE key = 'local_probe'").pluck().get()).toBe('questo PC');
    expect(s.clientId).not.toBe('00000000-0000-7000-8000-000000000000');
    // The pages went straight into the database file: back in WAL mode, with a WAL that
    // holds only what was written since, not a copy of the whole snapshot.
    expect(b.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(statSync(`${b.db.name}-wal`).size).toBeLessThan(published!.size / 4);
    // The downloaded file goes once the replica is in place.
    await vi.waitFor(() =>
      expect(readdirSync(b.dir).filter((f) => f.startsWith('bootstrap-snapshot'))).toEqual([]),
    );

    // B works on it: its note reaches A, and A's next change reaches B.
    await b.ok('reports.addNote', { id: ids[5]!, text: 'Nota ginepro' });
    await b.ok('sync.now', {});
    await a.ok('sync.now', {});
    expect(ftsIds(a.db, 'ginepro')).toEqual([ids[5]]);
    await b.ok('reports.create', {
      fields: { title: 'Panchina rotta', channel: 'telefono', categoryId: null, lat: 45.7, lon: 9.68 },
    });
    await b.ok('sync.now', {});
    await a.ok('sync.now', {});
    expect(dumpReplica(b.db)).toEqual(dumpReplica(a.db));
    expect(derived(b.db)).toEqual(derived(a.db));
  });

  /** A new PC whose snapshot download is cut halfway (the connection fails, the part stays). */
  async function cutDownload(size: number) {
    const spy = spyDownloads();
    const proxy = await startProxy({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    proxies.push(proxy);
    // Past hello and login, well inside the file.
    proxy.cutResponseAfter(Math.floor(size / 2));
    const dir = mkdtempSync(join(tmpdir(), 'sportello-snap-'));
    dirs.push(dir);
    const core = await createCore({ dataDir: dir });
    open.push(core);
    // Nothing of the municipality is on this PC until the file is complete: the clerk is
    // told to wait, and the download goes on from where it stopped.
    const cut = await core.call(
      'sync.connect',
      { serverUrl: proxy.url, username: 'mario.rossi', password: PASSWORD },
      null,
    );
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.error.message).toMatch(/riprova tra poco/);
    const part = join(dir, 'bootstrap-snapshot.part');
    expect(existsSync(part)).toBe(true);
    const got = statSync(part).size;
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(size);
    expect(getSyncState(core.services.db)!.cursor).toBe(0);
    return { core, db: core.services.db, part, got, spy };
  }

  async function finishAndCompare(b: Awaited<ReturnType<typeof cutDownload>>, a: { db: typeof b.db }) {
    await b.core.sync.syncNow();
    expect(getSyncState(b.db)!.bootstrapping).toBe(false);
    const login = await b.core.call('auth.login', { username: 'mario.rossi', password: PASSWORD }, null);
    expect(login.ok).toBe(true);
    expect(b.spy.streams).toEqual([]);
    expect(dumpReplica(b.db)).toEqual(dumpReplica(a.db));
    await vi.waitFor(() => expect(existsSync(b.part)).toBe(false));
  }

  it('a download cut in the middle resumes with a range request and ends equal', async () => {
    const a = await replica('admin');
    await fillServer(a, 100, 4);
    const published = (await keeper.refresh())!;
    const b = await cutDownload(published.size);
    await finishAndCompare(b, a);
    expect(b.spy.snapshots).toEqual([undefined, `bytes=${b.got}-`]);
    expect(b.spy.served).toEqual([200, 206]);
  });

  it('a partial file damaged on disk fails the SHA-256 check, is thrown away and downloaded again', async () => {
    const a = await replica('admin');
    await fillServer(a, 120, 2);
    const published = (await keeper.refresh())!;
    const b = await cutDownload(published.size);
    // One byte of what was already received changes (a faulty disk, a tampered file).
    const fd = openSync(b.part, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, 5000);
    byte[0] = byte[0]! ^ 0xff;
    writeSync(fd, byte, 0, 1, 5000);
    closeSync(fd);
    await b.core.sync.syncNow();
    expect(getSyncState(b.db)!.lastError).toMatch(/danneggiata/);
    expect(getSyncState(b.db)!.cursor).toBe(0);
    expect(existsSync(b.part)).toBe(false);
    await finishAndCompare(b, a);
    expect(b.spy.snapshots).toEqual([undefined, `bytes=${b.got}-`, undefined]);
    expect(b.spy.served).toEqual([200, 206, 200]);
  });

  it('a snapshot replaced between two attempts is downloaded again from its start', async () => {
    const a = await replica('admin');
    await fillServer(a, 150, 2);
    const published = (await keeper.refresh())!;
    const b = await cutDownload(published.size);
    await fillServer(a, 160, 2);
    const next = (await keeper.refresh())!;
    expect(next.cursor).toBeGreaterThan(published.cursor);
    await finishAndCompare(b, a);
    // The PC asked to resume; the server's If-Range saw another file and sent it whole.
    expect(b.spy.snapshots).toEqual([undefined, `bytes=${b.got}-`]);
    expect(b.spy.served).toEqual([200, 200]);
  });

  it('is refused to views it does not match, and those replicas stream their own rows', async () => {
    const a = await replica('admin');
    await fillServer(a, 200, 3);
    await keeper.refresh();
    const spy = spyDownloads();
    // Without "vede i dati dei segnalatori": streamed, without reporters, log data blanked.
    const c = await replica('anna.bianchi');
    expect(spy.snapshots).toEqual([undefined]);
    expect(spy.streams).toEqual([0]);
    expect(dumpReplica(c.db).reports!.length).toBe(dumpReplica(a.db).reports!.length);
    expect(c.db.prepare('SELECT count(*) AS n FROM reporters').get()).toEqual({ n: 0 });
    const logData = (db: typeof c.db) =>
      (db.prepare('SELECT data FROM log_entries WHERE data IS NOT NULL').pluck().all() as string[]).join(
        '\n',
      );
    expect(logData(a.db)).toMatch(/Tiepolo201/);
    expect(logData(c.db)).not.toMatch(/Tiepolo|Bramante|gino\d+@/);
    // A supplier streams its own share.
    const d = await replica('ditta');
    expect(spy.snapshots).toEqual([undefined, undefined]);
    expect(spy.streams).toEqual([0, 0]);
    const supplierReports = dumpReplica(d.db).reports!.length;
    expect(supplierReports).toBeGreaterThan(0);
    expect(supplierReports).toBeLessThan(dumpReplica(a.db).reports!.length);

    // Direct requests: the refusals are explicit.
    const st = getSyncState(a.db)!;
    const get = (query: string) =>
      fetch(new URL(`${SNAPSHOT_PATH}?${query}`, server.url), {
        headers: { authorization: `Bearer ${st.token}` },
      });
    const schema = replicaSchemaTag(a.db);
    const fine = await get(`clientId=${st.clientId}&schema=${encodeURIComponent(schema)}`);
    expect(fine.status).toBe(200);
    await fine.body?.cancel();
    const other = await get(`clientId=${st.clientId}&schema=99:altro`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('no_snapshot');
    expect((await get(`clientId=${crypto.randomUUID()}&schema=${encodeURIComponent(schema)}`)).status).toBe(
      403,
    );
    expect((await get('clientId=x')).status).toBe(400);
    const anon = await fetch(new URL(`${SNAPSHOT_PATH}?clientId=${st.clientId}&schema=x`, server.url));
    expect(anon.status).toBe(401);
  });

  it('the keeper survives a restart: it finds its file, catches up from its cursor and replaces the old file', async () => {
    const a = await replica('admin');
    await fillServer(a, 300, 2);
    const first = (await keeper.refresh())!;
    const again = createSeedKeeper({
      storage: server.storage,
      dir: join(seedDir, '..', 'unused'),
      refreshMs: 0,
    });
    await again.close();
    await keeper.close();
    keeper = createSeedKeeper({ storage: server.storage, dir: seedDir, refreshMs: 0 });
    expect(keeper.latest()).toEqual(first);
    // Nothing new: the same file.
    expect(await keeper.refresh()).toEqual(first);
    // A file described with another schema (the server was updated since): published again.
    await keeper.close();
    const described = JSON.parse(readFileSync(`${first.file}.json`, 'utf8')) as { schema: string };
    writeFileSync(`${first.file}.json`, JSON.stringify({ ...described, schema: '12:vecchio' }));
    keeper = createSeedKeeper({ storage: server.storage, dir: seedDir, refreshMs: 0 });
    expect(keeper.latest()!.schema).toBe('12:vecchio');
    expect(await keeper.refresh()).toEqual({ ...first, sha256: expect.any(String) as string });
    expect(keeper.latest()!.schema).toBe(described.schema);
    await fillServer(a, 400, 2);
    const second = (await keeper.refresh())!;
    expect(second.cursor).toBeGreaterThan(first.cursor);
    expect(existsSync(first.file)).toBe(false);
    expect(
      readdirSync(seedDir)
        .filter((f) => f.startsWith('snapshot-'))
        .sort(),
    ).toEqual([`snapshot-${second.cursor}.db`, `snapshot-${second.cursor}.db.json`].sort());
    const b = await replica('mario.rossi');
    expect(dumpReplica(b.db)).toEqual(dumpReplica(a.db));

    // A seed ahead of the database came from another one: built again from scratch.
    await keeper.close();
    const other = await createServer({});
    try {
      await other.addUser({
        username: 'admin',
        fullName: 'Admin',
        role: 'amministratore',
        password: PASSWORD,
      });
      const fromOther = createSeedKeeper({ storage: other.storage, dir: seedDir, refreshMs: 0 });
      const rebuilt = (await fromOther.refresh())!;
      await fromOther.close();
      expect(rebuilt.cursor).toBe(await maxVersion(other.storage));
      expect(rebuilt.reports).toBe(0);
      expect(existsSync(second.file)).toBe(false);
    } finally {
      await other.close();
    }
    keeper = createSeedKeeper({ storage: server.storage, dir: seedDir, refreshMs: 0 });
    expect((await keeper.refresh())!.reports).toBe(dumpReplica(a.db).reports!.length);
  });
});
