/** Shared pieces of the server mail-out tests: users, SMTP settings, waiting, counting. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import type { SyncServer } from '../../app';
import type { Replica } from '../../../src-main/sync/testing/replicas';
import { TEST_PASSWORD } from '../../../src-main/sync/testing/replicas';

export const SECRET_KEY = randomBytes(32).toString('base64');

export async function addStaff(server: SyncServer): Promise<void> {
  await server.addUser({
    username: 'admin',
    fullName: 'Amministratore',
    role: 'amministratore',
    password: TEST_PASSWORD,
  });
  for (const [username, fullName] of [
    ['lucia.verdi', 'Lucia Verdi'],
    ['mario.rossi', 'Mario Rossi'],
  ] as const) {
    await server.addUser({
      username,
      fullName,
      role: 'operatore',
      password: TEST_PASSWORD,
      permissions: { canReply: true, majorEdits: true, seesReporterData: true },
    });
  }
}

export const smtpSettings = (port: number) => ({
  host: '127.0.0.1',
  port,
  security: 'none',
  fromAddress: 'protocollo@comune.santagata.it',
  fromName: 'Comune di Sant’Agata',
  replyTo: 'urp@comune.santagata.it',
});

export const reporter = (nome: string, cognome: string, email: string | null) => ({
  reporterId: randomUUID(),
  newReporter: { nome, cognome, email },
});

export const newReport = (r: Replica, title: string, reporters: ReturnType<typeof reporter>[]) =>
  r.ok<{ id: string; code: string }>('reports.create', {
    fields: {
      title,
      description: 'Segnalata allo sportello',
      channel: 'telefono',
      categoryId: null,
      address: 'Via Roma 1',
    },
    reporters,
  });

export async function until<T>(what: () => Promise<T> | T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condizione non raggiunta: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

export const toOf = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '';

/** How many times each Message-ID arrived. */
export function copies(received: ParsedMail[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of received) m.set(x.messageId ?? '', (m.get(x.messageId ?? '') ?? 0) + 1);
  return m;
}
