/** The sender's group-committed marks: pending until their interval, written at once by a clean stop. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type Sqlite } from '../db/migrate';
import { countByStatus, queueEmail } from './outbox-repo';
import { createMailSender } from './sender';
import { startSmtpSink, type SmtpSink } from './testing/smtp-sink';

let dir: string;
let db: Sqlite;
let smtp: SmtpSink;
afterEach(async () => {
  db?.close();
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sender marks', () => {
  it('accepted messages wait for the group commit; a clean stop writes them, so nothing goes twice', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sportello-sender-'));
    db = openDatabase(join(dir, 'sportello.db'));
    migrateDatabase(db);
    smtp = await startSmtpSink();
    for (let i = 0; i < 3; i++)
      queueEmail(
        db,
        {
          id: `0190000${i}-0000-7000-8000-000000000000`,
          reportId: null,
          kind: 'receipt',
          to: `c${i}@example.it`,
          subject: 'Ricevuta',
          text: 'Città\n',
          html: null,
          messageId: `<m${i}@sportello>`,
          headers: {},
          attachments: [],
        },
        1,
      );
    const sender = createMailSender({
      db,
      clock: Date.now,
      markEveryMs: 60_000,
      account: () => ({
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        username: '',
        password: '',
        fromAddress: 'a@example.it',
        fromName: 'Comune',
        replyTo: null,
      }),
      readAttachment: () => Buffer.alloc(0),
    });
    void sender.poke();
    const end = Date.now() + 10_000;
    while (smtp.received.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(smtp.received).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 300));
    // Accepted by the server, not yet marked: the marks wait for the interval.
    expect(countByStatus(db)).toMatchObject({ sending: 3, sent: 0 });
    await sender.stop();
    expect(countByStatus(db)).toEqual({ queued: 0, sending: 0, sent: 3, failed: 0 });
  });
});
