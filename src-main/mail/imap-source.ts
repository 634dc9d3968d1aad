/**
 * Pulls one IMAP folder into the intake, exactly once.
 *
 * - imapflow does not reconnect by itself: every poll opens its own connection and the
 *   runner retries a failed poll with exponential backoff.
 * - No IMAP command runs inside a fetch iterator: UIDs are collected by a SEARCH first,
 *   then each message is fetched alone, committed as a report, and only THEN moved (or
 *   flagged) and the folder's last UID saved. A crash anywhere in between re-fetches
 *   the message next time, and its deterministic ids make it a duplicate.
 * - UIDVALIDITY is kept per folder: when it changes the folder is read again from UID
 *   1, deduplicated by Message-ID.
 */
import { ImapFlow } from 'imapflow';
import type { Sqlite } from '../db/migrate';
import type { IngestResult, MailIntake } from './intake';
import { folderState, saveFolderState } from './mail-repo';

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
}

export interface PollSummary {
  fetched: number;
  results: IngestResult[];
  failed: number;
  resynced: boolean;
}

export interface ImapSourceDeps {
  db: Sqlite;
  intake: MailIntake;
  clock: () => number;
  /** Test hook: runs after a message's report is committed, before it is moved. */
  afterCommit?: (uid: number, result: IngestResult) => void | Promise<void>;
  onError?: (err: unknown) => void;
  connectTimeoutMs?: number;
}

export function imapClient(
  cfg: Pick<ImapMailboxConfig, 'host' | 'port' | 'security' | 'username' | 'password'>,
  timeoutMs = 15_000,
) {
  return new ImapFlow({
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
  const { db, intake, clock } = deps;

  async function pollOnce(): Promise<PollSummary> {
    const client = imapClient(cfg, deps.connectTimeoutMs);
    // A dropped socket surfaces as an 'error' event too: without a listener it would crash the process.
    client.on('error', (e: unknown) => deps.onError?.(e));
    await client.connect();
    const summary: PollSummary = { fetched: 0, results: [], failed: 0, resynced: false };
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
        const saved = folderState(db, cfg.id, cfg.folder);
        let lastUid = saved?.lastUid ?? 0;
        if (saved && saved.uidValidity !== uidValidity) {
          // The server renumbered the folder: read it all again; Message-IDs deduplicate.
          lastUid = 0;
          summary.resynced = true;
        }
        saveFolderState(db, cfg.id, cfg.folder, { uidValidity, lastUid }, clock());
        const query = cfg.processedFolder
          ? { uid: `${lastUid + 1}:*` }
          : { uid: `${lastUid + 1}:*`, unKeyword: cfg.processedFlag };
        const found = await client.search(query, { uid: true });
        const uids = (found || []).filter((u) => u > lastUid).sort((a, b) => a - b);
        let firstFailed: number | null = null;
        for (const uid of uids) {
          const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
          // imapflow answers false instead of throwing when the connection is gone.
          if (!msg || !msg.source)
            throw new Error(`Messaggio UID ${uid} non scaricato: connessione interrotta.`);
          summary.fetched++;
          let result: IngestResult;
          try {
            result = await intake.ingest(msg.source, { mailboxId: cfg.id });
          } catch (e) {
            // Not the message's fault (e.g. a full disk): leave it in place for the next poll.
            deps.onError?.(e);
            summary.failed++;
            firstFailed ??= uid;
            continue;
          }
          summary.results.push(result);
          await deps.afterCommit?.(uid, result);
          const marked = cfg.processedFolder
            ? await client.messageMove(String(uid), cfg.processedFolder, { uid: true })
            : await client.messageFlagsAdd(String(uid), [cfg.processedFlag], { uid: true });
          if (!marked)
            throw new Error(`Messaggio UID ${uid} acquisito ma non spostato: connessione interrotta.`);
          if (firstFailed === null)
            saveFolderState(db, cfg.id, cfg.folder, { uidValidity, lastUid: uid }, clock());
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
    return summary;
  }

  return { pollOnce };
}

export interface RunnerOptions {
  pollMs: number;
  /** First retry delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  onPoll?: (s: PollSummary) => void;
  onError?: (err: unknown, attempt: number) => void;
}

/** Polls forever: interval between good polls, exponential backoff after failures. */
export function runImapSource(source: { pollOnce(): Promise<PollSummary> }, o: RunnerOptions) {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
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
        failures = 0;
        await sleep(o.pollMs);
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
      if (timer) clearTimeout(timer);
      wake?.();
      await done;
    },
  };
}
