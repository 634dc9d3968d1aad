/**
 * `sportello mail parse FILE.eml`: prints one JSON object saying what the intake would
 * do with that message. Reads the data folder's key (if any) to recognise replies to
 * Sportello's own Message-IDs; never writes anything.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../core/paths';
import { analyzeMail, type MailAnalysis } from '../mail/analyze';
import { SECRETS_FILE, threadingKey } from '../mail/secrets';
import { UsageError } from './main';

export function analysisJson(a: MailAnalysis) {
  return {
    kind: a.kind,
    reason: a.reason,
    channel: a.channel,
    messageId: a.messageId,
    sender: a.sender,
    reporter: a.reporter,
    subject: a.subject,
    text: a.text,
    hasHtml: a.html !== null,
    attachments: a.attachments.map((x) => ({
      name: x.fileName,
      type: x.mime,
      size: x.size,
      sha256: x.sha256,
    })),
    pec: a.pec,
    thread: a.thread,
    bounce: a.bounce,
    needsReview: a.needsReview,
    notes: a.notes,
  };
}

export async function mailCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'parse') throw new UsageError('Sottocomando sconosciuto: usa «sportello mail parse FILE.eml».');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, 'max-mb': { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) throw new UsageError('Indica il file .eml da analizzare.');
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  // Without the data folder's key, signed replies cannot be recognised: a throwaway key
  // keeps the command read-only instead of creating secrets where none were.
  const key = existsSync(join(dataDir, SECRETS_FILE)) ? threadingKey(dataDir) : randomBytes(32);
  const maxMb = values['max-mb'] ? Number(values['max-mb']) : undefined;
  if (maxMb !== undefined && !(maxMb > 0)) throw new UsageError('--max-mb vuole un numero positivo.');
  const raw = readFileSync(resolve(file));
  const a = await analyzeMail(raw, { threadKey: key, maxBytes: maxMb ? maxMb * 1024 * 1024 : undefined });
  process.stdout.write(JSON.stringify(analysisJson(a), null, 2) + '\n');
  return 0;
}
