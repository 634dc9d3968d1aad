/**
 * Mailboxes on a PC connected to a sync server: the server pulls them
 * (src-server/mail-intake) and owns their settings. The calls that read or change them
 * are forwarded to POST /mail-in/v1/call with the PC's session, so the password typed by
 * an administrator goes to the server once, over the authenticated connection, is sealed
 * there with the server's key and never comes back. A standalone PC keeps its own
 * handlers (and its own intake).
 */
import { z } from 'zod';
import { mailCalls } from '../../src-shared/api/calls-mail';
import { DomainError } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import { postJson, SyncHttpError } from '../sync/http';
import { getSyncState } from '../sync/sync-repo';
import type { Handler, PartialHandlers } from './handler-types';

const REMOTE = ['mailboxes.list', 'mailboxes.save', 'mailboxes.test'] as const;
type RemoteCall = (typeof REMOTE)[number];

const CODES: Record<number, 'forbidden' | 'not_found' | 'conflict' | 'validation'> = {
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  400: 'validation',
};

export async function remoteMailboxCall<N extends RemoteCall>(
  db: Sqlite,
  name: N,
  input: unknown,
): Promise<z.output<(typeof mailCalls)[N]['output']>> {
  const s = getSyncState(db);
  if (!s?.token) throw new DomainError('unauthenticated', 'Nessuna sessione sul server: accedi di nuovo.');
  try {
    const r = await postJson(
      s.serverUrl,
      '/mail-in/v1/call',
      { name, input },
      z.object({ ok: z.literal(true), value: mailCalls[name].output }),
      { token: s.token, timeoutMs: 30_000 },
    );
    return r.value as z.output<(typeof mailCalls)[N]['output']>;
  } catch (e) {
    if (!(e instanceof SyncHttpError)) throw e;
    if (e.kind === 'network')
      throw new DomainError(
        'unavailable',
        `Le caselle di posta sono gestite dal server di sincronizzazione, che ora non è raggiungibile: riprova quando sei in linea. (${e.message})`,
      );
    if (e.kind === 'unauthenticated') throw new DomainError('unauthenticated', e.message);
    throw new DomainError((e.status && CODES[e.status]) || 'validation', e.message);
  }
}

/** The local mailbox handlers on a standalone PC, the server's once this PC syncs. */
export function mailboxesRemoteWhenSynced<H extends PartialHandlers<RemoteCall>>(local: H): H {
  const out = { ...local } as Record<string, unknown>;
  for (const name of REMOTE) {
    const own = local[name] as Handler<typeof name>;
    out[name] = ((ctx, input) =>
      getSyncState(ctx.db) ? remoteMailboxCall(ctx.db, name, input) : own(ctx, input as never)) as Handler<
      typeof name
    >;
  }
  return out as H;
}
