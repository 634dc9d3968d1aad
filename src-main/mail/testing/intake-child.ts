/**
 * A whole process running the mail intake, for the crash test: opens the core on a data
 * folder, pulls one IMAP folder until it is empty, exits 0. The parent kills it with
 * SIGKILL at random moments and starts it again; nothing here knows about the kills.
 *
 * Input: SPORTELLO_CHILD = JSON { dataDir, mailbox: ImapMailboxConfig, hold? }. With `hold`
 * the process does not exit after `done`: it waits to be killed, so a round the parent
 * meant to kill is always killed, however fast this machine drained the folder.
 * Output on stdout, one line each: `ready`, `commit <uid> <outcome>`, `done`.
 */
import { createCore } from '../../core/create-core';
import { createImapSource, type ImapMailboxConfig } from '../imap-source';
import { createMailIntake } from '../intake';
import { threadingKey } from '../secrets';

interface ChildInput {
  dataDir: string;
  mailbox: ImapMailboxConfig;
  hold?: boolean;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.SPORTELLO_CHILD ?? '') as ChildInput;
  const core = await createCore({ dataDir: input.dataDir });
  const intake = createMailIntake({
    services: core.services,
    threadKey: threadingKey(input.dataDir),
  });
  const source = createImapSource(input.mailbox, {
    db: core.services.db,
    intake,
    clock: Date.now,
    afterCommit: (uid, r) => {
      process.stdout.write(`commit ${uid} ${r.outcome}\n`);
    },
    onError: (e) => process.stderr.write(`intake: ${(e as Error).message}\n`),
  });
  process.stdout.write('ready\n');
  for (let attempt = 0; ;) {
    try {
      const s = await source.pollOnce();
      if (s.failed > 0) throw new Error(`${s.failed} messages failed`);
      if (s.fetched === 0) break;
      attempt = 0;
    } catch (e) {
      // The same retry the runner does, kept short: the parent waits for us.
      process.stderr.write(`poll: ${(e as Error).message}\n`);
      if (++attempt > 20) throw e;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
  core.close();
  process.stdout.write('done\n');
  if (input.hold) await new Promise(() => setInterval(() => undefined, 60_000));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
