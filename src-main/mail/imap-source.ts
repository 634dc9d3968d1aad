/**
 * Pulls one IMAP folder into the intake, exactly once.
 *
 * - imapflow does not reconnect by itself: every poll opens its own connection and the
 *   runner retries a failed poll with exponential backoff.
 * - No IMAP command runs inside a fetch iterator: UIDs are collected by a SEARCH first,
 *   then fetched in chunks through imapflow's iterator (one message in memory at a
 *   time), committed as reports in groups (one SQLite transaction per group), and only
 *   THEN, after the iterator, moved (or flagged) with one command per few chunks
 *   (markGroup) and the folder's last UID saved. A crash anywhere in between
 *   re-fetches the messages next time, and their deterministic ids make them duplicates.
 * - UIDVALIDITY is kept per folder: when it changes the folder is read again from UID
 *   1, deduplicated by Message-ID.
 */
import { ImapFlow } from 'imapflow';
import type { Sqlite } from '../db/migrate';
import type { IngestResult, MailSource, PreparedMail, StagedMail } from './intake-prepare';
import { mailboxIdentity } from './identity';
import { waitForMail, type IdleOutcome } from './imap-idle';
import { folderState, saveFolderState, type FolderState } from './mail-repo';

export type ImapSecurity = 'tls' | 'starttls' | 'none';

export interface ImapMailboxConfig {
  id: string;
  host: string;
  port: number;
  security: ImapSecurity;
  username: string;
  password: string;
  folder: string;
  /** Move handled mail here; null: add processedFlag instead. */
  processedFolder: string | null;
  processedFlag: string;
  /** New reports wait in the review inbox ("Da revisionare"). */
  review?: boolean;
}

export interface PollSummary {
  fetched: number;
  results: IngestResult[];
  failed: number;
  resynced: boolean;
}

export interface ImapSourceDeps {
  /** The PC's SQLite: folder positions in mail_folder_state (unless `folders` is given). */
  db?: Sqlite;
  /** Where the folder positions live elsewhere (the sync server's tables). */
  folders?: FolderStore;
  intake: MailSink;
  clock: () => number;
  /** Test hook: runs after a message's report is committed, before it is moved. */
  afterCommit?: (uid: number, result: IngestResult) => void | Promise<void>;
  onError?: (err: unknown) => void;
  connectTimeoutMs?: number;
  /** UIDs per FETCH (default 25): the move and the saved position follow each chunk. imapflow
   * reads the whole answer off the socket even while we are busy: the chunk bounds memory
   * (10,000 messages with 1 MB attachments peaked at 315 MB with 100, 240 MB with 25). */
  chunkSize?: number;
  /** Messages per SQLite transaction (default 25: one per chunk, one fsync per 25 messages). */
  commitGroup?: number;
  /**
   * Committed messages moved (or flagged) by one command, and the folder's position saved
   * after it (default 250, ten chunks). A MOVE costs Dovecot a fixed ~5-20 ms (its index,
   * fsyncs) plus little per message: one per chunk of 25 was a quarter of the intake's time.
   * Committed messages wait in the folder meanwhile; a crash re-fetches them as duplicates.
   */
  markGroup?: number;
}

/**
 * What the IMAP source hands messages to: the PC's intake (intake.ts, SQLite) or the sync
 * server's (src-server/mail-intake/sink.ts). Every committed result is durable before the
 * source moves or flags the message.
 */
export interface MailSink {
  prepare(raw: Buffer, source: MailSource, pending: ReadonlySet<string>): Promise<PreparedMail>;
  /** Like prepare, but hands the message back while its files are still being written. */
  stage?(raw: Buffer, source: MailSource, pending: ReadonlySet<string>): Promise<StagedMail>;
  commitAll(ps: PreparedMail[]): (IngestResult | Error)[] | Promise<(IngestResult | Error)[]>;
}

/** The folder's UIDVALIDITY and last UID read, wherever they are kept. */
export interface FolderStore {
  get(mailboxId: string, folder: string): FolderState | null | Promise<FolderState | null>;
  save(mailboxId: string, folder: string, s: FolderState, at: number): void | Promise<void>;
}

/**
 * Bytes of staged messages whose files may still be on their way to the disk. A message
 * that would take the bytes in flight past this waits for them before it is parsed: the
 * small ones after a large message (most mail) are parsed while its files are written,
 * the next large one waits, so at most one large message's buffers are alive at a time
 * (with 8 MB in flight an intake of 10,000 messages peaked ~25 MB higher). Waiting right
 * after each large message instead kept the parser idle ~0.5 ms per message on average.
 */
const MAX_STAGED_BYTES = 3 * 2 ** 20;

const sqliteFolders = (db: Sqlite): FolderStore => ({
  get: (mailboxId, folder) => folderState(db, mailboxId, folder),
  save: (mailboxId, folder, s, at) => saveFolderState(db, mailboxId, folder, s, at),
});

