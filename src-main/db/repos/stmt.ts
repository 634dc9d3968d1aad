import type { Sqlite } from '../migrate';
import type Database from 'better-sqlite3';

const cache = new WeakMap<Sqlite, Map<string, Database.Statement>>();

/** Prepared once per connection: preparing costs more than running most of these. */
export function stmt(db: Sqlite, sql: string): Database.Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) {
    // List queries vary with the number of filter values: keep the cache bounded.
    if (m.size > 500) m.clear();
    m.set(sql, (s = db.prepare(sql)));
  }
  return s;
}

export const bool = (v: unknown) => v === 1 || v === true;
export const jsonOrNull = <T>(v: unknown): T | null =>
  typeof v === 'string' && v ? (JSON.parse(v) as T) : null;
