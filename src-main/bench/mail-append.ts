/**
 * Fills the benchmark's Dovecot with the corpus (IMAP APPEND, a few connections at once),
 * in a process of its own. Mail reaches a real mailbox from the MTA, never from the
 * process that pulls it: generating 1.4 GB of messages in the intake's process left its
 * allocator holding 10–70 MB (depending on how the heap happened to fragment) before the
 * first message was fetched, and the intake's peak was measured on top of that.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { benchMessage } from './mail-corpus';

export interface AppendJob {
  host: string;
  port: number;
  user: string;
  pass: string;
  messages: number;
  seed: number;
  connections: number;
}

/** APPENDs every message of the corpus; answers the bytes sent. */
export async function appendCorpus(job: AppendJob): Promise<number> {
  let next = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: job.connections }, async () => {
      const c = new ImapFlow({
        host: job.host,
        port: job.port,
        secure: false,
        doSTARTTLS: false,
        auth: { user: job.user, pass: job.pass },
        logger: false,
      });
      await c.connect();
      try {
        // Each message is generated right before its APPEND: the corpus never sits in memory.
        for (let i = next++; i < job.messages; i = next++) {
          const raw = benchMessage(job.seed, i);
          bytes += raw.length;
          await c.append('INBOX', raw);
        }
      } finally {
        await c.logout();
      }
    }),
  );
  return bytes;
}

/** Runs appendCorpus in a child Node process (TypeScript through tsx, as the CLI does). */
export async function appendCorpusInChild(job: AppendJob): Promise<number> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const child = spawn(
    process.execPath,
    ['--import', tsx, fileURLToPath(import.meta.url), JSON.stringify(job)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`APPEND del corpus non riuscito (codice ${code})`);
  return Number(out.trim());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const job = JSON.parse(process.argv[2]!) as AppendJob;
  appendCorpus(job).then(
    (bytes) => process.stdout.write(`${bytes}\n`),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