export function imapClient(
  cfg: Pick<ImapMailboxConfig, 'host' | 'port' | 'security' | 'username' | 'password'>,
  timeoutMs = 15_000,
  extra: { disableAutoIdle?: boolean } = {},
) {
  return new ImapFlow({
    ...extra,
    host: cfg.host,
    port: cfg.port,
    secure: cfg.security === 'tls',
    doSTARTTLS: cfg.security === 'starttls' ? true : cfg.security === 'none' ? false : undefined,
    auth: { user: cfg.username, pass: cfg.password },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: 5 * 60_000,
  });
}

export function createImapSource(cfg: ImapMailboxConfig, deps: ImapSourceDeps) {
  const { intake, clock } = deps;
  const identity = mailboxIdentity(cfg);
  const folders = deps.folders ?? sqliteFolders(deps.db!);
  const chunk = deps.chunkSize ?? 25;
  /** UIDNEXT when the last poll looked: IDLE compares against it. */
  let seenUidNext: number | null = null;
  const group = deps.commitGroup ?? 25;
  const markGroup = deps.markGroup ?? 250;

  const stage =
    intake.stage?.bind(intake) ??
    (async (raw: Buffer, source: MailSource, pending: ReadonlySet<string>): Promise<StagedMail> => {
      const p = await intake.prepare(raw, source, pending);
      return {
        creates: p.step.type === 'create' ? p.step.reportId : null,
        bytes: 0,
        ready: Promise.resolve(p),
      };
    });

  /**
   * One FETCH over the chunk's UIDs, read with imapflow's iterator (one message in
   * memory at a time; no IMAP command may run inside it). Each message is parsed and its
   * files start on their way to the disk as it arrives; a group is committed (one SQLite
   * transaction) once all of its files are stored.
   */
  async function fetchAndCommit(client: ImapFlow, uids: number[], summary: PollSummary) {
    const committed: number[] = [];
    const failed: number[] = [];
    let fetched = 0;
    let pending: { uid: number; s: StagedMail }[] = [];
    let stagedBytes = 0;
    const fail = (uid: number, e: unknown) => {
      // Not the message's fault (e.g. a full disk): it stays in place for the next poll.
      deps.onError?.(e);
      summary.failed++;
      failed.push(uid);
    };
    const flush = async () => {
      const staged = pending;
      pending = [];
      stagedBytes = 0;
      const stored = await Promise.allSettled(staged.map((x) => x.s.ready));
      const batch: { uid: number; p: PreparedMail }[] = [];
      stored.forEach((r, k) => {
        if (r.status === 'fulfilled') batch.push({ uid: staged[k]!.uid, p: r.value });
        else fail(staged[k]!.uid, r.reason);
      });
      if (batch.length === 0) return;
      const out = await intake.commitAll(batch.map((x) => x.p));
      for (let k = 0; k < batch.length; k++) {
        const r = out[k]!;
        const uid = batch[k]!.uid;
        if (r instanceof Error) {
          fail(uid, r);
          continue;
        }
        summary.results.push(r);
        committed.push(uid);
        await deps.afterCommit?.(uid, r);
      }
    };
    for await (const msg of client.fetch(uids.join(','), { uid: true, source: true }, { uid: true })) {
      if (!msg.source) continue;
      fetched++;
      summary.fetched++;
      if (stagedBytes > 0 && stagedBytes + msg.source.length > MAX_STAGED_BYTES) {
        await Promise.allSettled(pending.map((x) => x.s.ready));
        stagedBytes = 0;
      }
      try {
        const creating = new Set(pending.flatMap((x) => (x.s.creates ? [x.s.creates] : [])));
        const s = await stage(msg.source, { mailboxId: cfg.id, identity, review: cfg.review }, creating);
        // If the connection dies before the group is committed, these promises are dropped
        // (the messages come again next poll): a failed write must not end the process.
        s.ready.catch(() => undefined);
        pending.push({ uid: msg.uid, s });
        stagedBytes += s.bytes;
      } catch (e) {
        fail(msg.uid, e);
      }
      if (pending.length >= group) await flush();
    }
    if (pending.length > 0) await flush();
    committed.sort((a, b) => a - b);
    return { committed, failed, fetched };
  }

  async function pollOnce(): Promise<PollSummary> {
    const client = imapClient(cfg, deps.connectTimeoutMs);
    // A dropped socket surfaces as an 'error' event too: without a listener it would crash the process.
    client.on('error', (e: unknown) => deps.onError?.(e));
    await client.connect();
    const summary: PollSummary = { fetched: 0, results: [], failed: 0, resynced: false };
    let summaryUidNext: number | null = null;
    try {
      if (cfg.processedFolder) {
        try {
          await client.mailboxCreate(cfg.processedFolder);
        } catch {
          // Already there.
        }
      }
      const lock = await client.getMailboxLock(cfg.folder);
      try {
        const box = client.mailbox;
        if (!box) throw new Error(`Cartella ${cfg.folder} non disponibile`);
        const uidValidity = String(box.uidValidity);
        summaryUidNext = box.uidNext;
        const saved = await folders.get(cfg.id, cfg.folder);
        let lastUid = saved?.lastUid ?? 0;
        if (saved && saved.uidValidity !== uidValidity) {
          // The server renumbered the folder: read it all again; Message-IDs deduplicate.
          lastUid = 0;
          summary.resynced = true;
        }
        await folders.save(cfg.id, cfg.folder, { uidValidity, lastUid }, clock());
        const query = cfg.processedFolder
          ? { uid: `${lastUid + 1}:*` }
          : { uid: `${lastUid + 1}:*`, unKeyword: cfg.processedFlag };
        const found = await client.search(query, { uid: true });
        const uids = (found || []).filter((u) => u > lastUid).sort((a, b) => a - b);
        let firstFailed: number | null = null;
        /** Committed, not yet moved (or flagged). */
        let unmarked: number[] = [];
        for (let i = 0; i < uids.length; i += chunk) {
          const slice = uids.slice(i, i + chunk);
          const done = await fetchAndCommit(client, slice, summary);
          for (const f of done.failed) firstFailed = Math.min(firstFailed ?? f, f);
          unmarked.push(...done.committed);
          // A shorter answer is fine when someone expunged a message meanwhile; not when the line died.
          const dead = done.fetched < slice.length && !client.usable;
          if (dead) throw new Error('Messaggi non scaricati: connessione interrotta.');
          const last = i + chunk >= uids.length;
          if (!last && unmarked.length < markGroup) continue;
          // Only now, every report up to here committed, may the messages leave the folder.
          if (unmarked.length > 0) {
            const set = unmarked.join(',');
            unmarked = [];
            const marked = cfg.processedFolder
              ? await client.messageMove(set, cfg.processedFolder, { uid: true })
              : await client.messageFlagsAdd(set, [cfg.processedFlag], { uid: true });
            if (!marked) throw new Error(`Messaggi acquisiti ma non spostati: connessione interrotta.`);
          }
          // The folder's reading never goes past a message that failed: it is retried.
          const upTo = firstFailed === null ? slice[slice.length - 1]! : firstFailed - 1;
          if (upTo > lastUid) {
            lastUid = upTo;
            await folders.save(cfg.id, cfg.folder, { uidValidity, lastUid }, clock());
          }
        }
      } finally {
        lock.release();
      }
    } finally {
      try {
        await client.logout();
      } catch {
        client.close();
      }
    }
    seenUidNext = summaryUidNext;
    return summary;
  }

  return {
    pollOnce,
    /** Waits in IDLE for new mail (see imap-idle.ts). */
    waitForMail: (maxMs: number, stopped: Promise<void>) =>
      waitForMail(cfg, {
        seenUidNext,
        maxMs,
        stopped,
        connectTimeoutMs: deps.connectTimeoutMs,
        onError: deps.onError,
      }),
  };
}

