import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { z } from 'zod';
import { hashToken } from '../src-main/core/passwords';
import { zPoke, zPullResponse } from '../src-shared/sync/protocol';
import { people, reportArgs, STORAGES, TestReplica, useWorld } from './testing/world';

/** Opens the poke socket and collects the versions it announces. */
async function listen(baseUrl: string, token: string) {
  const ws = new WebSocket(
    `${baseUrl.replace(/^http/, 'ws')}/sync/v1/poke?token=${encodeURIComponent(token)}`,
  );
  const versions: number[] = [];
  const pokes: z.infer<typeof zPoke>[] = [];
  const waiters: { min: number; resolve: (v: number) => void }[] = [];
  ws.on('message', (data) => {
    const poke = zPoke.parse(JSON.parse(String(data)));
    versions.push(poke.version);
    pokes.push(poke);
    for (const w of [...waiters]) {
      if (poke.version >= w.min) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(poke.version);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    versions,
    /** The poke that announced `version` (call after next(version)). */
    pokeOf: (version: number) => pokes.find((p) => p.version === version)!,
    /** Tells the server where this replica's rows are (its next pokes carry pages). */
    tell: (cursor: number) => ws.send(JSON.stringify({ type: 'cursor', cursor })),
    /** Resolves with the first poke whose version is at least min. */
    next(min: number): Promise<number> {
      const seen = versions.find((v) => v >= min);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no poke ≥ ${min} (got ${versions.join(',')})`)),
          10_000,
        );
        waiters.push({ min, resolve: (v) => (clearTimeout(timer), resolve(v)) });
      });
    },
    close: () => ws.close(),
  };
}

async function pushAndCursor(writer: TestReplica, title: string) {
  await writer.push({ name: 'report.create', args: reportArgs(title) });
  await writer.sync();
  return writer.cursor;
}

describe.each(STORAGES)('pokes on %s', (kind) => {
  const world = useWorld(kind);

  it('pokes a connected replica after a push, with the new version', async () => {
    const { admin, op } = await people(world().server);
    await admin.sync();
    const socket = await listen(op.url, op.token);
    try {
      // On connect the server says where it stands.
      expect(await socket.next(0)).toBeGreaterThanOrEqual(admin.cursor);
      const version = await pushAndCursor(admin, 'Tombino rumoroso');
      expect(await socket.next(version)).toBe(version);
    } finally {
      socket.close();
    }
  });

  it('does not poke the replica that pushed: it pulls after its push anyway', async () => {
    const { admin, op } = await people(world().server);
    await admin.sync();
    const mine = await listen(admin.url, admin.token);
    const theirs = await listen(op.url, op.token);
    try {
      const start = await mine.next(0);
      await theirs.next(0);
      const own = await pushAndCursor(admin, 'Fontanella rotta');
      // The other replica hears of it; the pusher's socket stays quiet…
      expect(await theirs.next(own)).toBe(own);
      // …until someone else's change: the first version it hears after connecting is that one.
      const other = await pushAndCursor(op, 'Panchina divelta');
      expect(await mine.next(start + 1)).toBe(other);
    } finally {
      mine.close();
      theirs.close();
    }
  });

  it('carries the page of a replica that told its cursor: what its pull answers, removals included', async () => {
    const { admin, supplier } = await people(world().server);
    await supplier.sync();
    const socket = await listen(supplier.url, supplier.token);
    try {
      await socket.next(0);
      socket.tell(supplier.cursor);
      // The cursor message and the push travel on two connections: let the first land.
      await new Promise((r) => setTimeout(r, 250));
      const seen = reportArgs('Albero pericolante');
      const hidden = reportArgs('Semaforo guasto');
      const from = supplier.cursor;
      const created = await pushAndCursor(admin, 'Tombino rumoroso');
      // Its page left before the next push: the next page builds on it (two pages read at
      // the same moment would both start from the same cursor, and the later one would
      // rightly be a plain poke).
      await socket.next(created);
      await admin.push(
        { name: 'report.create', args: seen },
        { name: 'report.create', args: hidden },
        { name: 'report.assign', args: { reportId: seen.id, kind: 'user', assigneeId: supplier.userId } },
      );
      await admin.sync();
      const assigned = admin.cursor;
      await socket.next(assigned);
      // Each poke built on the page before it; together they are the supplier's pull.
      const pages = [created, assigned].map((v) => socket.pokeOf(v));
      expect(pages[0]!.from).toBe(from);
      expect(pages[1]!.from).toBe(pages[0]!.page!.cursor);
      const pulled = zPullResponse.parse(
        (await supplier.post('/sync/v1/pull', { clientId: supplier.clientId, cursor: from, limit: 1000 }))
          .body,
      );
      const keys = (cs: { table: string; key: string; op: string }[]) =>
        cs.map((c) => `${c.op} ${c.table}:${c.key}`).sort();
      expect(keys(pages.flatMap((p) => p.page!.changes))).toEqual(keys(pulled.changes));
      for (const p of pages) supplier.apply(p.page!.changes);
      supplier.cursor = pages[1]!.page!.cursor;
      expect(supplier.get('reports', seen.id)).toMatchObject({ title: 'Albero pericolante' });
      expect(supplier.get('reports', hidden.id)).toBeUndefined();

      // The report leaves the supplier's view: the poke says so with removals.
      await admin.push({
        name: 'report.unassign',
        args: { reportId: seen.id, kind: 'user', assigneeId: supplier.userId },
      });
      await admin.sync();
      await socket.next(admin.cursor);
      const gone = socket.pokeOf(admin.cursor);
      expect(gone.from).toBe(supplier.cursor);
      expect(gone.page!.changes).toContainEqual({ table: 'reports', op: 'del', key: seen.id, row: null });
      supplier.apply(gone.page!.changes);
      expect([...supplier.rows.values()].filter((r) => r.id === seen.id || r.reportId === seen.id)).toEqual(
        [],
      );
    } finally {
      socket.close();
    }
  });

  it('sends no page once the session is gone (revoked through another process): a plain poke', async () => {
    const { admin, op } = await people(world().server);
    await op.sync();
    const socket = await listen(op.url, op.token);
    try {
      await socket.next(0);
      socket.tell(op.cursor);
      await new Promise((r) => setTimeout(r, 250));
      // As a revocation on another process does: the row goes, this process's socket stays.
      await world().server.storage.query('DELETE FROM sessions WHERE token_hash = $1', [hashToken(op.token)]);
      const version = await pushAndCursor(admin, 'Buca profonda');
      expect(await socket.next(version)).toBe(version);
      expect(socket.pokeOf(version).page).toBeUndefined();
    } finally {
      socket.close();
    }
  });

  it('refuses the socket to an invalid token', async () => {
    const url = world().server.url.replace(/^http/, 'ws');
    const ws = new WebSocket(`${url}/sync/v1/poke?token=sbagliato`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });
});

describe('two server processes on one PostgreSQL', () => {
  const world = useWorld('postgres');

  it('delivers a poke to a replica connected to B after a push to A', async () => {
    const a = world().server;
    const b = await world().secondServer();
    const { admin, names } = await people(a);
    const onB = await TestReplica.login(b.url, names.op);
    const socket = await listen(b.url, onB.token);
    try {
      await socket.next(0);
      await onB.sync();
      socket.tell(onB.cursor);
      // The cursor message and the push travel on two connections: let the first land.
      await new Promise((r) => setTimeout(r, 250));
      const version = await pushAndCursor(admin, 'Segnaletica divelta');
      expect(await socket.next(version)).toBe(version);
      // B heard A's NOTIFY and read the page from the shared database.
      const poke = socket.pokeOf(version);
      expect(poke.from).toBe(onB.cursor);
      expect(poke.page!.cursor).toBeGreaterThanOrEqual(version);
      expect(poke.page!.changes.find((c) => c.table === 'reports')?.row).toMatchObject({
        title: 'Segnaletica divelta',
      });
      // And B serves the change at once.
      await onB.sync();
      expect(onB.cursor).toBeGreaterThanOrEqual(version);
    } finally {
      socket.close();
    }
  });

  it('does not poke, through B, a replica whose own push went to A', async () => {
    const a = world().server;
    const b = await world().secondServer();
    const { admin, names } = await people(a);
    const onB = await TestReplica.login(b.url, names.op);
    // Behind a load balancer the same replica's push may land on the other process.
    const viaA = new TestReplica(a.url, onB.clientId, onB.token, onB.userId);
    const socket = await listen(b.url, onB.token);
    try {
      const start = await socket.next(0);
      const own = await pushAndCursor(viaA, 'Cestino pieno');
      expect(own).toBeGreaterThan(start);
      // B hears A's NOTIFY for that version, and knows whose push it was: no poke…
      const other = await pushAndCursor(admin, 'Lampione spento');
      // …so the first version this socket hears after connecting is someone else's.
      expect(await socket.next(start + 1)).toBe(other);
    } finally {
      socket.close();
    }
  });
});
