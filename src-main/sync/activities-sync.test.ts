/**
 * Activities between PCs through a real sync server (embedded PGlite): a series planned
 * on one PC reaches the other; two PCs editing the same occurrence, one of them offline,
 * end with one override holding both changes (the server replays the offline edit on the
 * row the first one created); every replica equals a fresh bootstrap; a fornitore's PC
 * holds only the activities of its reports.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OccurrenceView } from '../../src-shared/api/calls-activities';
import { romeDateKey, romeDayStart, romeTime, romeToMs } from '../../src-shared/domain/activities/rome-time';
import { createServer, type SyncServer } from '../../src-server/app';
import { createCore } from '../core/create-core';
import { dumpReplica } from './testing/dump';
import { replicaPool, TEST_PASSWORD } from './testing/replicas';

let server: SyncServer;
beforeAll(async () => {
  server = await createServer({});
  await server.addUser({
    username: 'admin',
    fullName: 'Amministratore',
    role: 'amministratore',
    password: TEST_PASSWORD,
  });
  await server.addUser({
    username: 'ditta.verde',
    fullName: 'Verde Srl',
    role: 'fornitore',
    password: TEST_PASSWORD,
  });
  for (const [username, fullName] of [
    ['lucia.verdi', 'Lucia Verdi'],
    ['mario.rossi', 'Mario Rossi'],
  ] as const) {
    await server.addUser({ username, fullName, role: 'operatore', password: TEST_PASSWORD });
  }
});
afterAll(async () => {
  await server.close();
});
const pool = replicaPool(() => server.port);
afterEach(() => pool.cleanup());

type List = { occurrences: OccurrenceView[] };
const report = (title: string) => ({
  fields: { title, channel: 'telefono', categoryId: null },
  reporters: [],
});
// A window far in the future: the test does not depend on today's date.
const MONDAY = romeToMs(2031, 3, 24, 9, 0); // Monday 24 March 2031, the week of the DST change
const WINDOW = { from: romeDayStart('2031-03-24'), to: romeDayStart('2031-04-07') };

describe('activities across PCs', () => {
  it('replicate, merge concurrent edits of one occurrence, and converge with a fresh bootstrap', async () => {
    const a = await pool.replica('lucia.verdi');
    const b = await pool.replica('mario.rossi');
    const { id: reportId } = await a.ok<{ id: string }>('reports.create', report('Giardino pubblico'));
    const { id: seriesId } = await a.ok<{ id: string }>('activities.create', {
      reportId,
      fields: {
        title: 'Irrigazione aiuole',
        startAt: MONDAY,
        durationMin: 30,
        recurrence: { freq: 'weekly', interval: 1, byWeekday: ['MO', 'TH'], count: 4 },
      },
    });
    await a.sync();
    await b.sync();
    const seen = await b.ok<List>('activities.list', WINDOW);
    expect(seen.occurrences.map((o) => `${romeDateKey(o.startAt)} ${romeTime(o.startAt)}`)).toEqual([
      '2031-03-24 09:00',
      '2031-03-27 09:00',
      '2031-03-31 09:00', // after the DST change (30 March 2031): still 09:00
      '2031-04-03 09:00',
    ]);

    // B, offline, completes Thursday's occurrence; A meanwhile moves it to the afternoon.
    const thursday = seen.occurrences[1]!.startAt;
    b.proxy.down();
    await b.ok('activities.setStatus', {
      reportId,
      activityId: seriesId,
      occurrenceStart: thursday,
      status: 'completata',
      note: 'Fatto da Mario',
    });
    await a.ok('activities.update', {
      reportId,
      activityId: seriesId,
      occurrenceStart: thursday,
      fields: { title: 'Irrigazione aiuole', startAt: thursday + 6 * 3_600_000, durationMin: 30 },
    });
    await a.sync();
    b.proxy.up();
    await b.sync();
    await b.sync();
    await a.sync();

    for (const r of [a, b]) {
      const list = await r.ok<List>('activities.list', WINDOW);
      const overrides = list.occurrences.filter((o) => !o.computed);
      expect(overrides).toHaveLength(1);
      expect(overrides[0]).toMatchObject({
        seriesId,
        occurrenceStart: thursday,
        status: 'completata',
        completionNote: 'Fatto da Mario',
      });
      expect(romeTime(overrides[0]!.startAt)).toBe('15:00');
      expect(list.occurrences).toHaveLength(4);
    }
    expect(dumpReplica(a.core.services.db).report_activities).toEqual(
      dumpReplica(b.core.services.db).report_activities,
    );

    // A new PC bootstrapped from the server holds exactly the same rows.
    const dir = mkdtempSync(join(tmpdir(), 'sportello-replica-'));
    const fresh = await createCore({ dataDir: dir });
    pool.track(dir, fresh);
    const c = await fresh.call(
      'sync.connect',
      { serverUrl: `http://127.0.0.1:${server.port}`, username: 'mario.rossi', password: TEST_PASSWORD },
      null,
    );
    expect(c.ok).toBe(true);
    const token = (c as { value: { token: string } }).value.token;
    await fresh.call('sync.now', {}, token);
    const rows = dumpReplica(fresh.services.db).report_activities;
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(dumpReplica(a.core.services.db).report_activities);
  });

  it("a fornitore's PC holds only the activities of its reports", async () => {
    const a = await pool.replica('lucia.verdi');
    const s = await pool.replica('ditta.verde');
    const dir = await a.ok<{ users: { id: string; username: string }[] }>('directory.get', {});
    const supplierId = dir.users.find((u) => u.username === 'ditta.verde')!.id;
    const given = await a.ok<{ id: string }>('reports.create', report('Siepe da potare'));
    const kept = await a.ok<{ id: string }>('reports.create', report('Ufficio tecnico'));
    await a.ok('reports.assign', { id: given.id, kind: 'user', assigneeId: supplierId });
    const fields = (title: string) => ({ title, startAt: MONDAY, durationMin: 60 });
    await a.ok('activities.create', { reportId: given.id, fields: fields('Potatura') });
    await a.ok('activities.create', { reportId: kept.id, fields: fields('Riunione interna') });
    await a.sync();
    await s.sync();
    const list = await s.ok<List>('activities.list', WINDOW);
    expect(list.occurrences.map((o) => o.title)).toEqual(['Potatura']);
    expect(
      dumpReplica(s.core.services.db).report_activities!.map((r) => (r as { title: string }).title),
    ).toEqual(['Potatura']);
  });
});
