/**
 * Attachment bytes between this PC's file store and the server, by SHA-256.
 *
 * Up: before a batch is pushed, the bytes its mutations reference are uploaded (only
 * those the server lacks). A failure throws like any other request of the cycle, so the
 * batch is not pushed and the cycle retries with its backoff: the server never holds an
 * attachments row whose bytes it lacks.
 *
 * Down: pulled attachments rows whose file is not here are fetched in the background, two
 * at a time, retried with backoff; each arrival re-creates the thumbnail (files.put) and
 * announces data.changed for its reports. The queue lives in memory: a restart finds
 * what is still missing with one scan of the attachments table.
 */
import { blobPath, blobsOfArgs, MAX_BLOB_BYTES, zBlobsMissingResponse } from '../../src-shared/sync/blobs';
import { createHash } from 'node:crypto';
import type { RowChange } from '../../src-shared/sync/protocol';
import type { AttachmentStore } from '../core/attachments-store';
import type { Sqlite } from '../db/migrate';
import { postJson, SyncHttpError } from './http';
import type { SyncState } from './sync-repo';

const CONCURRENCY = 2;
const MAX_DELAY_MS = 30_000;
/** A 404 may be a row that left this user's view: give up after a few, re-asked on demand. */
const MAX_NOT_FOUND = 5;

export interface WantedBlob {
  sha256: string;
  mime: string;
  reportId: string;
}

interface Want {
  sha256: string;
  mime: string;
  reportIds: Set<string>;
  failures: number;
  notFound: number;
  notBefore: number;
}

export interface BlobTransferDeps {
  db: Sqlite;
  files: AttachmentStore;
  state: () => SyncState | null;
  onData?: (p: { tables: string[]; reportIds: string[] }) => void;
}

/** Generous for slow town-hall links: 60 s plus 1 s per 256 KB. */
const timeoutFor = (bytes: number) => 60_000 + Math.ceil(bytes / 262_144) * 1000;

async function send(s: SyncState, sha256: string, data: Buffer, mime: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(new URL(blobPath(sha256), s.serverUrl), {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'x-sportello-mime': mime,
        authorization: `Bearer ${s.token}`,
      },
      body: new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength),
      signal: AbortSignal.timeout(timeoutFor(data.length)),
    });
    await res.arrayBuffer();
  } catch (e) {
    throw new SyncHttpError('network', `Server non raggiungibile (${(e as Error).message}).`);
  }
  if (res.ok) return;
  if (res.status === 401) {
    throw new SyncHttpError('unauthenticated', 'Sessione sul server scaduta: accedi di nuovo.', 401);
  }
  throw new SyncHttpError(
    'refused',
    `Il server non ha accettato un allegato (HTTP ${res.status}): nuovo tentativo più tardi.`,
    res.status,
  );
}

async function receive(s: SyncState, sha256: string): Promise<Buffer> {
  let res: Response;
  let body: ArrayBuffer;
  try {
    res = await fetch(new URL(blobPath(sha256), s.serverUrl), {
      headers: { authorization: `Bearer ${s.token}` },
      signal: AbortSignal.timeout(timeoutFor(MAX_BLOB_BYTES)),
    });
    body = await res.arrayBuffer();
  } catch (e) {
    throw new SyncHttpError('network', `Server non raggiungibile (${(e as Error).message}).`);
  }
  if (!res.ok) throw new SyncHttpError('refused', `HTTP ${res.status}`, res.status);
  const data = Buffer.from(body);
  if (createHash('sha256').update(data).digest('hex') !== sha256) {
    throw new SyncHttpError('bad_response', 'Allegato ricevuto danneggiato.');
  }
  return data;
}

