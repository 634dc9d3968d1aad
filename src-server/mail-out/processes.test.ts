/**
 * Exactly once across server processes, and the one crash window. Several server
 * processes on one PostgreSQL each run a sender loop: claims with FOR UPDATE SKIP LOCKED
 * give every email to one of them. A server process killed (SIGKILL) after the SMTP
 * server accepted a message and before the row was marked sent: once the claim is stale
 * another process sends that one message again (same Message-ID), nothing else twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../src-main/mail-out/testing/smtp-sink';
import { replicaPool } from '../../src-main/sync/testing/replicas';
import { createServer, type ServerOptions, type SyncServer } from '../app';
import { postgresCluster, STORAGES, useWorld } from '../testing/world';
import {
  addStaff,
  copies,
  newReport,
  reporter,
  SECRET_KEY,
  smtpSettings,
  toOf,
  until,
} from './testing/mail-world';

const CLI = fileURLToPath(new URL('../../bin/sportello.mjs', import.meta.url));

describe('two server processes on one PostgreSQL', { timeout: 120_000 }, () => {
  const world = useWorld('postgres', { secretKey: SECRET_KEY, mail: { pollMs: 50 } });
  const pool = replicaPool(() => world().server.port);
  let second: SyncServer | null = null;
  const pool2 = replicaPool(() => second!.port);
  afterEach(async () => {
    await pool.cleanup();
    await pool2.cleanup();
  });

  it('each email goes out once, whichever process applied the mutation and whichever sends', async () => {
    await addStaff(world().server);
    second = await world().secondServer();
    const smtp = await startSmtpSink();
    try {
      const admin = await pool.replica('admin');
      await admin.ok('mailout.smtp.save', smtpSettings(smtp.port));
      const a = await pool.replica('lucia.verdi');
      const b = await pool2.replica('mario.rossi');
      const n = 20;
      for (let i = 0; i < n; i++) {
        await newReport(a, `Buca ${i}`, [reporter('Anna', `A${i}`, `a${i}@example.it`)]);
        await newReport(b, `Rifiuti ${i}`, [reporter('Bruno', `B${i}`, `b${i}@example.it`)]);
        if (i % 5 === 4) {
          await Promise.all([a.sync(), b.sync()]);
          // Both loops woken at once, racing for the same rows.
          await Promise.all([world().server.mail.poke(), second.mail.poke(), world().server.mail.poke()]);
        }
      }
      await until(
        () => smtp.received.length,
        (x) => x >= 2 * n,
      );
      await new Promise((r) => setTimeout(r, 500));
      await Promise.all([world().server.mail.poke(), second.mail.poke()]);
      expect(smtp.received).toHaveLength(2 * n);
      expect([...copies(smtp.received).values()].every((x) => x === 1)).toBe(true);
      expect(new Set(smtp.received.map(toOf)).size).toBe(2 * n);
      const [row] = await world().server.storage.query<{ sent: string; other: string }>(
        `SELECT count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status <> 'sent') AS other
           FROM mail_outbox`,
      );
      expect(Number(row!.sent)).toBe(2 * n);
      expect(Number(row!.other)).toBe(0);
    } finally {
      await smtp.close();
    }
  });
});

/** `sportello server` in its own process, killed by the test at the worst moment. */
async function startChild(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'server', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SPORTELLO_SECRET_KEY: SECRET_KEY },
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      if (/pronto: /.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited at start (${code})`)));
  });
  return child;
}

describe.each(STORAGES)('crash between SMTP accept and mark (%s)', { timeout: 120_000 }, (kind) => {
  const dirs: string[] = [];
  const servers: SyncServer[] = [];
  const pool = replicaPool(() => servers[0]!.port);
  afterEach(async () => {
    await pool.cleanup();
    for (const s of servers.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  if (kind === 'postgres') postgresCluster();

  it('at most that one message goes twice, with the same Message-ID; the others once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sportello-mail-crash-'));
    dirs.push(dataDir);
    const where: ServerOptions =
      kind === 'postgres' ? { databaseUrl: await (await postgresCluster()).createDatabase() } : { dataDir };
    const smtp = await startSmtpSink();
    try {
      // A process that sends nothing takes the PCs' pushes; PGlite allows one process at a time.
      const front = await createServer({ ...where, secretKey: SECRET_KEY, mail: { paused: true } });
      servers.push(front);
      await addStaff(front);
      const admin = await pool.replica('admin');
      await admin.ok('mailout.smtp.save', smtpSettings(smtp.port));
      const r = await newReport(admin, 'Albero caduto', [
        reporter('Carla', 'Giusti', 'carla.giusti@example.it'),
      ]);
      await admin.sync();
      if (kind === 'pglite') await servers.pop()!.close();

      // The sending process: killed once the SMTP server has the message, before it answers.
      const child = await startChild(
        kind === 'postgres' ? ['--database-url', where.databaseUrl!] : ['--data-dir', dataDir],
      );
      smtp.beforeAnswer = async (n) => {
        if (n !== 1) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      };
      await until(() => child.exitCode !== null || child.signalCode !== null, Boolean);
      smtp.beforeAnswer = null;
      expect(smtp.received).toHaveLength(1);

      // Another process (or the same one restarted) finds the stale claim and sends again.
      const next = await createServer({
        ...where,
        secretKey: SECRET_KEY,
        mail: { staleMs: 300, pollMs: 50 },
      });
      servers.push(next);
      const [stuck] = await next.storage.query<{ status: string }>(`SELECT status FROM mail_outbox`);
      expect(stuck?.status).toBe('sending');
      await until(
        () =>
          next.storage.query<{ status: string; attempts: number }>(
            `SELECT status, attempts FROM mail_outbox`,
          ),
        (rows) => rows.length === 1 && rows[0]!.status === 'sent',
      );
      expect(smtp.received).toHaveLength(2);
      expect(smtp.received[0]!.messageId).toBe(smtp.received[1]!.messageId);
      expect(smtp.received.map(toOf)).toEqual(['carla.giusti@example.it', 'carla.giusti@example.it']);
      expect(smtp.received[1]!.subject).toContain('Abbiamo ricevuto la sua segnalazione');

      // Afterwards everything is once again exactly once.
      if (kind === 'pglite') {
        // The PCs now talk to the restarted process.
        servers.unshift(servers.pop()!);
      }
      void r;
      const admin2 = kind === 'pglite' ? await pool.replica('admin') : admin;
      await newReport(admin2, 'Panchina rotta', [reporter('Dario', 'Fo', 'dario.fo@example.it')]);
      await admin2.sync();
      await until(
        () => smtp.received.length,
        (x) => x >= 3,
      );
      await new Promise((res) => setTimeout(res, 400));
      expect(smtp.received).toHaveLength(3);
      expect(toOf(smtp.received[2]!)).toBe('dario.fo@example.it');
    } finally {
      await smtp.close();
    }
  });
});
