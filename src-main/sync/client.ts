/**
 * The PC's sync client: pushes the outbox in order, pulls what changed since its
 * cursor, rebases pending work on top, listens for pokes. It never loses a mutation:
 * an outbox row leaves only when a complete pull shows the server has processed it.
 */
import { MAIL_INTAKE_ACTOR } from '../../src-shared/domain/mutations/mail';
import WebSocket from 'ws';
import type { z } from 'zod';
import { createUuidV7, formatProvisionalCode } from '../../src-shared/domain';
import {
  PROTOCOL_VERSION,
  WIRE_SCHEMA_VERSION,
  SYNC_TABLES,
  zHelloResponse,
  zLoginResponse,
  zPullResponse,
  zPoke,
  zPushResponse,
  type RowChange,
  type zPokeCursor,
} from '../../src-shared/sync/protocol';
import type { AttachmentStore } from '../core/attachments-store';
import type { Store } from '../core/store';
import type { Sqlite } from '../db/migrate';
import { stmt } from '../db/repos/stmt';
import { downloadBootstrap, finishBootstrap } from './bootstrap';
import { downloadSnapshot } from './snapshot-download';
import { noteRejections } from './describe';
import { jsonOrNull, postJson, SyncHttpError } from './http';
import { createBlobTransfer, type WantedBlob } from './blob-transfer';
import { createRebaser, withoutFsync } from './rebase';
import {
  countPending,
  getSyncState,
  initSyncState,
  pendingOutbox,
  updateSyncState,
  type SyncState,
} from './sync-repo';
import { wipeReplica } from './wipe';

/** Pulled rows gathered before one rebase (see pull). */
const PULL_HOLD_ROWS = 50_000;

/** Schema version of this replica's wire rows; the server may require a minimum. */
export const CLIENT_SCHEMA_VERSION = WIRE_SCHEMA_VERSION;

export type SyncPhase =
  'standalone' | 'online' | 'offline' | 'syncing' | 'bootstrapping' | 'unauthenticated' | 'update_required';

export interface SyncStatus {
  phase: SyncPhase;
  serverUrl: string | null;
  pending: number;
  lastSyncAt: number | null;
  message: string | null;
  /** Bootstrap progress: rows received and the server's estimate of the total. */
  progress: { rows: number; total: number | null } | null;
  notices: number;
}

export interface SyncClientDeps {
  db: Sqlite;
  store: Store;
  clock: () => number;
  appVersion: string;
  onStatus?: (s: SyncStatus) => void;
  onData?: (p: { tables: string[]; reportIds: string[] }) => void;
  /** This PC's attachment files: with it, attachment bytes sync too (blob-transfer.ts). */
  files?: AttachmentStore;
  /** Runs `fn` with the core's connection alone on the database file (snapshot-restore.ts). */
  alone?: <T>(fn: () => T) => Promise<T>;
  /** Batch sizes (tests use small ones to exercise paging). */
  pushBatch?: number;
  pullLimit?: number;
}

