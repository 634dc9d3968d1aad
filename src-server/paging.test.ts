import { describe, expect, it } from 'vitest';
import { people, reportArgs, STORAGES, TestReplica, useWorld } from './testing/world';

describe.each(STORAGES)('paged pull on %s', (kind) => {
  const world = useWorld(kind);

  it('ends with exactly the stored rows, no duplicates, no gaps, while pushes commit between pages', async () => {
    const { admin, names } = await people(world().server);
    const created = Array.from({ length: 40 }, (_, i) => reportArgs(`Segnalazione numero ${i + 1}`));
    await admin.push(...created.map((args) => ({ name: 'report.create', args })));

    const reader = await TestReplica.login(admin.url, names.op);
    const writer = await TestReplica.login(admin.url, names.admin);
    let pending: Promise<unknown> = Promise.resolve();
    let lastCursor = -1;
    let pages = 0;
    for (;;) {
      // A push races each page: sometimes it commits before the read, sometimes after.
      const i = pages;
      pending = pending.then(() =>
        writer.push(
          { name: 'report.addNote', args: { reportId: created[i % created.length]!.id, text: `Nota ${i}` } },
          {
            name: 'report.update',
            args: { reportId: created[(i * 7) % created.length]!.id, patch: { priority: 'alta' } },
          },
          { name: 'report.create', args: reportArgs(`Nuova durante il pull ${i}`) },
        ),
      );
      const page = await reader.pullPage(7);
      pages++;
      const keys = page.changes.map((c) => `${c.table}:${c.key}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(page.cursor).toBeGreaterThan(lastCursor);
      lastCursor = page.cursor;
      if (pages === 1) expect(page.totalEstimate).toBeGreaterThan(0);
      if (!page.more && pages > 12) break;
      expect(pages).toBeLessThan(500);
    }
    await pending;
    await reader.sync(7);

    const stored = await world().server.storage.query<{
      tbl: string;
      key: string;
      data: Record<string, unknown>;
    }>('SELECT tbl, key, data FROM sync_rows WHERE NOT deleted');
    const expected = new Map(stored.map((r) => [`${r.tbl}:${r.key}`, r.data]));
    expect([...reader.rows.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, v] of expected) expect(reader.rows.get(k)).toEqual(v);

    // The pull tells the writer which of its mutations the rows up to the cursor reflect.
    const [last] = await writer.sync();
    expect(last!.lastMutationSeq).toBe(writer.seq);
  });

  it('reports in lastMutationSeq only the mutations whose rows the page already holds', async () => {
    const { names, admin } = await people(world().server);
    const writer = await TestReplica.login(admin.url, names.admin);
    await writer.sync();
    await writer.push(
      ...Array.from({ length: 5 }, (_, i) => ({ name: 'report.create', args: reportArgs(`Lotto ${i}`) })),
    );
    // Each report.create writes two rows (report, log entry): a page of two holds one mutation.
    const first = await writer.pullPage(2);
    expect(first.more).toBe(true);
    expect(first.lastMutationSeq).toBe(1);
    const rest = await writer.sync(2);
    expect(rest[rest.length - 1]!.lastMutationSeq).toBe(5);
  });
});
