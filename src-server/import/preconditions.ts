/**
 * What the server must look like for an import, read under the writer lock (so two
 * imports at once cannot both pass), and which of the server's own first rows give way
 * to the PC's.
 */
import type { Sqlite } from '../../src-main/db/migrate';
import type { Queryable } from '../storage/storage';

const norm = (s: unknown) =>
  String(s ?? '')
    .trim()
    .toLocaleLowerCase('it-IT');

/** Why this server cannot take the PC's data (Italian, for the administrator), or null. */
export async function refusalOf(tx: Queryable, db: Sqlite): Promise<string | null> {
  const nothing = 'Nessun dato è stato scritto.';
  const [done] = await tx.query<{ value: { at: number; from: string } }>(
    "SELECT value FROM meta WHERE key = 'import'",
  );
  if (done) {
    const at = new Date(done.value.at).toLocaleString('it-IT', { timeZone: 'Europe/Rome' });
    return `Su questo server è già stato importato un PC (${done.value.from}, ${at}). ${nothing}`;
  }
  const [reports] = await tx.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM sync_rows WHERE tbl = 'reports'",
  );
  if (reports && reports.n > 0) {
    return `Il server contiene già ${reports.n.toLocaleString('it-IT')} segnalazioni: si importa solo in un server che non ne ha ancora. ${nothing}`;
  }
  // The same username for two accounts would make logins ambiguous.
  const server = await tx.query<{ key: string; username: string }>(
    "SELECT key, data->>'username' AS username FROM sync_rows WHERE tbl = 'users' AND NOT deleted",
  );
  const byName = new Map(server.map((u) => [norm(u.username), u.key]));
  const clashes = (
    db.prepare('SELECT id, username FROM users ORDER BY username').all() as {
      id: string;
      username: string;
    }[]
  ).filter((u) => byName.has(norm(u.username)) && byName.get(norm(u.username)) !== u.id);
  if (clashes.length > 0) {
    const names = clashes.map((u) => `«${u.username}»`).join(', ');
    return `Sul server esiste già un altro utente ${names}: il PC porta i suoi utenti con le loro password. Importa in un server appena creato, senza utenti (si possono aggiungere dopo). ${nothing}`;
  }
  return null;
}

export interface DroppedRow {
  table: 'outcomes' | 'categories';
  row: Record<string, unknown>;
}

/**
 * The server's outcomes and top-level categories that the PC has too, by name (the
 * defaults a new server creates: «Positivo», «Da classificare»…), and that nothing on
 * the server refers to: they are removed, so each shows once, the PC's.
 */
export async function defaultsToDrop(tx: Queryable, db: Sqlite): Promise<DroppedRow[]> {
  const pcOutcomes = new Set((db.prepare('SELECT label FROM outcomes').pluck().all() as string[]).map(norm));
  const pcCategories = new Set(
    (db.prepare('SELECT name FROM categories WHERE parent_id IS NULL').pluck().all() as string[]).map(norm),
  );
  const pcIds = new Set([
    ...(db.prepare('SELECT id FROM outcomes').pluck().all() as string[]),
    ...(db.prepare('SELECT id FROM categories').pluck().all() as string[]),
  ]);
  const rows = await tx.query<{ tbl: 'outcomes' | 'categories'; key: string; data: Record<string, unknown> }>(
    "SELECT tbl, key, data FROM sync_rows WHERE tbl IN ('outcomes', 'categories') AND NOT deleted ORDER BY version",
  );
  const out: DroppedRow[] = [];
  for (const r of rows) {
    if (pcIds.has(r.key)) continue;
    const same =
      r.tbl === 'outcomes'
        ? pcOutcomes.has(norm(r.data.label))
        : r.data.parentId === null && pcCategories.has(norm(r.data.name));
    if (!same) continue;
    const [used] = await tx.query(
      `SELECT 1 FROM sync_rows WHERE NOT deleted AND NOT (tbl = $1 AND key = $2)
          AND strpos(data::text, $2) > 0 LIMIT 1`,
      [r.tbl, r.key],
    );
    if (!used) out.push({ table: r.tbl, row: r.data });
  }
  return out;
}
