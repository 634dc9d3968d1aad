/**
 * The rows a writer transaction reads and writes, kept in memory for a whole push batch.
 *
 * A batch of 100 mutations used to cost several PostgreSQL round trips per mutation (its
 * snapshot's queries, then its upsert). Here the rows are read at most once per batch
 * (a first pass prefetches what every mutation of the batch declared it reads) and the
 * writes stay in an overlay that later mutations read through, so the 20th mutation sees
 * the 3rd one's rows exactly as if they had been written; `flush` then writes every
 * changed row in one statement.
 *
 * Correct because the writer holds the advisory lock (apply.ts): no one else writes
 * sync_rows meanwhile, so what the database said once stays true, except for what this
 * overlay changed, which the overlay itself answers. Each query kind (by key, by owner, by
 * a JSON field, a whole table) first loads the database's rows it does not hold yet, then
 * answers from memory.
 */
import { SYNC_TABLES } from '../src-shared/sync/protocol';
import type { Queryable } from './storage/storage';

export type DataRow = { tbl: string; key: string; owner: string | null; data: Record<string, unknown> };

/** What loadSnapshot needs (snapshot.ts): generic over the row store. */
export interface RowSource {
  /** Live rows by (table, key); missing or deleted ones are left out. */
  byKeys(pairs: [string, string][]): Promise<DataRow[]>;
  /** Live rows of those tables whose owner is one of `owners` (a report's children…). */
  owned(tables: readonly string[], owners: readonly string[]): Promise<DataRow[]>;
  /** Live rows of a table whose JSON `field` (as text) is one of `values`. */
  byField(table: string, field: string, values: readonly string[]): Promise<DataRow[]>;
  /** Every live row of a (small) table. */
  all(table: string): Promise<DataRow[]>;
}

/** One SQL statement with its parameters ($1…), to be run alone or combined. */
export interface SqlPart {
  sql: string;
  params: unknown[];
}

/**
 * Several writes as one statement (data-modifying WITH clauses): one round trip for all.
 * They all see the statement's snapshot, not each other's writes: no part may read what
 * another writes, nor modify a row another modifies (inserts of new rows are fine).
 */
export function combineWrites(parts: SqlPart[], final = 'SELECT 1', finalParams: unknown[] = []): SqlPart {
  const params: unknown[] = [];
  const shift = (sql: string, offset: number) =>
    sql.replace(/\$(\d+)/g, (_, d: string) => `$${Number(d) + offset}`);
  const ctes = parts.map((p, i) => {
    const sql = shift(p.sql, params.length);
    params.push(...p.params);
    return `w${i} AS (${sql})`;
  });
  const tail = shift(final, params.length);
  params.push(...finalParams);
  return { sql: ctes.length ? `WITH ${ctes.join(',\n')}\n${tail}` : tail, params };
}

/** What BatchRows.preload reads in one statement. */
export interface PreloadWant {
  keys: [string, string][];
  owned: { tables: string[]; owners: string[] };
  tables: string[];
}

/** A row as written: its version and, for a deletion, the tombstone flag. */
export interface VersionedRow {
  tbl: string;
  key: string;
  owner: string | null;
  data: Record<string, unknown>;
  version: number;
  deleted: boolean;
}

const COLS = 'tbl, key, owner, data';
const TABLES = new Set<string>(SYNC_TABLES);
const FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;
const idOf = (tbl: string, key: string) => `${tbl}\u0000${key}`;

/** JSON texts as one JSON array text (for jsonb_array_elements): nothing escaped twice. */
export const jsonArray = (jsons: string[]): string => `[${jsons.join(',')}]`;

export class BatchRows implements RowSource {
  /** Known state by id: a live row, or null (absent or deleted). */
  private rows = new Map<string, DataRow | null>();
  private byTable = new Map<string, Set<string>>();
  private byOwner = new Map<string, Set<string>>();
  private loadedOwners = new Set<string>();
  private loadedTables = new Set<string>();
  private loadedValues = new Set<string>();
  /** Written by this batch and not yet in the database, in write order. */
  private dirty = new Map<string, { row: VersionedRow; json: string }>();

  constructor(private tx: Queryable) {}

  /** The next transaction reads through `tx` (a RowCache kept from the previous one). */
  attach(tx: Queryable): void {
    if (this.dirty.size > 0) throw new Error('BatchRows: unwritten rows');
    this.tx = tx;
  }

  /** Rows and absences held. */
  get size(): number {
    return this.rows.size;
  }

  /**
   * Rows that changed in the database since this store was last right (their current
   * state, data null for a deletion): they replace what it holds.
   */
  refresh(found: [string, string, string | null, Record<string, unknown> | null][]): void {
    for (const [tbl, key, owner, data] of found) {
      this.set(idOf(tbl, key), data ? { tbl, key, owner, data } : null, { tbl, owner });
    }
  }

