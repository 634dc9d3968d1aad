/** `sportello geo import-streets FILE`: the municipality's street list (stradario) for offline addresses. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, migrateDatabase } from '../db/migrate';
import { defaultDataDir } from '../core/paths';
import { DB_FILE } from '../core/create-core';
import { importStreets } from '../stats/geo';
import { UsageError } from './main';

export async function geo(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'import-streets')
    throw new UsageError('Sottocomando sconosciuto: usa «sportello geo import-streets FILE».');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, keep: { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  if (!file) throw new UsageError('Indica il file CSV dello stradario (via;civico;lat;lon).');
  const db = openDatabase(resolve(values['data-dir'] ?? defaultDataDir(), DB_FILE));
  try {
    migrateDatabase(db);
    const r = importStreets(db, readFileSync(file, 'utf8'), !values.keep);
    process.stdout.write(`Indirizzi importati: ${r.imported}; righe scartate: ${r.skipped}.\n`);
    for (const e of r.errors.slice(0, 20)) process.stderr.write(`  ${e}\n`);
    return r.imported > 0 ? 0 : 1;
  } finally {
    db.close();
  }
}
