/**
 * The mail intake inside a core: one runner per enabled mailbox (IDLE where the server
 * has it and the mailbox wants it, polling otherwise), restarted
 * when an administrator saves its settings, stopped with the core.
 */
import type { CoreServices } from '../core/context';
import { createImapSource, runImapSource, type ImapMailboxConfig } from './imap-source';
import { getSyncState } from '../sync/sync-repo';
import { createMailIntake } from './intake';
import { listMailboxes, type MailboxRow } from './mailboxes-repo';
import { createKeyFileCipher, threadingKey, type PasswordCipher } from './secrets';

export interface MailServiceOptions {
  services: CoreServices;
  dataDir: string;
  /** The Electron shell may plug safeStorage in; plain Node uses the key file. */
  cipher?: PasswordCipher;
  log?: (msg: string) => void;
}

export function createMailService(o: MailServiceOptions) {
  let cipherCache: PasswordCipher | null = o.cipher ?? null;
  const cipher = () => (cipherCache ??= createKeyFileCipher(o.dataDir));
  const runners = new Map<string, { stop(): Promise<void> }>();
  let intake: ReturnType<typeof createMailIntake> | null = null;
  const log = o.log ?? ((m: string) => console.warn(`[mail] ${m}`));

  const synced = () => getSyncState(o.services.db) !== null;
  const configOf = (m: MailboxRow): ImapMailboxConfig => ({
    id: m.id,
    host: m.host,
    port: m.port,
    security: m.security,
    username: m.username,
    password: cipher().decrypt(m.passwordSealed),
    folder: m.folder,
    processedFolder: m.processedFolder,
    processedFlag: m.processedFlag,
    review: m.reviewInbox,
  });

  async function restart(m: MailboxRow): Promise<void> {
    await runners.get(m.id)?.stop();
    runners.delete(m.id);
    // A synced PC never pulls: the sync server does (src-server/mail-intake).
    if (!m.enabled || synced()) return;
    intake ??= createMailIntake({
      services: o.services,
      threadKey: threadingKey(o.dataDir),
      maxBytes: o.services.maxAttachmentBytes,
    });
    const own = createImapSource(configOf(m), {
      db: o.services.db,
      intake,
      clock: o.services.clock,
      onError: (e) => log(`${m.name}: ${(e as Error).message}`),
    });
    // Connected to a server while running: from the next poll on, the server pulls.
    const source = {
      ...own,
      pollOnce: () =>
        synced() ? Promise.resolve({ fetched: 0, results: [], failed: 0, resynced: false }) : own.pollOnce(),
    };
    runners.set(
      m.id,
      runImapSource(source, {
        pollMs: m.pollSeconds * 1000,
        idle: m.useIdle,
        backoffMs: 5_000,
        onError: (e, attempt) => log(`${m.name}: tentativo ${attempt} fallito: ${(e as Error).message}`),
      }),
    );
  }

  return {
    cipher,
    restart,
    /** Starts every enabled mailbox (nothing when none is configured). */
    async start(): Promise<void> {
      for (const m of listMailboxes(o.services.db)) if (m.enabled) await restart(m);
    },
    async stop(): Promise<void> {
      await Promise.all([...runners.values()].map((r) => r.stop()));
      runners.clear();
    },
    running: () => [...runners.keys()],
  };
}

export type MailService = ReturnType<typeof createMailService>;