export function createSyncClient(deps: SyncClientDeps) {
  const { db, store, clock } = deps;
  const rebaser = createRebaser(db, store, clock);
  const newId = createUuidV7(clock);
  const blobs = deps.files
    ? createBlobTransfer({ db, files: deps.files, state: () => getSyncState(db), onData: deps.onData })
    : null;
  let phase: SyncPhase = getSyncState(db) ? 'offline' : 'standalone';
  let message: string | null = null;
  let progress: SyncStatus['progress'] = null;
  let running: Promise<void> | null = null;
  let again = false;
  let pushSoon: ReturnType<typeof setImmediate> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryDelay = 1000;
  let ws: WebSocket | null = null;
  let wsRetry: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let helloOk = false;

  const state = () => getSyncState(db);

  function status(): SyncStatus {
    const s = state();
    return {
      phase,
      serverUrl: s?.serverUrl ?? null,
      pending: s ? countPending(db, s.ackedSeq) : 0,
      lastSyncAt: s?.lastSyncAt ?? null,
      message,
      progress,
      notices: (
        stmt(db, 'SELECT count(*) AS n FROM sync_notices WHERE acknowledged_at IS NULL').get() as {
          n: number;
        }
      ).n,
    };
  }
  const publish = () => deps.onStatus?.(status());

  function setPhase(p: SyncPhase, msg: string | null = null) {
    phase = p;
    message = msg;
    publish();
  }

  async function hello(s: SyncState) {
    if (helloOk) return;
    const h = await postJson(
      s.serverUrl,
      '/sync/v1/hello',
      {
        protocolVersion: PROTOCOL_VERSION,
        schemaVersion: CLIENT_SCHEMA_VERSION,
        appVersion: deps.appVersion,
      },
      zHelloResponse,
      { timeoutMs: 10_000 },
    );
    if (!h.ok) {
      throw new SyncHttpError(
        'refused',
        h.message ?? 'Questa versione di Sportello è troppo vecchia per il server: aggiornala.',
        426,
      );
    }
    helloOk = true;
  }

  /** Sends the outbox in order. Stops at a mutation of another user: it waits for that user's session. */
  async function push(s: SyncState) {
    const batchSize = deps.pushBatch ?? 500;
    let after = s.ackedSeq;
    for (;;) {
      const batch = pendingOutbox(db, after, batchSize);
      const mine = [];
      for (const m of batch) {
        // The mail intake's mutations go with any session: the server replays them as the
        // intake (src-server/mail-intake/push-policy.ts).
        if (m.actorId !== s.tokenUserId && m.actorId !== MAIL_INTAKE_ACTOR.id) break;
        mine.push(m);
      }
      if (mine.length === 0) return;
      // The bytes first: a mutation never reaches the server before the files it references.
      await blobs?.upload(s, mine);
      if (stopped) return;
      const res = await postJson(
        s.serverUrl,
        '/sync/v1/push',
        {
          clientId: s.clientId,
          mutations: mine.map((m) => ({
            seq: m.seq,
            mutationId: m.mutationId,
            name: m.name,
            args: m.args,
            at: m.at,
          })),
        },
        zPushResponse,
        { token: s.token },
      );
      if (stopped) return;
      noteRejections(db, s.clientId, mine, res.outcomes, clock());
      after = mine[mine.length - 1]!.seq;
      if (mine.length < batch.length || batch.length < batchSize) return;
    }
  }

  /**
   * A new replica takes the server's snapshot file when there is one for it
   * (snapshot-download.ts), else the streamed rows (bootstrap.ts); returns the rows received.
   */
  async function streamBootstrap(s: SyncState): Promise<number> {
    const onProgress = (rows: number, total: number | null) => {
      progress = { rows, total };
      publish();
    };
    if (s.cursor === 0) {
      const snap = await downloadSnapshot({ db, alone: deps.alone, isStopped: () => stopped, onProgress }, s);
      if (snap.kind === 'stopped') return 0;
      if (snap.kind === 'done') {
        deps.onData?.({ tables: [...SYNC_TABLES], reportIds: [] });
        return snap.rows;
      }
    }
    let out = await downloadBootstrap({ db, clock, isStopped: () => stopped, onProgress }, s);
    if (out.kind === 'reset')
      out = await downloadBootstrap({ db, clock, isStopped: () => stopped, onProgress }, s);
    if (out.rows > 0) deps.onData?.({ tables: [...SYNC_TABLES], reportIds: [] });
    return out.rows;
  }

  async function pull(s: SyncState) {
    let cursor = s.cursor;
    let rows = 0;
    const bootstrapping = cursor === 0 || s.bootstrapping;
    if (bootstrapping) {
      progress = { rows: 0, total: null };
      setPhase('bootstrapping');
      // The bulk of a first download comes as one stream; pages below finish the job.
      if (countPending(db, s.ackedSeq) === 0) {
        const r = await streamBootstrap(s);
        if (stopped) return;
        cursor = state()!.cursor;
        rows = r;
      }
    }
    // Pages are gathered and rebased together: each rebase undoes and replays every
    // pending mutation, so after a big offline push, rebasing page by page replayed the
    // whole outbox once per page. A bounded buffer keeps a huge pull's memory in check.
    const held = new Map<string, RowChange>();
    for (;;) {
      const page = await postJson(
        s.serverUrl,
        '/sync/v1/pull',
        { clientId: s.clientId, cursor, limit: deps.pullLimit ?? 10_000 },
        zPullResponse,
        { token: s.token, timeoutMs: 120_000 },
      );
      if (stopped) return;
      if (page.reset) {
        held.clear();
        db.transaction(() => {
          wipeReplica(db);
          updateSyncState(db, { cursor: 0, bootstrapping: true });
        })();
        cursor = 0;
        continue;
      }
      // Later pages hold later versions: a row's last change wins.
      for (const c of page.changes as RowChange[]) {
        const k = `${c.table}\u0000${c.key}`;
        held.delete(k);
        held.set(k, c);
      }
      cursor = page.cursor;
      rows += page.changes.length;
      if (page.more && held.size < PULL_HOLD_ROWS && !bootstrapping) continue;
      const changes = [...held.values()];
      held.clear();
      const acked = state()!.ackedSeq;
      const result = rebaser.apply({ ...page, changes }, acked);
      blobs?.noteChanges(changes);
      if (progress) {
        progress = { rows, total: page.totalEstimate ?? null };
        publish();
      }
      if (result.tables.length || result.reportIds.length)
        deps.onData?.({ tables: result.tables, reportIds: result.reportIds });
      if (!page.more) break;
    }
    if (bootstrapping) {
      finishBootstrap(db);
      updateSyncState(db, { bootstrapping: false });
    }
    progress = null;
  }

  async function cycle() {
    const s = state();
    if (!s) return;
    if (!s.token) {
      setPhase('unauthenticated', 'Accedi per sincronizzare con il server.');
      return;
    }
    setPhase(s.cursor === 0 ? 'bootstrapping' : 'syncing');
    try {
      await hello(s);
      await push(s);
      if (stopped) return;
      const bootstrapped = s.cursor === 0 || s.bootstrapping;
      await pull(state()!);
      if (stopped) return;
      blobs?.afterPull(bootstrapped);
      // Pulling may have confirmed work; anything queued meanwhile goes now.
      const after = state()!;
      if (countPending(db, after.ackedSeq) > 0) await push(after);
      // Informative only: no reason to wait for the disk after every poke.
      withoutFsync(db, () => updateSyncState(db, { lastSyncAt: clock(), lastError: null }));
      retryDelay = 1000;
      setPhase('online');
      ensurePokeSocket();
      tellCursor();
    } catch (e) {
      // Closing the PC while a request was in flight: the database is gone, the outbox
      // row is still there for next time. Nothing to report.
      if (stopped) return;
      const err = e instanceof SyncHttpError ? e : new SyncHttpError('network', (e as Error).message);
      updateSyncState(db, { lastError: err.message });
      if (err.kind === 'unauthenticated') setPhase('unauthenticated', err.message);
      else if (err.status === 426) setPhase('update_required', err.message);
      else {
        setPhase('offline', err.message);
        scheduleRetry();
      }
    }
  }

  function scheduleRetry() {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void syncNow();
    }, retryDelay);
    retryTimer.unref?.();
    retryDelay = Math.min(retryDelay * 2, 30_000);
  }

  /** Runs a sync cycle; calls while one runs coalesce into one more cycle. */
  function syncNow(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await cycle();
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  /** Tells the server where this replica's rows are: its next pokes carry the page from there. */
  function tellCursor() {
    const s = state();
    if (!s || s.bootstrapping || ws?.readyState !== WebSocket.OPEN) return;
    const msg: z.infer<typeof zPokeCursor> = { type: 'cursor', cursor: s.cursor };
    ws.send(JSON.stringify(msg));
  }

  /**
   * A poke with the page this replica's pull would have answered: applied at once when it
   * starts where the replica is, online, with nothing of its own to push and no cycle
   * running (which pulls, or already did). False: the poke just means "pull now".
   */
  function applyPoked(from: number, page: z.infer<typeof zPullResponse>): boolean {
    if (running || stopped || phase !== 'online' || page.more || page.reset) return false;
    const s = state();
    if (!s?.token || s.bootstrapping || s.cursor !== from || countPending(db, s.ackedSeq) > 0) return false;
    try {
      const result = rebaser.apply(page, s.ackedSeq);
      if (result.tables.length || result.reportIds.length)
        deps.onData?.({ tables: result.tables, reportIds: result.reportIds });
      blobs?.noteChanges(page.changes);
      blobs?.afterPull(false);
      withoutFsync(db, () => updateSyncState(db, { lastSyncAt: clock() }));
    } catch {
      return false;
    }
    publish();
    tellCursor();
    return true;
  }

  function ensurePokeSocket() {
    const s = state();
    if (stopped || !s?.token || ws) return;
    const url = new URL('/sync/v1/poke', s.serverUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', s.token);
    const sock = new WebSocket(url);
    ws = sock;
    sock.on('open', tellCursor);
    sock.on('message', (data) => {
      const parsed = zPoke.safeParse(jsonOrNull(String(data)));
      const poke = parsed.success ? parsed.data : null;
      if (poke?.page && poke.from !== undefined && applyPoked(poke.from, poke.page)) return;
      void syncNow();
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (ws === sock) ws = null;
      if (stopped) return;
      wsRetry = setTimeout(() => {
        wsRetry = null;
        // Reconnecting means we may have missed pokes: pull once.
        void syncNow();
      }, 2000);
      wsRetry.unref?.();
    });
  }

  return {
    status,
    syncNow,
    /**
     * After a local mutation: push at once. Edits made in the same tick go together, and
     * edits made while a cycle runs go with its next round (syncNow's `again`): bursts
     * coalesce without a timer, which cost every change 15 ms on its way to other PCs.
     */
    notifyLocalChange() {
      if (!state() || pushSoon) return;
      publish();
      pushSoon = setImmediate(() => {
        pushSoon = null;
        void syncNow();
      });
      pushSoon.unref?.();
    },
    isSynced: () => state() !== null,

    /** An attachment whose file is not on this PC yet: download it now (no-op standalone). */
    fetchAttachment(w: WantedBlob): boolean {
      if (!blobs || !state()) return false;
      blobs.request(w);
      return true;
    },

    /** A provisional code while the server has not assigned the final one. */
    provisionalCode(year: number): string {
      const s = state();
      if (!s?.replicaTag) throw new Error('Replica senza sigla: accedi al server almeno una volta.');
      const key = `prov:${year}`;
      const cur = stmt(db, 'SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
      const next = (cur ? Number(cur.value) : 0) + 1;
      stmt(db, 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, String(next));
      return formatProvisionalCode(year, s.replicaTag, next);
    },

    /** Logs in against the server; on success the token drives this PC's sync. */
    async serverLogin(serverUrl: string, username: string, password: string) {
      const clientId = state()?.clientId ?? newId();
      const s0 = state();
      const h = await postJson(
        serverUrl,
        '/sync/v1/hello',
        {
          protocolVersion: PROTOCOL_VERSION,
          schemaVersion: CLIENT_SCHEMA_VERSION,
          appVersion: deps.appVersion,
        },
        zHelloResponse,
        { timeoutMs: 10_000 },
      );
      if (!h.ok)
        throw new SyncHttpError('refused', h.message ?? 'Versione non compatibile con il server.', 426);
      const res = await postJson(
        serverUrl,
        '/sync/v1/login',
        { username, password, clientId },
        zLoginResponse,
        {
          timeoutMs: 15_000,
        },
      );
      db.transaction(() => {
        if (!s0) initSyncState(db, serverUrl, clientId);
        updateSyncState(db, {
          token: res.token,
          tokenUserId: res.userId,
          replicaTag: res.replicaTag,
          serverUrl,
        });
      })();
      helloOk = true;
      if (ws) {
        ws.close();
        ws = null;
      }
      return res;
    },

    stop() {
      stopped = true;
      blobs?.stop();
      if (pushSoon) clearImmediate(pushSoon);
      for (const t of [retryTimer, wsRetry]) if (t) clearTimeout(t);
      ws?.close();
      ws = null;
    },
  };
}

export type SyncClient = ReturnType<typeof createSyncClient>;
