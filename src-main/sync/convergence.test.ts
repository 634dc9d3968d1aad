/**
 * Convergence and faults: three replicas work on the same reports, some offline, in a
 * random (seeded) order; the network drops mid-push and mid-pull; a PC is closed with
 * work not yet pushed; the server restarts. In the end every replica equals a fresh
 * replica bootstrapped from the server, and nothing was lost or applied twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDetail, SyncStatusView } from '../../src-shared/api';
import { createServer, type SyncServer } from '../../src-server/app';
import { createRng } from '../core/demo/prng';
import { createCore, type CoreInternals } from '../core/create-core';
import { dumpReplica, ftsIds } from './testing/dump';
import { startProxy, type Proxy } from './testing/proxy';

const PASSWORD = 'password-di-prova';
const USERS = ['lucia.verdi', 'mario.rossi', 'anna.neri'] as const;
let server: SyncServer;
let serverDir: string;
let serverPort: number;
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  serverDir = mkdtempSync(join(tmpdir(), 'sportello-server-'));
  server = await createServer({ dataDir: serverDir });
  serverPort = server.port;
  await server.addUser({
    username: 'admin',
    fullName: 'Amministratore',
    role: 'amministratore',
    password: PASSWORD,
  });
  for (const u of USERS) {
    await server.addUser({
      username: u,
      fullName: u,
      role: 'operatore',
      password: PASSWORD,
      permissions: { canReply: true, majorEdits: true, seesReporterData: true },
    });
  }
});
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await server.close();
  rmSync(serverDir, { recursive: true, force: true });
});

interface Replica {
  name: string;
  core: CoreInternals;
  dir: string;
  proxy: Proxy;
  session: string;
  call(
    name: string,
    input: unknown,
  ): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
  ok<T = unknown>(name: string, input: unknown): Promise<T>;
}

async function startReplica(username: string): Promise<Replica> {
  const dir = mkdtempSync(join(tmpdir(), `sportello-${username}-`));
  const proxy = await startProxy({ host: '127.0.0.1', port: serverPort });
  const core = await createCore({ dataDir: dir });
  const r = await core.call('sync.connect', { serverUrl: proxy.url, username, password: PASSWORD }, null);
  if (!r.ok) throw new Error(r.error.message);
  const rep = wrap(username, core, dir, proxy, (r.value as { token: string }).token);
  cleanup.push(async () => {
    rep.core.close();
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return rep;
}

function wrap(name: string, core: CoreInternals, dir: string, proxy: Proxy, session: string): Replica {
  const rep: Replica = {
    name,
    core,
    dir,
    proxy,
    session,
    call: (n, input) => rep.core.call(n, input, rep.session),
    async ok<T>(n: string, input: unknown) {
      const res = await rep.core.call(n, input, rep.session);
      if (!res.ok) throw new Error(`${name} ${n}: ${res.error.message}`);
      return res.value as T;
    },
  };
  return rep;
}

/** Closes the PC (as if killed after its last local commit) and starts it again. */
async function restart(rep: Replica): Promise<void> {
  rep.core.close();
  rep.core = await createCore({ dataDir: rep.dir });
  const r = await rep.core.call('auth.login', { username: rep.name, password: PASSWORD }, null);
  if (!r.ok) throw new Error(r.error.message);
  rep.session = (r.value as { token: string }).token;
}

async function settle(reps: Replica[]) {
  for (let round = 0; round < 3; round++) {
    for (const r of reps) await r.ok<SyncStatusView>('sync.now', {});
  }
}

