/**
 * POST /sync/v1/push: replays a client's outbox in order, exactly once, with the
 * authenticated user as actor.
 *
 * What needs no database state is done before the writers' lock (arguments checked, reads
 * declared, the log's JSON). Pushes that arrive while this process is writing wait and then
 * go together, in arrival order, in one writer transaction (push-queue.ts): one statement
 * reads everything they need (Writer.open), one writes it all (Writer.flush). Each push is
 * replayed exactly as if it had its own transaction after the previous one: same overlay of
 * rows, its own client's last seq, its own actor (read again when an earlier push of the
 * group edited users or groups). A batch is all processed or, on a crash, not at all, and
 * the client simply sends it again.
 */
import type { z } from 'zod';
import type { zMutationOutcome, zPushRequest, zPushResponse } from '../src-shared/sync/protocol';
import type { Session } from './auth';
import {
  batchPreload,
  parseMutation,
  unionReads,
  withWriter,
  type AppliedHook,
  type ParsedMutation,
  type Writer,
} from './apply';
import { HttpError, MESSAGES } from './errors';
import { isDuplicateMail, replayActor } from './mail-intake/push-policy';
import { submitGrouped, type QueuedJob } from './push-queue';
import { jsonArray } from './row-source';
import { loadActor } from './snapshot';
import type { Queryable, Storage } from './storage/storage';

type Outcome = z.infer<typeof zMutationOutcome>;
type PushResponse = z.infer<typeof zPushResponse>;
const SETTINGS_OF_ACTOR = new Set(['users', 'groups', 'group_members']);
type Job = QueuedJob<PreparedPush, { response: PushResponse; newVersion: number | null }>;

/** A push checked and prepared outside the lock. */
interface PreparedPush {
  size: number;
  groupKey: readonly unknown[];
  clock: () => number;
  onApplied: AppliedHook | undefined;
  session: Session;
  req: z.infer<typeof zPushRequest>;
  parsed: ParsedMutation[];
  argsJson: string[];
}

export async function push(
  storage: Storage,
  clock: () => number,
  session: Session,
  req: z.infer<typeof zPushRequest>,
  /** Called inside the transaction for each applied mutation (mail-out/hook.ts). */
  onApplied?: AppliedHook,
): Promise<{ response: PushResponse; newVersion: number | null }> {
  if (req.clientId !== session.clientId) throw new HttpError(403, 'forbidden', MESSAGES.wrongClient);
  const prepared: PreparedPush = {
    size: req.mutations.length,
    groupKey: [clock, onApplied],
    clock,
    onApplied,
    session,
    req,
    parsed: req.mutations.map((m) => parseMutation(m.name, m.args)),
    argsJson: req.mutations.map((m) => JSON.stringify(m.args ?? null)),
  };
  return submitGrouped(storage, prepared, (jobs: Job[]) => replayGroup(storage, jobs));
}

/**
 * One writer transaction for several pushes, in order. A push refused as a whole (a client
 * id that is not the session's) fails alone, before it writes anything; any other error
 * fails the transaction, and every push of it is sent again by its client.
 */
async function replayGroup(storage: Storage, jobs: Job[]): Promise<void> {
  const pushes = jobs.map((j) => j.input);
  const { clock, onApplied } = pushes[0]!;
  const reads = unionReads(pushes.flatMap((p) => p.parsed.flatMap((m) => (m.ok ? [m.reads] : []))));
  const clientIds = [...new Set(pushes.map((p) => p.req.clientId))];
  const done: { job: Job; response: PushResponse }[] = [];
  let result;
  try {
    result = await withWriter(
      storage,
      { clock, pusher: clientIds },
      async (w) => {
        const group = new GroupState(w, clock);
        for (const job of jobs) {
          const response = await replayOne(w, group, job.input, onApplied);
          if (response instanceof HttpError) job.reject(response);
          else done.push({ job, response });
        }
        group.writeLog();
      },
      {
        clientIds,
        actorIds: [...new Set(pushes.map((p) => p.session.userId))],
        preload: batchPreload(reads),
      },
    );
  } catch (err) {
    for (const d of done) d.job.reject(err);
    throw err;
  }
  for (const d of done) d.job.resolve({ response: d.response, newVersion: result.newVersion });
}

/** What the pushes of one transaction share: each client's last seq, the log to write. */
class GroupState {
  readonly lastSeq = new Map<string, number>();
  /** Outcomes of this transaction not yet in mutation_log, by client and seq. */
  readonly logged = new Map<string, { code: string; message: string } | null>();
  /** An earlier push edited users or groups: later actors are read again. */
  settingsChanged = false;
  private readonly log: unknown[][] = [];

  constructor(
    private readonly w: Writer,
    private readonly clock: () => number,
  ) {}