export interface RunnerOptions {
  pollMs: number;
  /** Wait in IDLE between polls when the server has it; poll every pollMs otherwise. */
  idle?: boolean;
  /** First retry delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  onPoll?: (s: PollSummary) => void;
  onError?: (err: unknown, attempt: number) => void;
}

export interface PollingSource {
  pollOnce(): Promise<PollSummary>;
  waitForMail?(maxMs: number, stopped: Promise<void>): Promise<IdleOutcome>;
}

/**
 * Polls forever: between good polls it waits in IDLE (new mail → poll at once) or
 * sleeps pollMs; after a failure (a poll or the IDLE connection) it backs off
 * exponentially and reconnects.
 */
export function runImapSource(source: PollingSource, o: RunnerOptions) {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  let markStopped: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (markStopped = resolve));
  // A server without IDLE says so once; from then on this runner simply polls.
  let idle = !!o.idle && !!source.waitForMail;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      // stop() may have come while a poll was running: do not start a new wait.
      if (stopped) return resolve();
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
  const done = (async () => {
    let failures = 0;
    while (!stopped) {
      try {
        // Not `o.onPoll?.(await …)`: an absent callback would skip the poll itself.
        const summary = await source.pollOnce();
        o.onPoll?.(summary);
        if (idle && !stopped) {
          const r = await source.waitForMail!(o.pollMs, stopSignal);
          if (r === 'no-idle') {
            idle = false;
            await sleep(o.pollMs);
          }
        } else await sleep(o.pollMs);
        failures = 0;
      } catch (e) {
        failures++;
        o.onError?.(e, failures);
        const base = o.backoffMs ?? 1_000;
        await sleep(Math.min(base * 2 ** (failures - 1), o.maxBackoffMs ?? 5 * 60_000));
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      markStopped();
      if (timer) clearTimeout(timer);
      wake?.();
      await done;
    },
  };
}