export function createBlobTransfer(deps: BlobTransferDeps) {
  const { db, files } = deps;
  const queue = new Map<string, Want>();
  const active = new Map<string, Want>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let scanned = false;

  /** Uploads the bytes these mutations reference that the server does not have yet. */
  async function upload(s: SyncState, mutations: readonly { args: unknown }[]): Promise<void> {
    const wanted = new Map<string, string>();
    for (const m of mutations) for (const b of blobsOfArgs(m.args)) wanted.set(b.sha256, b.mime);
    const hashes = [...wanted.keys()];
    for (let i = 0; i < hashes.length; i += 1000) {
      const { missing } = await postJson(
        s.serverUrl,
        '/sync/v1/blobs/missing',
        { hashes: hashes.slice(i, i + 1000) },
        zBlobsMissingResponse,
        { token: s.token },
      );
      for (const sha256 of missing) {
        if (stopped) return;
        // The file was removed from this PC by hand: nobody can upload it any more, and
        // holding the whole outbox back for it would lose far more than one file.
        if (!files.has(sha256)) {
          console.warn(`[sync] allegato ${sha256} assente su questo computer: non inviato.`);
          continue;
        }
        await send(s, sha256, files.read(sha256), wanted.get(sha256)!);
      }
    }
  }

  function want(w: WantedBlob): void {
    if (stopped) return;
    const cur = queue.get(w.sha256) ?? active.get(w.sha256);
    if (cur) {
      cur.reportIds.add(w.reportId);
      return;
    }
    if (files.has(w.sha256)) return;
    queue.set(w.sha256, {
      sha256: w.sha256,
      mime: w.mime,
      reportIds: new Set([w.reportId]),
      failures: 0,
      notFound: 0,
      notBefore: 0,
    });
  }

  /** Queues the pulled attachments rows whose bytes are not here. */
  function noteChanges(changes: readonly RowChange[]): void {
    for (const c of changes) {
      if (c.table !== 'attachments' || c.op !== 'put' || !c.row) continue;
      const r = c.row as { sha256?: unknown; mime?: unknown; reportId?: unknown };
      if (typeof r.sha256 !== 'string' || typeof r.reportId !== 'string') continue;
      want({ sha256: r.sha256, mime: typeof r.mime === 'string' ? r.mime : '', reportId: r.reportId });
    }
  }

  /** Every attachment of the replica whose file is missing (an interrupted download, a bootstrap). */
  function scan(): void {
    scanned = true;
    const rows = db
      .prepare(
        'SELECT a.sha256, a.mime, r.id AS report_id FROM attachments a JOIN reports r ON r.seq = a.report_seq',
      )
      .all() as { sha256: string; mime: string; report_id: string }[];
    for (const r of rows) want({ sha256: r.sha256, mime: r.mime, reportId: r.report_id });
  }

  function retryLater(w: Want): void {
    w.failures++;
    w.notBefore = Date.now() + Math.min(1000 * 2 ** (w.failures - 1), MAX_DELAY_MS);
    queue.set(w.sha256, w);
  }

  async function download(w: Want): Promise<void> {
    const s = deps.state();
    if (!s?.token) return; // logged out: asked again at the next start or by attachments.get
    try {
      const data = await receive(s, w.sha256);
      if (stopped) return;
      await files.put(data, w.mime);
      deps.onData?.({ tables: ['attachments'], reportIds: [...w.reportIds] });
    } catch (e) {
      if (stopped) return;
      const err = e instanceof SyncHttpError ? e : new SyncHttpError('network', (e as Error).message);
      if (err.status === 401) return;
      if (err.status === 404 && ++w.notFound >= MAX_NOT_FOUND) return;
      retryLater(w);
    }
  }

  function pump(): void {
    if (stopped) return;
    const now = Date.now();
    let next = Infinity;
    for (const w of queue.values()) {
      if (active.size >= CONCURRENCY) break;
      if (w.notBefore > now) {
        next = Math.min(next, w.notBefore);
        continue;
      }
      queue.delete(w.sha256);
      active.set(w.sha256, w);
      void download(w).finally(() => {
        active.delete(w.sha256);
        pump();
      });
    }
    if (timer || active.size >= CONCURRENCY || next === Infinity) return;
    timer = setTimeout(
      () => {
        timer = null;
        pump();
      },
      Math.max(0, next - now),
    );
    timer.unref?.();
  }

  return {
    upload,
    noteChanges,
    /**
     * After a pull: starts the downloads. The first time in this run, and after a
     * bootstrap (whose rows do not pass through noteChanges), scans the whole replica.
     */
    afterPull(bootstrapped: boolean): void {
      if (bootstrapped || !scanned) scan();
      pump();
    },
    /** attachments.get found no file: fetch it now, ahead of any backoff. */
    request(w: WantedBlob): void {
      want(w);
      const q = queue.get(w.sha256);
      if (q) q.notBefore = 0;
      pump();
    },
    pending: () => queue.size + active.size,
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      queue.clear();
    },
  };
}

export type BlobTransfer = ReturnType<typeof createBlobTransfer>;