  addLog(row: unknown[]): void {
    this.log.push(row);
  }

  /** The mutation log and the clients' last seqs, sent with the rows (Writer.flush). */
  writeLog(): void {
    if (this.log.length === 0) return;
    const col = (i: number) => this.log.map((r) => r[i]);
    this.w.alsoWrite({
      sql: `INSERT INTO mutation_log (client_id, seq, mutation_id, name, args, actor_id, status, error, at, applied_at, version)
       SELECT c, s, mid, n, a, act, st, e::jsonb, at, $1, v
         FROM ROWS FROM (unnest($2::text[]), unnest($3::bigint[]), unnest($4::text[]), unnest($5::text[]),
                         jsonb_array_elements($6::jsonb), unnest($7::text[]), unnest($8::text[]),
                         unnest($9::text[]), unnest($10::bigint[]), unnest($11::bigint[]))
           AS x(c, s, mid, n, a, act, st, e, at, v)`,
      // The arguments' JSON as one JSON array (row-source.ts jsonArray).
      params: [
        this.clock(),
        ...Array.from({ length: 10 }, (_, i) => (i === 4 ? jsonArray(col(i) as string[]) : col(i))),
      ],
    });
    this.w.alsoWrite({
      sql: `UPDATE clients SET last_seq = x.s
              FROM unnest($1::text[], $2::bigint[]) AS x(c, s) WHERE client_id = x.c`,
      params: [[...this.lastSeq.keys()], [...this.lastSeq.values()]],
    });
  }
}

/** One push of the group; an HttpError when it is refused as a whole. */
async function replayOne(
  w: Writer,
  group: GroupState,
  p: PreparedPush,
  onApplied: AppliedHook | undefined,
): Promise<PushResponse | HttpError> {
  const { req, session } = p;
  const client = w.opened.clients.get(req.clientId);
  if (!client || client.userId !== session.userId) {
    return new HttpError(403, 'forbidden', MESSAGES.wrongClient);
  }
  let lastSeq = group.lastSeq.get(req.clientId) ?? client.lastSeq;
  let actor = w.opened.actors.get(session.userId) ?? null;
  if (group.settingsChanged) {
    await w.flush();
    actor = await loadActor(w.tx, session.userId);
  }
  const outcomes: Outcome[] = [];
  const previous = await recordedOutcomes(
    w.tx,
    group,
    req.clientId,
    req.mutations.filter((m) => m.seq <= lastSeq).map((m) => m.seq),
  );
  // Reads the open statement did not cover (mentions, emails…), in a few queries.
  if (actor?.user.active) {
    await w.prefetch(unionReads(p.parsed.flatMap((m) => (m.ok ? [m.reads] : []))));
  }
  for (let i = 0; i < req.mutations.length; i++) {
    const m = req.mutations[i]!;
    if (m.seq <= lastSeq) {
      outcomes.push({ seq: m.seq, status: 'duplicate', error: previous.get(m.seq) ?? null });
      continue;
    }
    const ran =
      actor && actor.user.active
        ? await w.run(p.parsed[i]!, replayActor(m.name, actor))
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
    group.logged.set(`${req.clientId}\u0000${m.seq}`, run.error);
    group.addLog([
      req.clientId,
      m.seq,
      m.mutationId,
      m.name,
      p.argsJson[i],
      session.userId,
      run.status,
      run.error ? JSON.stringify(run.error) : null,
      m.at,
      w.version,
    ]);
    lastSeq = m.seq;
    // An admin who edits users or groups may change their own groups, or anyone's.
    if (run.changes.some((c) => SETTINGS_OF_ACTOR.has(c.table))) {
      group.settingsChanged = true;
      await w.flush();
      actor = await loadActor(w.tx, session.userId);
    }
  }
  group.lastSeq.set(req.clientId, lastSeq);
  return { lastSeq, outcomes };
}

async function recordedOutcomes(
  tx: Queryable,
  group: GroupState,
  clientId: string,
  seqs: number[],
): Promise<Map<number, { code: string; message: string } | null>> {
  const out = new Map<number, { code: string; message: string } | null>();
  const ask: number[] = [];
  for (const s of seqs) {
    const k = `${clientId}\u0000${s}`;
    if (group.logged.has(k)) out.set(s, group.logged.get(k)!);
    else ask.push(s);
  }
  if (ask.length === 0) return out;
  const rows = await tx.query<{ seq: number; error: { code: string; message: string } | null }>(
    'SELECT seq, error FROM mutation_log WHERE client_id = $1 AND seq = ANY($2::bigint[])',
    [clientId, ask],
  );
  for (const r of rows) out.set(r.seq, r.error);
  return out;
}
