/**
 * Calls forwarded from a synced PC to the sync server (POST <path> with the PC's session),
 * shared by the mailboxes (handlers-mail-remote.ts) and mail-out (handlers-mailout-remote.ts):
 * the answer is checked against the call's own contract and the server's refusals become
 * the same DomainErrors a local handler throws.
 */
import { z } from 'zod';
import type { CallName } from '../../src-shared/api';
import { DomainError } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import { postJson, SyncHttpError } from '../sync/http';
import { getSyncState } from '../sync/sync-repo';
import type { Handler, PartialHandlers } from './handler-types';

const CODES: Record<number, 'forbidden' | 'not_found' | 'conflict' | 'validation'> = {
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  400: 'validation',
};

export interface ServerCallTarget {
  /** e.g. '/mail/v1/call'. */
  path: string;
  timeoutMs: number;
  /** Start of the Italian message when the server is not reachable, e.g. 'Le email sono gestite'. */
  unreachable: string;
}

export async function callServer<T extends z.ZodType>(
  db: Sqlite,
  target: ServerCallTarget,
  name: string,
  input: unknown,
  output: T,
): Promise<z.output<T>> {
  const s = getSyncState(db);
  if (!s?.token) throw new DomainError('unauthenticated', 'Nessuna sessione sul server: accedi di nuovo.');
  try {
    const r = await postJson(
      s.serverUrl,
      target.path,
      { name, input },
      z.object({ ok: z.literal(true), value: output }),
      { token: s.token, timeoutMs: target.timeoutMs },
    );
    return (r as { value: z.output<T> }).value;
  } catch (e) {
    if (!(e instanceof SyncHttpError)) throw e;
    if (e.kind === 'network')
      throw new DomainError(
        'unavailable',
        `${target.unreachable} dal server di sincronizzazione, che ora non è raggiungibile: riprova quando sei in linea. (${e.message})`,
      );
    if (e.kind === 'unauthenticated') throw new DomainError('unauthenticated', e.message);
    throw new DomainError((e.status && CODES[e.status]) || 'validation', e.message);
  }
}

/** The local handlers of `names` on a standalone PC, `remote` once this PC syncs. */
export function whenSynced<K extends CallName, H extends PartialHandlers<K>>(
  local: H,
  names: readonly K[],
  remote: (db: Sqlite, name: K, input: unknown) => Promise<unknown>,
): H {
  const out = { ...local } as Record<string, unknown>;
  for (const name of names) {
    const own = local[name] as Handler<K>;
    out[name] = ((ctx, input) =>
      getSyncState(ctx.db) ? remote(ctx.db, name, input) : own(ctx, input as never)) as Handler<K>;
  }
  return out as H;
}
