/**
 * `sportello server import` end to end: a standalone PC built through its API (real
 * SQLite file, real attachment file), imported by the CLI into PGlite (a server never
 * started) and into PostgreSQL (a running server with its defaults and an account of its
 * own), then a fresh PC bootstraps from the server and holds the same business data.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCore, type CoreInternals } from '../../src-main/core/create-core';
import { server as serverCli } from '../../src-main/cli/server';
import { dumpReplica } from '../../src-main/sync/testing/dump';
import { buildFixture, type Fixture } from '../../src-main/testing/fixtures';
import { createTestWorld, type TestWorld } from '../../src-main/testing/test-core';
import { createServer, type SyncServer } from '../app';
import { readMailSettings } from '../mail-out/settings';
import { maxVersion } from '../rows';
import { postgresCluster, STORAGES, TestReplica, type StorageKind } from '../testing/world';
import { importReplica } from './import-replica';
import { openStandaloneReplica } from './standalone-replica';

const ATTACHMENT = Buffer.from('Verbale di sopralluogo: buca profonda 10 cm.\n'.repeat(50));
const dirs: string[] = [];
const cores: CoreInternals[] = [];
const tempDir = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const c of cores.splice(0)) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A municipality that worked months on one PC: every replicated kind of row. */
async function standalonePc(): Promise<{
  w: TestWorld;
  f: Fixture;
  attachmentSha: string;
  templateId: string;
}> {
  const w = await createTestWorld();
  dirs.push(w.dir);
  cores.push(w.core);
  const f = await buildFixture(w);
  const templateId = (
    await w.ok<{ id: string }>(
      'mailout.templates.save',
      { name: 'Presa in carico', subject: 'Segnalazione {codice}', body: 'Gentile {nome},\n\n{ente}' },
      f.admin,
    )
  ).id;
  await w.ok(
    'automations.save',
    { name: 'Buche', conditions: { categoryIds: [f.bucaId] }, actions: { replyTemplateId: templateId } },
    f.admin,
  );
  await w.ok(
    'addressBook.save',
    {
      name: 'Ufficio tecnico',
      organisation: 'Asfalti S.r.l.',
      email: 'tecnico@asfalti.example.it',
      categoryIds: [f.bucaId],
    },
    f.admin,
  );
  const create = (title: string, extra: object = {}) =>
    w.ok<{ id: string; code: string }>(
      'reports.create',
      {
        fields: {
          title,
          address: 'Via Tasso 8',
          categoryId: f.bucaId,
          channel: 'telefono',
          lat: 45.69,
          lon: 9.67,
        },
        ...extra,
      },
      f.clerk,
    );
  const a = await create('Buca in via Tasso', {
    reporters: [
      {
        reporterId: randomUUID(),
        newReporter: { nome: 'Nicolò', cognome: 'Gialli', email: 'n.gialli@example.it' },
      },
    ],
  });
  await w.ok('reports.addNote', { id: a.id, text: '@mario.rossi puoi fare un sopralluogo?' }, f.clerk);
  await w.ok('reports.assign', { id: a.id, kind: 'user', assigneeId: f.colleagueId }, f.clerk);
  await w.ok('reports.assign', { id: a.id, kind: 'group', assigneeId: f.supplierGroupId }, f.clerk);
  await w.ok(
    'attachments.add',
    {
      reportId: a.id,
      fileName: 'verbale.txt',
      mime: 'text/plain',
      dataBase64: ATTACHMENT.toString('base64'),
    },
    f.clerk,
  );
  await w.ok(
    'activities.create',
    {
      reportId: a.id,
      fields: {
        title: 'Giro di controllo',
        assignee: { kind: 'user', id: f.clerkId },
        startAt: Date.UTC(2026, 10, 23, 8, 0),
        durationMin: 60,
        recurrence: { freq: 'weekly', interval: 1, byWeekday: ['MO'], until: '2026-12-31' },
      },
    },
    f.clerk,
  );
  const b = await create('Lampione spento', {
    fields: { title: 'Lampione spento', channel: 'sportello', categoryId: null, lat: null, lon: null },
  });
  await w.ok('reports.takeInCharge', { id: b.id }, f.clerk);
  await w.ok(
    'reports.close',
    { id: b.id, outcomeId: f.positivoId, closingNote: 'Lampada sostituita' },
    f.clerk,
  );
  // A merge leaves the merged report's code as an alias of the main one (report_codes).
  w.clock.advance(60_000);
  const c = await create('Buca davanti alla scuola');
  const d = await create('Buca davanti alla scuola, ancora');
  await w.ok('duplicates.merge', { mainId: c.id, reportIds: [d.id] }, f.clerk);
  const sha = (w.core.services.db.prepare('SELECT sha256 FROM attachments').pluck().get() as string) ?? '';
  return { w, f, attachmentSha: sha, templateId };
}

