/**
 * Shared scaffolding of the mail tests on a real core: a test world with its fixture and
 * a real SMTP server on loopback, the municipality's SMTP account, receipts off, and a
 * wait for a condition that the sender reaches in the background.
 */
import { buildFixture, type Fixture } from '../../testing/fixtures';
import { createTestWorld, type TestWorld } from '../../testing/test-core';
import { startSmtpSink, type SmtpSink } from './smtp-sink';

export type MailWorld = { w: TestWorld; f: Fixture; smtp: SmtpSink };

export async function startMailWorld(): Promise<MailWorld> {
  const w = await createTestWorld();
  const f = await buildFixture(w);
  const smtp = await startSmtpSink();
  return { w, f, smtp };
}

export async function stopMailWorld({ w, smtp }: MailWorld): Promise<void> {
  w.cleanup();
  await smtp.close();
}

/** The municipality's SMTP account, pointed at the loopback SMTP server. */
export async function saveSmtpAccount({ w, f, smtp }: MailWorld): Promise<void> {
  await w.ok(
    'mailout.smtp.save',
    {
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      fromAddress: 'protocollo@comune.example.it',
      fromName: 'Comune di Sant’Agata',
      replyTo: 'urp@comune.example.it',
    },
    f.admin,
  );
}

/** Receipts off: the only emails are the ones under test. */
export async function turnOffReceipts({ w, f }: MailWorld): Promise<void> {
  await w.ok(
    'mailout.rules.save',
    { rules: [{ kind: 'receipt', categoryId: null, enabled: false }] },
    f.admin,
  );
}

/** Polls `what` until `ok` holds; fails with the last value after `ms`. */
export async function until<T>(what: () => T | Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condizione non raggiunta: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
