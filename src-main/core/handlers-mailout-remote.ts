/**
 * Mail-out on a PC connected to a sync server: the server is the municipality's one
 * sending node and owns the outbox and the mail settings (src-server/mail-out). The
 * calls that read or change them are forwarded to POST /mail/v1/call with the PC's
 * session, so the SMTP password typed by an administrator goes straight to the server
 * (over the sync connection) and is never stored on a PC. A standalone PC keeps its own
 * handlers.
 */
import { z } from 'zod';
import { mailOutCalls, serverMailCalls } from '../../src-shared/api/calls-mailout';
import { DomainError } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import { postJson, SyncHttpError } from '../sync/http';
import { getSyncState } from '../sync/sync-repo';
import type { Handler, PartialHandlers } from './handler-types';

const REMOTE = [
  'mailout.smtp.get',
  'mailout.smtp.save',
  'mailout.test',
  'mailout.rules.get',
  'mailout.rules.save',
  'mailout.templates.list',
  'mailout.templates.save',
  'mailout.forReport',
  'mailout.retry',
] as const;
type RemoteCall = (typeof REMOTE)[number];

const CODES: Record<number, 'forbidden' | 'not_found' | 'conflict' | 'validation'> = {
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  400: 'validation',
};

/** One call on the server, its answer checked against the same contract as a local one. */
export async function remoteMailCall<N extends RemoteCall>(
  db: Sqlite,
  name: N,
  input: unknown,
): Promise<z.output<(typeof mailOutCalls)[N]['output']>> {
  return callServer(db, name, input, mailOutCalls[name].output) as Promise<
    z.output<(typeof mailOutCalls)[N]['output']>
  >;
}

/** The server's SMTP refusals of these addresses (delivery trouble on a synced PC). */
export async function serverRefusals(db: Sqlite, emails: string[]) {
  if (emails.length === 0) return [];
  const call = serverMailCalls['mailout.refusedTo'];
  return callServer(db, 'mailout.refusedTo', call.input.parse({ emails }), call.output);
}

async function callServer<T extends z.ZodType>(
  db: Sqlite,
  name: string,
  input: unknown,
  output: T,
): Promise<z.output<T>> {
  const s = getSyncState(db);
  if (!s?.token) throw new DomainError('unauthenticated', 'Nessuna sessione sul server: accedi di nuovo.');
  try {
    const r = await postJson(
      s.serverUrl,
      '/mail/v1/call',
      { name, input },
      z.object({ ok: z.literal(true), value: output }),
      { token: s.token, timeoutMs: 20_000 },
    );
    return (r as { value: z.output<T> }).value;
  } catch (e) {
    if (!(e instanceof SyncHttpError)) throw e;
    if (e.kind === 'network')
      throw new DomainError(
        'unavailable',
        `Le email sono gestite dal server di sincronizzazione, che ora non è raggiungibile: riprova quando sei in linea. (${e.message})`,
      );
    if (e.kind === 'unauthenticated') throw new DomainError('unauthenticated', e.message);
    throw new DomainError((e.status && CODES[e.status]) || 'validation', e.message);
  }
}

/** The local handlers on a standalone PC, the server's once this PC syncs. */
export function remoteWhenSynced<H extends PartialHandlers<RemoteCall>>(local: H): H {
  const out = { ...local } as Record<string, unknown>;
  for (const name of REMOTE) {
    const own = local[name] as Handler<typeof name>;
    out[name] = ((ctx, input) =>
      getSyncState(ctx.db) ? remoteMailCall(ctx.db, name, input) : own(ctx, input as never)) as Handler<
      typeof name
    >;
  }
  return out as H;
}
