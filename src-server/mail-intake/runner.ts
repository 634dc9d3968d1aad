/**
 * `sportello server` pulls the enabled mailboxes: one IMAP source per mailbox
 * (src-main/mail/imap-source.ts, the same code as on a PC) committing into the server's
 * sink. With several server processes on one PostgreSQL, each mailbox is pulled by one of
 * them: its runner holds a session advisory lock per mailbox for as long as it runs; the
 * others try again at every rescan and take over when the holder dies (the lock dies
 * with its connection). Even without the lock nothing would double (deterministic ids,
 * mail_messages): the lock only saves the duplicate work.
 */
import { createHash } from 'node:crypto';
import type { PasswordCipher } from '../../src-main/mail/secrets';
import { createImapSource, runImapSource, type PollSummary } from '../../src-main/mail/imap-source';
import { MAIL_INTAKE_LOCK_SPACE, type Storage } from '../storage/storage';
import { listServerMailboxes, type ServerMailbox } from './mailboxes';
import { createServerMailSink, serverFolders, type ServerSinkDeps } from './sink';

export interface ServerIntakeOptions extends Omit<ServerSinkDeps, 'storage' | 'clock' | 'threadKey'> {
  storage: Storage;
  clock: () => number;
  cipher: () => PasswordCipher;
  /** The key of Sportello's Message-IDs, read when a mailbox first starts (the secrets may live in a file). */
  threadKey: () => Buffer;
  /** How often the mailbox list is read again and free mailboxes are claimed (default 30 s). */
  rescanMs?: number;
  /** First retry delay after a failed poll (default 5 s). */
  backoffMs?: number;
  log?: (msg: string) => void;
  onPoll?: (mailboxId: string, s: PollSummary) => void;
}

/** The mailbox's key in the intake's lock space. */
export const mailboxLockKey = (id: string) => createHash('sha256').update(id).digest().readInt32BE(0);

interface Running {
  updatedAt: number;
  stop(): Promise<void>;
}

export function createServerIntake(o: ServerIntakeOptions) {
  const log = o.log ?? ((m: string) => console.warn(`[mail-in] ${m}`));
  let sinkCache: ReturnType<typeof createServerMailSink> | null = null;
  const sink = () => (sinkCache ??= createServerMailSink({ ...o, threadKey: o.threadKey() }));
  const folders = serverFolders(o.storage);
  const running = new Map<string, Running>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let scanning: Promise<void> = Promise.resolve();

  async function start(m: ServerMailbox): Promise<Running | null> {
    const release = o.storage.tryHoldLock
      ? await o.storage.tryHoldLock(MAIL_INTAKE_LOCK_SPACE, mailboxLockKey(m.id))
      : async () => undefined;
    if (!release) return null; // another server process pulls it
    try {
      const source = createImapSource(
        {
          id: m.id,
          host: m.host,
          port: m.port,
          security: m.security,
          username: m.username,
          password: o.cipher().decrypt(m.passwordSealed),
          folder: m.folder,
          processedFolder: m.processedFolder,
          processedFlag: m.processedFlag,
          review: m.reviewInbox,
        },
        {
          intake: sink(),
          folders,
          clock: o.clock,
          onError: (e) => log(`${m.name}: ${(e as Error).message}`),
        },
      );
      const runner = runImapSource(source, {
        pollMs: m.pollSeconds * 1000,
        idle: m.useIdle,
        backoffMs: o.backoffMs ?? 5_000,
        onPoll: (s) => o.onPoll?.(m.id, s),
        onError: (e, attempt) => log(`${m.name}: tentativo ${attempt} fallito: ${(e as Error).message}`),
      });
      return {
        updatedAt: m.updatedAt,
        async stop() {
          await runner.stop();
          await release();
        },
      };
    } catch (e) {
      await release();
      throw e;
    }
  }

  /** Starts what is enabled and free, stops what was disabled, removed or changed. */
  async function scan(): Promise<void> {
    const boxes = await listServerMailboxes(o.storage);
    const wanted = new Map(boxes.filter((m) => m.enabled).map((m) => [m.id, m]));
    for (const [id, r] of running) {
      if (wanted.get(id)?.updatedAt !== r.updatedAt) {
        running.delete(id);
        await r.stop();
      }
    }
    for (const m of wanted.values()) {
      if (stopped || running.has(m.id)) continue;
      try {
        const r = await start(m);
        if (r) running.set(m.id, r);
      } catch (e) {
        log(`${m.name}: ${(e as Error).message}`);
      }
    }
  }

  const rescan = () =>
    (scanning = scanning.then(() => (stopped ? undefined : scan())).catch((e) => log(String(e))));

  return {
    async start(): Promise<void> {
      await rescan();
      const tick = () => {
        timer = setTimeout(() => void rescan().then(() => !stopped && tick()), o.rescanMs ?? 30_000);
      };
      tick();
    },
    /** After an administrator saved a mailbox. */
    rescan,
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await scanning;
      await Promise.all([...running.values()].map((r) => r.stop()));
      running.clear();
    },
    /** Mailbox ids this process pulls now. */
    running: () => [...running.keys()],
  };
}

export type ServerIntake = ReturnType<typeof createServerIntake>;
