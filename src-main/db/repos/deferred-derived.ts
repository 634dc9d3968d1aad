/**
 * A first download writes millions of rows into tables that carry a dozen secondary
 * indexes and triggers keeping derived tables up to date (the dashboard's counters, the
 * R*Tree of likely duplicates). Maintaining them row by row costs several times the
 * insert itself; building them once at the end, from sorted data, costs a fraction.
 *
 * deferDerived() drops them (their SQL is kept in `meta`, so an interrupted bootstrap
 * restarted by a later run still finds them), restoreDerived() rebuilds everything in
 * one transaction: the indexes from their own SQL, the derived tables recomputed from
 * the rows (the same statements the migrations that created them used for existing
 * data), then the triggers. Unique indexes stay: upserts and codes rely on them.
 */
import type { Sqlite } from '../migrate';

const META_KEY = 'bootstrap_deferred_ddl';
/** The tables a bootstrap fills in bulk (bulk-write.ts), whose extras are deferred. */
const TABLES = ['reports', 'log_entries', 'report_assignments', 'report_reporters', 'reporters'];

interface Deferred {
  type: 'index' | 'trigger';
  name: string;
  sql: string;
}

/** Drops the deferrable indexes and triggers, remembering them; idempotent. */
export function deferDerived(db: Sqlite): void {
  db.transaction(() => {
    const kept = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(META_KEY) as
      string | undefined;
    const already: Deferred[] = kept ? (JSON.parse(kept) as Deferred[]) : [];
    const marks = TABLES.map(() => '?').join(', ');
    const found = db
      .prepare(
        `SELECT type, name, sql FROM sqlite_master
          WHERE tbl_name IN (${marks}) AND sql IS NOT NULL
            AND (type = 'trigger' OR (type = 'index' AND sql NOT LIKE 'CREATE UNIQUE INDEX%'))
          ORDER BY type, name`,
      )
      .all(...TABLES) as Deferred[];
    for (const d of found) db.prepare(`DROP ${d.type === 'index' ? 'INDEX' : 'TRIGGER'} "${d.name}"`).run();
    const names = new Set(already.map((d) => d.name));
    const all = [...already, ...found.filter((d) => !names.has(d.name))];
    if (all.length === 0) return;
    db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(META_KEY, JSON.stringify(all));
  })();
}

/** True while indexes and triggers are deferred (a bootstrap not yet finished). */
export function derivedDeferred(db: Sqlite): boolean {
  return db.prepare('SELECT 1 FROM meta WHERE key = ?').get(META_KEY) !== undefined;
}

/** Rebuilds what deferDerived dropped, and the tables those triggers maintain. */
export function restoreDerived(db: Sqlite): void {
  const kept = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(META_KEY) as string | undefined;
  if (!kept) return;
  const deferred = JSON.parse(kept) as Deferred[];
  db.transaction(() => {
    const exists = db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').pluck();
    // A migration run meanwhile may have created some of them again: those stay as they are.
    for (const d of deferred) if (d.type === 'index' && !exists.get(d.name)) db.prepare(d.sql).run();
    recomputeStats(db);
    recomputeGeo(db);
    for (const d of deferred) if (d.type === 'trigger' && !exists.get(d.name)) db.prepare(d.sql).run();
    db.prepare('DELETE FROM meta WHERE key = ?').run(META_KEY);
  })();
}

/** The dashboard's counters, as drizzle/0004_stats_geo.sql computed them for existing rows. */
function recomputeStats(db: Sqlite): void {
  db.prepare('DELETE FROM stats_counts').run();
  db.prepare('DELETE FROM stats_assignee_counts').run();
  db.prepare(
    `INSERT INTO stats_counts (month, status, category_id, channel, n)
     SELECT CAST(strftime('%Y%m', r.created_at / 1000, 'unixepoch') AS INTEGER), r.status, coalesce(r.category_id, ''), r.channel, count(*)
       FROM reports r GROUP BY 1, 2, 3, 4`,
  ).run();
  db.prepare(
    `INSERT INTO stats_assignee_counts (month, status, kind, assignee_id, n)
     SELECT CAST(strftime('%Y%m', r.created_at / 1000, 'unixepoch') AS INTEGER), r.status, a.kind, a.assignee_id, count(*)
       FROM report_assignments a JOIN reports r ON r.seq = a.report_seq GROUP BY 1, 2, 3, 4`,
  ).run();
}

/** The R*Tree of likely duplicates, as drizzle/0009_duplicates.sql filled it. */
function recomputeGeo(db: Sqlite): void {
  // Keys already given stay: they are stable for ever (schema-duplicates.ts).
  db.prepare(
    `INSERT INTO category_keys (category_id)
     SELECT DISTINCT r.category_id FROM reports r
      WHERE r.category_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM category_keys k WHERE k.category_id = r.category_id)
      ORDER BY r.category_id`,
  ).run();
  db.prepare('DELETE FROM reports_geo').run();
  db.prepare(
    `INSERT INTO reports_geo (id, min_lat, max_lat, min_lon, max_lon, min_cat, max_cat, min_day, max_day)
     SELECT r.seq, r.lat, r.lat, r.lon, r.lon, k.k, k.k, r.created_at / 86400000.0, r.created_at / 86400000.0
       FROM reports r JOIN category_keys k ON k.category_id = r.category_id
      WHERE r.lat IS NOT NULL AND r.lon IS NOT NULL`,
  ).run();
}