  async byKeys(pairs: [string, string][]): Promise<DataRow[]> {
    const missing = new Map<string, [string, string]>();
    for (const [t, k] of pairs) {
      const id = idOf(t, k);
      if (!this.rows.has(id)) missing.set(id, [t, k]);
    }
    if (missing.size > 0) {
      const want = [...missing.values()];
      const found = await this.tx.query<DataRow>(
        `SELECT ${COLS} FROM sync_rows
          WHERE NOT deleted AND (tbl, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [want.map((p) => p[0]), want.map((p) => p[1])],
      );
      this.absorb(found);
      for (const id of missing.keys()) if (!this.rows.has(id)) this.rows.set(id, null);
    }
    const out: DataRow[] = [];
    const seen = new Set<string>();
    for (const [t, k] of pairs) {
      const id = idOf(t, k);
      if (seen.has(id)) continue;
      seen.add(id);
      const r = this.rows.get(id);
      if (r) out.push(r);
    }
    return out;
  }

  async owned(tables: readonly string[], owners: readonly string[]): Promise<DataRow[]> {
    const tbls = [...new Set(tables)];
    const wanted = [...new Set(owners)];
    const missing = new Set<string>();
    for (const t of tbls) for (const o of wanted) if (!this.loadedOwners.has(idOf(t, o))) missing.add(o);
    if (missing.size > 0) {
      const found = await this.tx.query<DataRow>(
        `SELECT ${COLS} FROM sync_rows WHERE NOT deleted AND tbl = ANY($1::text[]) AND owner = ANY($2::text[])`,
        [tbls, [...missing]],
      );
      this.absorb(found);
      for (const t of tbls) for (const o of missing) this.loadedOwners.add(idOf(t, o));
    }
    const out: DataRow[] = [];
    for (const t of tbls) {
      for (const o of wanted) {
        for (const id of this.byOwner.get(idOf(t, o)) ?? []) {
          const r = this.rows.get(id);
          if (r && r.owner === o) out.push(r);
        }
      }
    }
    return out;
  }

  async byField(table: string, field: string, values: readonly string[]): Promise<DataRow[]> {
    if (!TABLES.has(table) || !FIELD.test(field)) throw new Error(`byField: ${table}.${field}`);
    const wanted = new Set(values);
    if (wanted.size === 0) return [];
    const missing = [...wanted].filter((v) => !this.loadedValues.has(`${table}\u0000${field}\u0000${v}`));
    if (missing.length > 0 && !this.loadedTables.has(table)) {
      // Literal table and field (checked above): the partial expression indexes apply.
      const found = await this.tx.query<DataRow>(
        `SELECT ${COLS} FROM sync_rows
          WHERE tbl = '${table}' AND NOT deleted AND (data->>'${field}') = ANY($1::text[])`,
        [missing],
      );
      this.absorb(found);
      for (const v of missing) this.loadedValues.add(`${table}\u0000${field}\u0000${v}`);
    }
    return this.scan(table, (r) => {
      const v = r.data[field];
      return v !== null && v !== undefined && wanted.has(String(v));
    });
  }

  async all(table: string): Promise<DataRow[]> {
    if (!this.loadedTables.has(table)) {
      const found = await this.tx.query<DataRow>(
        `SELECT ${COLS} FROM sync_rows WHERE tbl = $1 AND NOT deleted`,
        [table],
      );
      this.absorb(found);
      this.loadedTables.add(table);
    }
    return this.scan(table, () => true);
  }

  /** A mutation's rows, versioned: later reads of this batch see them. */
  write(rows: VersionedRow[]): void {
    for (const row of rows) {
      const json = JSON.stringify(row.data);
      const id = idOf(row.tbl, row.key);
      // The database's view of the row: JSON, as a read from sync_rows would give it.
      this.set(
        id,
        row.deleted ? null : { tbl: row.tbl, key: row.key, owner: row.owner, data: JSON.parse(json) },
        row,
      );
      this.dirty.delete(id);
      this.dirty.set(id, { row, json });
    }
  }

  /**
   * The statement that writes every row changed since the last call (one upsert for all
   * of them), or null; the caller runs it, alone or with other writes (apply.ts).
   */
  takeWrite(): SqlPart | null {
    if (this.dirty.size === 0) return null;
    const rows = [...this.dirty.values()];
    this.dirty.clear();
    // The rows' JSON goes as one JSON array, not as a text[] whose every element the
    // driver would escape (quotes and backslashes) and PostgreSQL unescape again.
    return {
      sql: `INSERT INTO sync_rows (tbl, key, owner, data, version, deleted)
       SELECT t, k, o, d, v, del
         FROM ROWS FROM (unnest($1::text[]), unnest($2::text[]), unnest($3::text[]),
                         jsonb_array_elements($4::jsonb), unnest($5::bigint[]), unnest($6::boolean[]))
           AS x(t, k, o, d, v, del)
       ON CONFLICT (tbl, key) DO UPDATE
         SET owner = excluded.owner, data = excluded.data,
             version = excluded.version, deleted = excluded.deleted`,
      params: [
        rows.map((r) => r.row.tbl),
        rows.map((r) => r.row.key),
        rows.map((r) => r.row.owner),
        jsonArray(rows.map((r) => r.json)),
        rows.map((r) => r.row.version),
        rows.map((r) => r.row.deleted),
      ],
    };
  }

  /**
   * Loads in one statement the rows a batch will read most: rows by key, the children of
   * some owners, whole small tables. What it leaves out is still loaded on demand.
   */
  async preload(want: PreloadWant): Promise<void> {
    const left = this.missing(want);
    if (!left) return;
    const q = BatchRows.preloadSql(left, 1);
    const found = await this.tx.query<DataRow>(q.sql, q.params);
    this.absorbPreload(
      left,
      found.map((r) => [r.tbl, r.key, r.owner, r.data]),
    );
  }

  /** What of `want` this store does not hold yet; null when nothing. */
  missing(want: PreloadWant): PreloadWant | null {
    const left: PreloadWant = {
      keys: want.keys.filter(([t, k]) => !this.rows.has(idOf(t, k))),
      owned: {
        tables: want.owned.tables,
        owners: want.owned.owners.filter((o) =>
          want.owned.tables.some((t) => !this.loadedOwners.has(idOf(t, o))),
        ),
      },
      tables: want.tables.filter((t) => !this.loadedTables.has(t)),
    };
    return left.keys.length + left.tables.length + left.owned.owners.length === 0 ? null : left;
  }

  /**
   * The SELECT of preload (columns tbl, key, owner, data), its parameters numbered from
   * `first`: Writer.open runs it inside its own first statement.
   */
  static preloadSql(want: PreloadWant, first: number): SqlPart {
    const p = (i: number) => `$${first + i}`;
    return {
      sql: `SELECT ${COLS} FROM sync_rows
        WHERE NOT deleted AND (tbl, key) IN (SELECT * FROM unnest(${p(0)}::text[], ${p(1)}::text[]))
       UNION ALL
       SELECT ${COLS} FROM sync_rows WHERE NOT deleted AND tbl = ANY(${p(2)}::text[]) AND owner = ANY(${p(3)}::text[])
       UNION ALL
       SELECT ${COLS} FROM sync_rows WHERE NOT deleted AND tbl = ANY(${p(4)}::text[])`,
      params: [
        want.keys.map((k) => k[0]),
        want.keys.map((k) => k[1]),
        want.owned.tables,
        want.owned.owners,
        want.tables,
      ],
    };
  }

  /** The rows preloadSql found for `want`: everything `want` names is now known. */
  absorbPreload(want: PreloadWant, found: [string, string, string | null, Record<string, unknown>][]): void {
    for (const [tbl, key, owner, data] of found) {
      const id = idOf(tbl, key);
      if (!this.rows.has(id)) this.set(id, { tbl, key, owner, data }, { tbl, owner });
    }
    for (const [t, k] of want.keys) if (!this.rows.has(idOf(t, k))) this.rows.set(idOf(t, k), null);
    for (const t of want.owned.tables) for (const o of want.owned.owners) this.loadedOwners.add(idOf(t, o));
    for (const t of want.tables) this.loadedTables.add(t);
  }

  /** Rows read from the database: what this batch already holds is newer. */
  private absorb(found: DataRow[]): void {
    for (const r of found) {
      const id = idOf(r.tbl, r.key);
      if (!this.rows.has(id)) this.set(id, r, r);
    }
  }

  private set(id: string, value: DataRow | null, where: { tbl: string; owner: string | null }): void {
    const before = this.rows.get(id);
    if (before && before.owner !== where.owner && before.owner !== null) {
      this.byOwner.get(idOf(before.tbl, before.owner))?.delete(id);
    }
    this.rows.set(id, value);
    let t = this.byTable.get(where.tbl);
    if (!t) this.byTable.set(where.tbl, (t = new Set()));
    t.add(id);
    if (where.owner !== null) {
      const k = idOf(where.tbl, where.owner);
      let o = this.byOwner.get(k);
      if (!o) this.byOwner.set(k, (o = new Set()));
      o.add(id);
    }
  }

  private scan(table: string, keep: (r: DataRow) => boolean): DataRow[] {
    const out: DataRow[] = [];
    for (const id of this.byTable.get(table) ?? []) {
      const r = this.rows.get(id);
      if (r && keep(r)) out.push(r);
    }
    return out;
  }
}
