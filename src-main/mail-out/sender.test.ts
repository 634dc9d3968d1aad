/**
 * The sender's marks: each row is marked as soon as the server accepted it (a window
 * of one message), committed to the WAL where another connection sees it, and the
 * connection's synchronous=FULL is left as it was.
 */
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
let other: Sqlite | undefined;
let smtp: SmtpSink;
afterEach(async () => {
  other?.close();
  db?.close();
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sender marks', () => {
  it('marks each accepted message at once, visibly to another connection, keeping synchronous=FULL', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sportello-sender-'));
    const file = join(dir, 'sportello.db');
    db = openDatabase(file);
    migrateDatabase(db);
    other = openDatabase(file);
    smtp = await startSmtpSink();
    for (let i = 0; i < 2; i++)
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
    // The second message's answer is held until the first one's row reads `sent` from
    // the other connection: marks do not wait for the rest of the batch.
    let seenByOther = -1;
    smtp.beforeAnswer = async (n) => {
      if (n !== 2) return;
      const end = Date.now() + 5_000;
      while (Date.now() < end) {
        seenByOther = countByStatus(other!).sent;
        if (seenByOther === 1) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const sender = createMailSender({
      db,
      clock: Date.now,
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
    await sender.poke();
    await sender.stop();
    expect(seenByOther).toBe(1);
    expect(countByStatus(other)).toEqual({ queued: 0, sending: 0, sent: 2, failed: 0 });
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
