/**
 * Mailboxes on a synced PC: the server pulls them, so the PC's mailbox calls go to the
 * server (the password sealed there, never returned) and the PC never pulls, even with a
 * mailbox left in its own settings. Real server (PGlite), real Dovecot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type SyncServer } from '../../src-server/app';
import { replicaPool, TEST_PASSWORD } from '../sync/testing/replicas';
import { saveMailbox } from './mailboxes-repo';
import { createMailService } from './service';
import { startDovecot, type Dovecot } from './testing/dovecot';
import { plainMessage } from './testing/messages';

let server: SyncServer;
let serverDir: string;
let dovecot: Dovecot;
const pool = replicaPool(() => server.port);

beforeAll(async () => {
  dovecot = await startDovecot({ urp: 'password-urp' });
  serverDir = mkdtempSync(join(tmpdir(), 'sportello-server-mbox-'));
  // The server's own intake off: this file is about what the PC does.
  server = await createServer({ dataDir: serverDir, mailIntake: { disabled: true } });
  await server.addUser({
    username: 'admin',
    fullName: 'Ada',
    role: 'amministratore',
    password: TEST_PASSWORD,
  });
  await server.addUser({ username: 'olga', fullName: 'Olga', role: 'operatore', password: TEST_PASSWORD });
}, 30_000);
afterAll(async () => {
  await pool.cleanup();
  await server.close();
  rmSync(serverDir, { recursive: true, force: true });
  dovecot?.stop();
});

const settings = {
  name: 'URP',
  host: '127.0.0.1',
  security: 'none',
  username: 'urp',
  folder: 'INBOX',
  processedFolder: 'Acquisiti',
  pollSeconds: 30,
};

describe('mailboxes on a synced PC', () => {
  it('are saved and listed on the server, the password sealed there and never returned; not by an operator', async () => {
    const admin = await pool.replica('admin');
    const { id } = await admin.ok<{ id: string }>('mailboxes.save', {
      ...settings,
      port: dovecot.port,
      password: 'password-urp',
    });
    const [row] = await server.storage.query<{ password_sealed: string; username: string }>(
      'SELECT password_sealed, username FROM mail_mailboxes WHERE id = $1',
      [id],
    );
    expect(row!.username).toBe('urp');
    expect(row!.password_sealed).not.toContain('password-urp');
    // Nothing kept on the PC.
    expect(admin.core.services.db.prepare('SELECT count(*) AS n FROM mail_mailboxes').get()).toEqual({
      n: 0,
    });
    const listed = await admin.ok<unknown[]>('mailboxes.list', {});
    expect(listed).toEqual([expect.objectContaining({ id, name: 'URP', hasPassword: true })]);
    expect(JSON.stringify(listed)).not.toContain('password-urp');
    // The stored password serves the server's connection test.
    const tested = await admin.ok<{ ok: boolean }>('mailboxes.test', { ...settings, port: dovecot.port, id });
    expect(tested.ok).toBe(true);

    const olga = await pool.replica('olga');
    const refused = await olga.call('mailboxes.list', {});
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('forbidden');
  });

  it('a synced PC does not pull a mailbox left in its own settings', async () => {
    const admin = await pool.replica('admin');
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: 'urp', pass: 'password-urp' },
      logger: false,
    });
    await c.connect();
    await c.append('INBOX', plainMessage({ messageId: '<non-per-il-pc@example.it>' }));
    const mail = createMailService({ services: admin.core.services, dataDir: admin.dir, log: () => {} });
    const row = {
      id: 'locale',
      ...settings,
      kind: 'ordinary' as const,
      security: 'none' as const,
      port: dovecot.port,
      passwordSealed: mail.cipher().encrypt('password-urp'),
      processedFlag: '$SportelloAcquisito',
      useIdle: false,
      reviewInbox: false,
      enabled: true,
      updatedAt: Date.now(),
    };
    saveMailbox(admin.core.services.db, row);
    await mail.start();
    await mail.restart(row);
    expect(mail.running()).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    const inbox = await c.status('INBOX', { messages: true });
    expect(inbox && inbox.messages).toBe(1);
    expect(admin.core.services.db.prepare('SELECT count(*) AS n FROM reports').get()).toEqual({ n: 0 });
    await mail.stop();
    await c.logout();
  });
});
