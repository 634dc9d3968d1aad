/** Mailbox settings through the API, against a real Dovecot. */
import { ImapFlow } from 'imapflow';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { freePort, startDovecot, type Dovecot } from './testing/dovecot';
import { plainMessage } from './testing/messages';

let dovecot: Dovecot;
let w: TestWorld;
let f: Fixture;
beforeAll(async () => {
  dovecot = await startDovecot({ urp: 'segreto-urp-1', pec: 'segreto-pec-1' });
}, 30_000);
afterAll(() => dovecot?.stop());
beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
});
afterEach(() => w.cleanup());

const form = (over: Record<string, unknown> = {}) => ({
  name: 'URP',
  host: dovecot.host,
  port: dovecot.port,
  security: 'none',
  username: 'urp',
  password: 'segreto-urp-1',
  processedFolder: 'Acquisiti',
  pollSeconds: 30,
  enabled: false,
  ...over,
});

describe('mailboxes (administrators)', () => {
  it('saves a mailbox with its password encrypted and never returns it', async () => {
    const { id } = await w.ok<{ id: string }>('mailboxes.save', form(), f.admin);
    const list = await w.ok<Record<string, unknown>[]>('mailboxes.list', {}, f.admin);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id,
      name: 'URP',
      hasPassword: true,
      security: 'none',
      processedFolder: 'Acquisiti',
    });
    expect(JSON.stringify(list)).not.toContain('segreto');
    const sealed = (
      w.core.services.db.prepare('SELECT password_sealed AS p FROM mail_mailboxes').get() as { p: string }
    ).p;
    expect(sealed).not.toContain('segreto');
    expect(statSync(join(w.dir, 'secrets.key')).mode & 0o777).toBe(0o600);
    // Saving again without a password keeps the stored one.
    await w.ok('mailboxes.save', { ...form({ name: 'URP centrale' }), id, password: undefined }, f.admin);
    expect(
      (await w.ok<{ ok: boolean }>('mailboxes.test', { ...form(), id, password: undefined }, f.admin)).ok,
    ).toBe(true);
  });

  it('is for administrators only', async () => {
    const r = await w.core.call('mailboxes.list', {}, f.clerk);
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('"Prova connessione" explains a wrong password, a closed port and a missing folder in Italian', async () => {
    expect(await w.ok('mailboxes.test', form(), f.admin)).toMatchObject({ ok: true, messages: 0 });
    expect(await w.ok('mailboxes.test', form({ password: 'sbagliata' }), f.admin)).toMatchObject({
      ok: false,
      message: 'Nome utente o password errati: il server ha rifiutato l’accesso.',
    });
    const closed = await freePort();
    const r = await w.ok<{ ok: boolean; message: string }>('mailboxes.test', form({ port: closed }), f.admin);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/rifiuta la connessione/);
    const tls = await w.ok<{ ok: boolean; message: string }>(
      'mailboxes.test',
      form({ security: 'tls' }),
      f.admin,
    );
    expect(tls.ok).toBe(false);
    expect(tls.message).toMatch(/Connessione protetta non riuscita|chiuso la connessione|non risponde/);
    expect(await w.ok('mailboxes.test', form({ folder: 'Inesistente' }), f.admin)).toMatchObject({
      ok: false,
      message: 'La cartella «Inesistente» non esiste in questa casella.',
    });
  });

  it('an enabled mailbox starts pulling mail into reports as soon as it is saved', async () => {
    const c = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: 'pec', pass: 'segreto-pec-1' },
      logger: false,
    });
    await c.connect();
    await c.append(
      'INBOX',
      plainMessage({ messageId: '<svc@example.it>', subject: 'Dalla casella configurata' }),
    );
    await c.logout();
    await w.ok(
      'mailboxes.save',
      form({ username: 'pec', password: 'segreto-pec-1', enabled: true }),
      f.admin,
    );
    const until = Date.now() + 15_000;
    const titles = () =>
      (w.core.services.db.prepare('SELECT title FROM reports').all() as { title: string }[]).map(
        (r) => r.title,
      );
    while (!titles().includes('Dalla casella configurata')) {
      if (Date.now() > until) throw new Error('the mailbox was not pulled');
      await new Promise((r) => setTimeout(r, 100));
    }
    await w.ok(
      'mailboxes.save',
      {
        ...form({ username: 'pec', enabled: false }),
        id: (await w.ok<{ id: string }[]>('mailboxes.list', {}, f.admin))[0]!.id,
        password: undefined,
      },
      f.admin,
    );
  });
});
