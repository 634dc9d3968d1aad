/**
 * `sportello server import --from <cartella dei dati del PC | sportello.db>
 *                          [--database-url URL | --data-dir DIR]`
 *
 * Moves a PC that worked on its own (standalone) onto a new sync server: its reports,
 * settings, attachments and accounts with their passwords (src-server/import). With the
 * embedded database the server must be stopped (PGlite has one owner at a time); with
 * PostgreSQL it may run, and its PCs are poked at commit like after any write.
 */
import { parseArgs } from 'node:util';
import { importReplica, type ImportSummary } from '../../src-server/import/import-replica';
import { ImportRefused } from '../../src-server/import/errors';
import { openStandaloneReplica } from '../../src-server/import/standalone-replica';
import { openStorage } from '../../src-server/storage/open';
import { UsageError } from './main';
import { STORAGE_OPTIONS, storageConfig } from './server';

const n = (x: number | undefined) => (x ?? 0).toLocaleString('it-IT');
const count = (x: number | undefined, one: string, many: string) => `${n(x)} ${x === 1 ? one : many}`;

/** What the administrator reads at the end (Italian). */
export function describeImport(s: ImportSummary): string {
  const r = s.rows;
  const lines = [
    `Importate ${count(r.reports, 'segnalazione', 'segnalazioni')}, ${count(r.attachments, 'allegato', 'allegati')}, ${count(r.users, 'utente', 'utenti')}.`,
    `Anche: ${n(r.reporters)} segnalatori, ${n(r.log_entries)} voci di registro, ${n(r.report_activities)} attività, ` +
      `${n(r.groups)} gruppi, ${n(r.categories)} categorie, ${n(r.outcomes)} esiti, ` +
      `${n(r.automation_rules)} automazioni, ${n(r.address_book)} voci della rubrica fornitori, ` +
      `${n(s.credentials)} password.`,
  ];
  if (s.mailSettings.length > 0) lines.push('Modelli di risposta e avvisi ai cittadini: importati.');
  if (s.replacedDefaults > 0) {
    lines.push(
      `${n(s.replacedDefaults)} esiti o categorie predefiniti del server sostituiti da quelli del PC.`,
    );
  }
  if (s.missingFiles.length > 0) {
    lines.push(
      `Attenzione: ${n(s.missingFiles.length)} file allegati mancano o sono danneggiati sul PC (le loro voci sono importate, il contenuto no):`,
      ...s.missingFiles.slice(0, 20).map((f) => `  ${f.fileName} (${f.sha256.slice(0, 12)}…)`),
    );
  }
  lines.push(
    '',
    'Ora collega il PC al server (Sincronizzazione → Collega a un server) con uno dei suoi utenti e la sua',
    'password: i dati locali saranno sostituiti da quelli appena importati. Non usare il PC fino ad allora:',
    'ciò che vi si scrive dopo l’importazione non arriva al server.',
    'Da inserire di nuovo dal PC collegato: l’account SMTP (Posta in uscita) e le caselle email (le',
    'password restano cifrate con la chiave del PC).',
  );
  return `${lines.join('\n')}\n`;
}

export async function serverImport(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...STORAGE_OPTIONS, from: { type: 'string' } } });
  if (!values.from)
    throw new UsageError('Indica --from con la cartella dei dati del PC (o il suo sportello.db).');
  let replica;
  try {
    replica = await openStandaloneReplica(values.from);
  } catch (e) {
    if (e instanceof ImportRefused) return refuse(e);
    throw e;
  }
  try {
    const storage = await openStorage(storageConfig(values));
    try {
      process.stdout.write(`Importo ${replica.file}…\n`);
      let shown = 0;
      const summary = await importReplica(storage, replica, {
        clock: Date.now,
        onProgress: (rows) => {
          if (rows - shown < 100_000) return;
          shown = rows;
          process.stdout.write(`  ${n(rows)} righe…\n`);
        },
      });
      process.stdout.write(describeImport(summary));
      return 0;
    } catch (e) {
      if (e instanceof ImportRefused) return refuse(e);
      throw e;
    } finally {
      await storage.close();
    }
  } finally {
    replica.close();
  }
}

function refuse(e: ImportRefused): number {
  process.stderr.write(`Importazione non eseguita: ${e.message}\n`);
  return 1;
}
