/**
 * POST /sync/v1/push: replays a client's outbox in order, exactly once, with the
 * authenticated user as actor. One transaction per batch (see apply.ts for why the
 * writer lock comes first): a batch is all processed or, on a crash, not at all, and the
 * client simply sends it again. The batch reads its rows in a few queries and writes them
 * in one statement (row-source.ts): a round trip per mutation is what made pushes slow.
 */
import type { z } from 'zod';
import type { zMutationOutcome, zPushRequest, zPushResponse } from '../src-shared/sync/protocol';
import type { Session } from './auth';
import { withWriter, type AppliedHook } from './apply';
import { HttpError, MESSAGES } from './errors';
import { isDuplicateMail, replayActor } from './mail-intake/push-policy';
import { loadActor } from './snapshot';
import type { Storage } from './storage/storage';

type Outcome = z.infer<typeof zMutationOutcome>;
const SETTINGS_OF_ACTOR = new Set(['users', 'groups', 'group_members']);

export async function push(
  storage: Storage,
  clock: () => number,
  session: Session,
  req: z.infer<typeof zPushRequest>,
  /** Called inside the transaction for each applied mutation (mail-out/hook.ts). */
  onApplied?: AppliedHook,
): Promise<{ response: z.infer<typeof zPushResponse>; newVersion: number | null }> {
  if (req.clientId !== session.clientId) throw new HttpError(403, 'forbidden', MESSAGES.wrongClient);
  const { value, newVersion } = await withWriter(storage, { clock, pusher: req.clientId }, async (w) => {
    const [client] = await w.tx.query<{ last_seq: number; user_id: string }>(
      'SELECT last_seq, user_id FROM clients WHERE client_id = $1',
      [req.clientId],
    );
    if (!client || client.user_id !== session.userId) {
      throw new HttpError(403, 'forbidden', MESSAGES.wrongClient);
    }
    let lastSeq = client.last_seq;
    let actor = await loadActor(w.tx, session.userId);
    const outcomes: Outcome[] = [];
    const log: unknown[][] = [];
    const previous = await recordedOutcomes(
      w.tx,
      req.clientId,
      req.mutations.filter((m) => m.seq <= lastSeq).map((m) => m.seq),
    );
    // The batch's reads in a few queries; then each mutation runs against memory.
    if (actor?.user.active) await w.prefetch(req.mutations.filter((m) => m.seq > lastSeq));
    for (const m of req.mutations) {
      if (m.seq <= lastSeq) {
        outcomes.push({ seq: m.seq, status: 'duplicate', error: previous.get(m.seq) ?? null });
        continue;
      }
      const ran =
        actor && actor.user.active
          ? await w.mutate(m.name, m.args, replayActor(m.name, actor))
          : {
              status: 'rejected' as const,
              error: { code: 'unauthenticated', message: MESSAGES.disabled },
              changes: [],
            };
      // A message already in (the server's intake or another PC took it): not an error.
      const run = isDuplicateMail(m.name, ran) ? { ...ran, status: 'duplicate' as const, error: null } : ran;
      if (onApplied && run.status === 'applied') {
        const value = 'value' in run ? run.value : undefined;
        await onApplied(w, { name: m.name, value, changes: run.changes });
      }
      outcomes.push({ seq: m.seq, status: run.status, error: run.error });
      log.push([
        m.seq,
        m.mutationId,
        m.name,
        JSON.stringify(m.args ?? null),
        run.status,
        run.error ? JSON.stringify(run.error) : null,
        m.at,
        w.version,
      ]);
      lastSeq = m.seq;
      // An admin who edits users or groups in the batch may change their own groups.
      if (run.changes.some((c) => SETTINGS_OF_ACTOR.has(c.table))) {
        await w.flush();
        actor = await loadActor(w.tx, session.userId);
      }
    }
    if (log.length > 0) {
      const col = (i: number) => log.map((r) => r[i]);
      // Sent with the batch's rows, in the same statement (Writer.flush).
      w.alsoWrite({
        sql: `INSERT INTO mutation_log (client_id, seq, mutation_id, name, args, actor_id, status, error, at, applied_at, version)
         SELECT $1, s, mid, n, a::jsonb, $2, st, e::jsonb, at, $3, v
           FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[])
             AS x(s, mid, n, a, st, e, at, v)`,
        params: [
          req.clientId,
          session.userId,
          clock(),
          col(0),
          col(1),
          col(2),
          col(3),
          col(4),
          col(5),
          col(6),
          col(7),
        ],
      });
      w.alsoWrite({
        sql: 'UPDATE clients SET last_seq = $2 WHERE client_id = $1',
        params: [req.clientId, lastSeq],
      });
    }
    return { lastSeq, outcomes };
  });
  return { response: value, newVersion };
}

async function recordedOutcomes(
  tx: import('./storage/storage').Queryable,
  clientId: string,
  seqs: number[],
): Promise<Map<number, { code: string; message: string } | null>> {
  if (seqs.length === 0) return new Map();
  const rows = await tx.query<{ seq: number; error: { code: string; message: string } | null }>(
    'SELECT seq, error FROM mutation_log WHERE client_id = $1 AND seq = ANY($2::bigint[])',
    [clientId, seqs],
  );
  return new Map(rows.map((r) => [r.seq, r.error]));
}
