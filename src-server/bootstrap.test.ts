import { describe, expect, it } from 'vitest';
import type { RowChange } from '../src-shared/sync/protocol';
import { BOOTSTRAP_PATH } from '../src-shared/sync/bootstrap';
import { bootstrapPages } from './bootstrap';
import { people, reportArgs, STORAGES, TestReplica, useWorld } from './testing/world';

interface Streamed {
  changes: RowChange[];
  checkpoints: { cursor: number; rowsBefore: number }[];
  total: number | null;
  end: number | null;
  reset: boolean;
}

/** Reads a whole bootstrap stream (or its first `maxLines` lines, like a cut download). */
async function stream(r: TestReplica, after: number, maxLines = Infinity): Promise<Streamed> {
  const res = await fetch(r.url + BOOTSTRAP_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${r.token}` },
    body: JSON.stringify({ clientId: r.clientId, after }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/x-ndjson');
  const lines = (await res.text()).split('\n').filter(Boolean).slice(0, maxLines);
  const out: Streamed = { changes: [], checkpoints: [], total: null, end: null, reset: false };
  for (const l of lines) {
    const o = JSON.parse(l) as Record<string, unknown>;
    if ('table' in o) out.changes.push(o as unknown as RowChange);
    else if (o.end) out.end = o.cursor as number;
    else if (o.reset) out.reset = true;
    else if ('total' in o) out.total = o.total as number;
    else out.checkpoints.push({ cursor: o.cursor as number, rowsBefore: out.changes.length });
  }
  return out;
}

describe.each(STORAGES)('streamed bootstrap on %s', (kind) => {
  const world = useWorld(kind);

  it('streams every visible row once, with checkpoints; resuming after one ends equal to the pull', async () => {
    const { admin, names } = await people(world().server);
    const created = Array.from({ length: 12 }, (_, i) => reportArgs(`Segnalazione ${i}`));
    await admin.push(...created.map((args) => ({ name: 'report.create', args })));
    await admin.push(
      ...created.map((c) => ({ name: 'report.addNote', args: { reportId: c.id, text: 'Nota' } })),
    );
    const saved = bootstrapPages.staff;
    bootstrapPages.staff = 9;
    try {
      const reader = await TestReplica.login(admin.url, names.op);
      const whole = await stream(reader, 0);
      expect(whole.end).not.toBeNull();
      expect(whole.total).toBe(whole.changes.length);
      const keys = whole.changes.map((c) => `${c.table}:${c.key}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(whole.checkpoints.length).toBeGreaterThan(3);

      const stored = await world().server.storage.query<{ tbl: string; key: string; data: unknown }>(
        'SELECT tbl, key, data FROM sync_rows WHERE NOT deleted',
      );
      const seen = new Map(whole.changes.map((c) => [`${c.table}:${c.key}`, c.row]));
      expect([...seen.keys()].sort()).toEqual(stored.map((s) => `${s.tbl}:${s.key}`).sort());
      for (const s of stored) expect(seen.get(`${s.tbl}:${s.key}`)).toEqual(s.data);

      // Cut after the third checkpoint; meanwhile a report changes and another is created.
      const cut = await stream(reader, 0, 40);
      const last = cut.checkpoints[cut.checkpoints.length - 1]!;
      const replica = await TestReplica.login(admin.url, names.op);
      replica.apply(cut.changes.slice(0, last.rowsBefore));
      await admin.push(
        { name: 'report.update', args: { reportId: created[0]!.id, patch: { priority: 'alta' } } },
        { name: 'report.create', args: reportArgs('Arrivata durante il bootstrap') },
      );
      // The resumed stream is read by the same client id as the first.
      const resumer = new TestReplica(reader.url, reader.clientId, reader.token, reader.userId);
      const rest = await stream(resumer, last.cursor);
      expect(rest.reset).toBe(false);
      replica.apply(rest.changes);
      const fresh = await TestReplica.login(admin.url, names.op);
      await fresh.sync();
      expect(Object.fromEntries(replica.rows)).toEqual(Object.fromEntries(fresh.rows));
    } finally {
      bootstrapPages.staff = saved;
    }
  });

  it('a fornitore receives only what it may see, as the pull gives it', async () => {
    const { admin, names, supplier } = await people(world().server);
    const mine = reportArgs('Assegnata al fornitore');
    await admin.push(
      { name: 'report.create', args: mine },
      { name: 'report.create', args: reportArgs('Non sua') },
      { name: 'report.assign', args: { reportId: mine.id, kind: 'user', assigneeId: supplier.userId } },
    );
    const s = await stream(supplier, 0);
    expect(s.end).not.toBeNull();
    const reports = s.changes.filter((c) => c.table === 'reports').map((c) => c.key);
    expect(reports).toEqual([mine.id]);
    expect(s.changes.some((c) => c.table === 'reporters')).toBe(false);
    const pulled = await TestReplica.login(admin.url, names.supplier);
    await pulled.sync();
    expect(s.changes.map((c) => `${c.table}:${c.key}`).sort()).toEqual([...pulled.rows.keys()].sort());
  });
});