describe('convergence', () => {
  it('three replicas, concurrent and offline edits in random order, faults: all end equal to the server', async () => {
    const reps = [];
    for (const u of USERS) reps.push(await startReplica(u));
    const [a, b, c] = reps as [Replica, Replica, Replica];
    const dir = await a.ok<{ outcomes: { id: string; label: string }[]; users: { id: string }[] }>(
      'directory.get',
      {},
    );
    const outcome = dir.outcomes.find((o) => o.label === 'Positivo')!.id;
    const userIds = dir.users.map((u) => u.id);

    // Shared starting point: six reports everybody has.
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(
        (
          await a.ok<{ id: string }>('reports.create', {
            fields: { title: `Segnalazione condivisa ${i}`, channel: 'web', categoryId: null },
          })
        ).id,
      );
    }
    await settle(reps);

    const rng = createRng(Number(process.env.SPORTELLO_TEST_SEED ?? 20_261_127));
    const rnd = () => rng.next();
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    let notes = 0;
    let created = 0;
    let offlineWrites = 0;
    const down = new Set<Replica>();
    for (let step = 0; step < 120; step++) {
      const r = pick(reps);
      const roll = rnd();
      // Links go up and down; sometimes a request is cut half-way.
      if (roll < 0.08) {
        r.proxy.down();
        down.add(r);
        continue;
      }
      if (roll < 0.16) {
        r.proxy.up();
        down.delete(r);
        continue;
      }
      if (roll < 0.2) {
        r.proxy.cutAfter(200 + Math.floor(rnd() * 2000));
      }
      const id = pick(ids);
      const op = rnd();
      let res;
      if (op < 0.3) {
        res = await r.call('reports.addNote', { id, text: `Nota ${step} di ${r.name} sopralluogo` });
        if (res.ok) notes++;
      } else if (op < 0.42) res = await r.call('reports.takeInCharge', { id });
      else if (op < 0.52)
        res = await r.call('reports.close', {
          id,
          outcomeId: outcome,
          closingNote: `Chiusa al passo ${step}`,
        });
      else if (op < 0.6) res = await r.call('reports.reopen', { id, reason: null });
      else if (op < 0.7)
        res = await r.call('reports.assign', { id, kind: 'user', assigneeId: pick(userIds) });
      else if (op < 0.82)
        res = await r.call('reports.update', {
          id,
          patch: { priority: pick(['bassa', 'normale', 'alta', 'urgente']) },
        });
      else if (op < 0.9) {
        res = await r.call('reports.create', {
          fields: { title: `Nuova dal passo ${step}`, channel: 'telefono', categoryId: null },
        });
        if (res.ok) {
          ids.push((res.value as { id: string }).id);
          created++;
        }
      } else {
        res = await r.call('sync.now', {});
      }
      if (res.ok && down.has(r)) offlineWrites++;
      // A refusal here is a local business rule (already closed…), never an error.
      if (!res.ok) expect(['invalid_transition', 'conflict', 'not_found']).toContain(res.error!.code);
      if (step === 60) await restart(b); // killed with whatever it had not pushed
      if (step % 10 === 0) await new Promise((res2) => setTimeout(res2, 5));
    }

    // The run really exercised offline work.
    expect(offlineWrites).toBeGreaterThan(10);
    expect(notes).toBeGreaterThan(15);

    // The server restarts in the middle of things.
    await server.close();
    server = await createServer({ dataDir: serverDir, port: serverPort });

    for (const r of reps) r.proxy.up();
    await restart(c);
    await settle(reps);

    // Every replica holds the same data as a brand-new replica bootstrapped now.
    const fresh = await startReplica('admin');
    const truth = dumpReplica(fresh.core.services.db);
    expect(truth.reports!.length).toBe(6 + created);
    for (const r of reps) {
      const mine = dumpReplica(r.core.services.db);
      for (const t of Object.keys(truth)) expect(mine[t], `${r.name}: ${t}`).toEqual(truth[t]);
      expect(ftsIds(r.core.services.db, 'sopralluogo')).toEqual(
        ftsIds(fresh.core.services.db, 'sopralluogo'),
      );
      expect((await r.ok<SyncStatusView>('sync.status', {})).pending).toBe(0);
    }
    // Exactly once: every note typed is on the server once, whatever the faults.
    const noteCount = truth.log_entries!.filter((l) => (l as { kind: string }).kind === 'note').length;
    expect(noteCount).toBe(notes);
    // Codes are unique and final everywhere.
    const codes = truth.reports!.map((x) => (x as { code: string }).code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((x) => /^\d{4}-\d{6}$/.test(x))).toBe(true);
    const detail = await fresh.ok<ReportDetail>('reports.get', { id: ids[0]! });
    expect(detail.log[0]!.action).toBe('created');
  }, 180_000);
});