/**
 * JSON text columns parsed: the server keeps rows as jsonb, which orders object keys its
 * own way, so a bootstrapped replica's JSON text has the same content in another order
 * (as for any row that went through the server).
 */
function parsedJson(dump: Record<string, unknown[]>): Record<string, unknown[]> {
  const parse = (v: unknown) => {
    if (typeof v !== 'string' || !/^[[{]/.test(v)) return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  };
  return Object.fromEntries(
    Object.entries(dump).map(([t, rows]) => [
      t,
      rows.map((r) => Object.fromEntries(Object.entries(r as object).map(([k, v]) => [k, parse(v)]))),
    ]),
  );
}

/** A dump row's identity (rows without an id: the whole row), to find what is beyond the PC's. */
const keyOf = (r: Record<string, unknown>) => String(r.id ?? r.code ?? JSON.stringify(r));

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await serverCli(['import', ...args]);
    return {
      code,
      out: out.mock.calls.map((c) => String(c[0])).join(''),
      err: err.mock.calls.map((c) => String(c[0])).join(''),
    };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe.each(STORAGES)('sportello server import (%s)', (kind: StorageKind) => {
  const clock = { now: Date.UTC(2026, 10, 25, 10, 0) };
  let pc: Awaited<ReturnType<typeof standalonePc>>;
  let srv: SyncServer;
  let storageArgs: string[];
  if (kind === 'postgres') postgresCluster();

  beforeAll(async () => {
    pc = await standalonePc();
    if (kind === 'pglite') {
      // A server folder never started: the import is the first thing it holds.
      storageArgs = ['--data-dir', tempDir('sportello-import-srv-')];
    } else {
      // A running server with its default outcomes and category and an account of IT's.
      const databaseUrl = await (await postgresCluster()).createDatabase();
      srv = await createServer({ databaseUrl, clock: () => clock.now });
      await srv.addUser({
        username: 'it.admin',
        fullName: 'IT',
        role: 'amministratore',
        password: 'password-it',
      });
      storageArgs = ['--database-url', databaseUrl];
    }
  }, 60_000);
  afterAll(async () => {
    // The PCs first: their poke sockets would keep the server's close waiting. The PC that
    // went from standalone to synced leaves kept-alive connections that the server drops
    // only at its keep-alive timeout (72 s): hence the long timeout.
    for (const c of cores.splice(0)) c.close();
    await srv?.close();
  }, 180_000);

  it('carries every replicated row, the counters, the attachment bytes and the passwords', async () => {
    const before = parsedJson(dumpReplica(pc.w.core.services.db));
    // The PC's app stays open: the import reads a consistent copy of its file.
    const run = await runCli(['--from', pc.w.dir, ...storageArgs]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Importate 4 segnalazioni, 1 allegato, 5 utenti.');
    if (kind === 'pglite') srv = await createServer({ dataDir: storageArgs[1], clock: () => clock.now });

    // A fresh PC connects with the old administrator's password and bootstraps.
    const freshDir = tempDir('sportello-import-pc-');
    const fresh = await createCore({ dataDir: freshDir, validateOutput: true });
    cores.push(fresh);
    const conn = await fresh.call(
      'sync.connect',
      { serverUrl: srv.url, username: 'admin', password: 'admin-password' },
      null,
    );
    if (!conn.ok) throw new Error(conn.error.message);
    const after = parsedJson(dumpReplica(fresh.services.db));

    // Only the server's own settings may be there besides the PC's, never twice by name.
    const extras: Record<string, unknown[]> = {
      users: kind === 'postgres' ? ['it.admin'] : [],
      outcomes: kind === 'postgres' ? ['Negativo', 'Non di competenza', 'Sospeso', 'Affidato a terzi'] : [],
      categories: kind === 'postgres' ? ['Da classificare'] : [],
    };
    for (const [table, rows] of Object.entries(before)) {
      expect(rows.length, table).toBeGreaterThan(0);
      const mine = new Set(rows.map((r) => keyOf(r as Record<string, unknown>)));
      const got = after[table]!.filter((r) => mine.has(keyOf(r as Record<string, unknown>)));
      expect(got, table).toEqual(rows);
      const other = after[table]!.filter((r) => !mine.has(keyOf(r as Record<string, unknown>))) as Record<
        string,
        unknown
      >[];
      expect(other.map((r) => r.username ?? r.label ?? r.name).sort(), table).toEqual(
        [...(extras[table] ?? [])].sort(),
      );
    }

    // Another old account logs in to the server and downloads the attachment's bytes.
    const clerk = await TestReplica.login(srv.url, 'lucia.verdi', 'password-lucia.verdi');
    const res = await fetch(`${srv.url}/sync/v1/blobs/${pc.attachmentSha}`, {
      headers: { authorization: `Bearer ${clerk.token}` },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(ATTACHMENT);
    // The reply template the automation names came along.
    expect((await readMailSettings(srv.storage)).templates.map((t) => t.id)).toEqual([pc.templateId]);

    // A second import is refused and writes nothing.
    const top = await maxVersion(srv.storage);
    const creds = await srv.storage.query('SELECT user_id, password_hash FROM credentials ORDER BY user_id');
    const replica = await openStandaloneReplica(pc.w.dir);
    try {
      await expect(importReplica(srv.storage, replica, { clock: () => clock.now })).rejects.toThrow(
        /già stato importato un PC.*Nessun dato è stato scritto/,
      );
    } finally {
      replica.close();
    }
    if (kind === 'postgres') {
      const again = await runCli(['--from', join(pc.w.dir, 'sportello.db'), ...storageArgs]);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/^Importazione non eseguita: Su questo server è già stato importato un PC/);
    }
    expect(await maxVersion(srv.storage)).toBe(top);
    expect(
      await srv.storage.query('SELECT user_id, password_hash FROM credentials ORDER BY user_id'),
    ).toEqual(creds);

    // The next report through the server follows the PC's last code.
    const codes = before.reports!.map((r) => (r as { code: string }).code);
    expect(codes.sort()).toEqual(['2026-000001', '2026-000002', '2026-000003', '2026-000004']);
    const session = (conn.value as { token: string }).token;
    const created = await fresh.call(
      'reports.create',
      { fields: { title: 'Nuova dal server', channel: 'telefono', categoryId: null, address: '' } },
      session,
    );
    if (!created.ok) throw new Error(created.error.message);
    await fresh.call('sync.now', {}, session);
    const id = (created.value as { id: string }).id;
    const got = await fresh.call('reports.get', { id }, session);
    if (!got.ok) throw new Error(got.error.message);
    expect((got.value as { code: string }).code).toBe('2026-000005');

    // The PC itself connects (once: see afterAll): the confirmation names the import, then it
    // holds the server's data.
    if (kind !== 'pglite') return;
    const ask = await pc.w.core.call(
      'sync.connect',
      { serverUrl: srv.url, username: 'admin', password: 'admin-password' },
      pc.f.admin,
    );
    expect(ask.ok).toBe(false);
    if (!ask.ok) {
      expect(ask.error.code).toBe('confirmation_required');
      expect(ask.error.message).toContain(`sportello server import --from ${pc.w.dir}`);
    }
    const done = await pc.w.core.call(
      'sync.connect',
      { serverUrl: srv.url, username: 'admin', password: 'admin-password', replaceLocalData: true },
      pc.f.admin,
    );
    if (!done.ok) throw new Error(done.error.message);
    expect(dumpReplica(pc.w.core.services.db)).toEqual(dumpReplica(fresh.services.db));
    // …and from now on receives other PCs' work as any synced PC (poked, then pulls).
    await fresh.call('reports.addNote', { id, text: 'Nota dal PC nuovo' }, session);
    await vi.waitFor(
      () => {
        const n = pc.w.core.services.db
          .prepare("SELECT count(*) AS n FROM log_entries WHERE text = 'Nota dal PC nuovo'")
          .get() as { n: number };
        expect(n.n).toBe(1);
      },
      { timeout: 15_000, interval: 100 },
    );
    await expect(openStandaloneReplica(pc.w.dir)).rejects.toThrow(
      `Questo PC è già collegato al server ${srv.url}`,
    );
  }, 180_000);
});

describe('sportello server import refuses', () => {
  it('a server with another account of the same username, writing nothing', async () => {
    const pcw = await createTestWorld();
    dirs.push(pcw.dir);
    cores.push(pcw.core);
    await buildFixture(pcw);
    const srv = await createServer({});
    try {
      await srv.addUser({
        username: 'Admin',
        fullName: 'IT',
        role: 'amministratore',
        password: 'password-it',
      });
      const top = await maxVersion(srv.storage);
      const replica = await openStandaloneReplica(join(pcw.dir, 'sportello.db'));
      try {
        await expect(importReplica(srv.storage, replica, { clock: Date.now })).rejects.toThrow(
          'Sul server esiste già un altro utente «admin»',
        );
      } finally {
        replica.close();
      }
      expect(await maxVersion(srv.storage)).toBe(top);
      expect(await srv.storage.query('SELECT count(*)::int AS n FROM credentials')).toEqual([{ n: 1 }]);
    } finally {
      await srv.close();
    }
  }, 60_000);

  it('a folder that holds no Sportello data', async () => {
    const empty = tempDir('sportello-import-empty-');
    const run = await runCli(['--from', empty, '--data-dir', tempDir('sportello-import-srv-')]);
    expect(run.code).toBe(1);
    expect(run.err).toContain("non c'è sportello.db");
  });
});
