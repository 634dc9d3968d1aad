/**
 * The report list: filters, sort, paging, full-text search. The hot path of the app
 * (see `npm run bench`), so the SQL is written for the plans it must get:
 *
 * - Default list (Nuovo + In gestione, newest first): the partial index
 *   reports_open_created is forced with INDEXED BY. Left to itself the planner may
 *   pick reports_status_created and sort 300k rows (thousands of times slower); a
 *   test checks the plan with EXPLAIN QUERY PLAN.
 * - Text search, newest first: FTS5 hands out matching rowids in descending order and
 *   the join stops after one page. Ranking the whole match set by relevance costs
 *   100–1,000 ms at 1M reports, so relevance is not the order.
 */
import type { ReportFilters, SORT_FIELDS } from '../../../src-shared/api';
import type { Actor } from '../../../src-shared/domain';
import { hasPermission, isSupplier, isOverdue } from '../../../src-shared/domain';
import type { ReportRow } from '../../../src-shared/api';
import type { Sqlite } from '../migrate';
import { toFtsQuery } from './search-index';

import { stmt } from './stmt';

export interface ListQuery {
  filters: ReportFilters;
  sort: { field: (typeof SORT_FIELDS)[number]; dir: 'asc' | 'desc' };
  offset: number;
  limit: number;
  withTotal: boolean;
}

const SORT_SQL: Record<ListQuery['sort']['field'], string> = {
  createdAt: 'r.created_at',
  updatedAt: 'r.updated_at',
  code: 'r.code',
  title: 'r.title COLLATE NOCASE',
  status: "CASE r.status WHEN 'nuovo' THEN 0 WHEN 'in_gestione' THEN 1 ELSE 2 END",
  dueAt: 'r.due_at',
  priority: "CASE r.priority WHEN 'bassa' THEN 0 WHEN 'normale' THEN 1 WHEN 'alta' THEN 2 ELSE 3 END",
  category: 'c.name COLLATE NOCASE',
};

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Category filter: a parent category stands for itself and its subcategories. */
export function expandCategories(db: Sqlite, ids: string[]): string[] {
  if (ids.length === 0) return [];
  const children = stmt(db, 'SELECT id FROM categories WHERE parent_id = ?');
  const out = new Set(ids);
  for (const id of ids) for (const c of children.all(id) as { id: string }[]) out.add(c.id);
  return [...out];
}

/**
 * Whole words first. Only when the words as typed match nothing at all (the clerk is
 * still typing "lampi…") does the last word become a prefix. Always prefixing costs
 * 5–10 ms at 1M reports for a common word (FTS5 must collect every document of every
 * word with that prefix before it can hand out the newest), against 0.1 ms for the
 * word itself. The choice depends only on the text and the data, so every page of one
 * search uses the same query.
 */
export function ftsQueryFor(db: Sqlite, text: string): string | null {
  const exact = toFtsQuery(text, { prefixLast: false });
  if (!exact) return null;
  const any = stmt(db, 'SELECT rowid FROM reports_fts WHERE reports_fts MATCH ? LIMIT 1').get(exact);
  return any ? exact : toFtsQuery(text, { prefixLast: true });
}

interface Built {
  from: string;
  where: string[];
  params: unknown[];
  order: string;
}

function isOpenSet(statuses: readonly string[]) {
  return statuses.length === 2 && statuses.includes('nuovo') && statuses.includes('in_gestione');
}

export function buildListQuery(db: Sqlite, q: ListQuery, actor: Actor, now: number): Built {
  const f = q.filters;
  const where: string[] = [];
  const params: unknown[] = [];
  const fts = ftsQueryFor(db, f.q);
  const statuses = [...new Set(f.statuses)];
  const dir = q.sort.dir === 'asc' ? 'ASC' : 'DESC';
  let from = 'reports r';
  let order = `${SORT_SQL[q.sort.field]} ${dir}, r.seq ${dir}`;

  if (fts) {
    from = 'reports_fts f JOIN reports r ON r.seq = f.rowid';
    where.push('reports_fts MATCH ?');
    params.push(fts);
    // Newest first for a search = descending rowid, which FTS5 yields natively.
    if (q.sort.field === 'createdAt') order = `f.rowid ${dir}`;
  } else if (
    isOpenSet(statuses) &&
    q.sort.field === 'createdAt' &&
    f.categoryIds.length === 0 &&
    !f.overdue
  ) {
    from = 'reports r INDEXED BY reports_open_created';
    order = `r.created_at ${dir}`;
  }

  if (statuses.length > 0 && statuses.length < 3) {
    // Literal values: the partial index's WHERE must be implied by the query's text.
    if (isOpenSet(statuses)) where.push("r.status IN ('nuovo','in_gestione')");
    else {
      where.push(`r.status IN (${placeholders(statuses.length)})`);
      params.push(...statuses);
    }
  }
  const cats = expandCategories(db, f.categoryIds);
  if (cats.length) {
    where.push(`r.category_id IN (${placeholders(cats.length)})`);
    params.push(...cats);
  }
  if (f.channels.length) {
    where.push(`r.channel IN (${placeholders(f.channels.length)})`);
    params.push(...f.channels);
  }
  if (f.outcomeIds.length) {
    where.push(`r.outcome_id IN (${placeholders(f.outcomeIds.length)})`);
    params.push(...f.outcomeIds);
  }
  if (f.from != null) {
    where.push('r.created_at >= ?');
    params.push(f.from);
  }
  if (f.to != null) {
    where.push('r.created_at < ?');
    params.push(f.to);
  }
  if (f.overdue) {
    where.push("r.due_at < ? AND r.status IN ('nuovo','in_gestione')");
    params.push(now);
  }
  if (f.assigneeUserId) {
    where.push(
      "EXISTS (SELECT 1 FROM report_assignments a WHERE a.report_seq = r.seq AND a.kind = 'user' AND a.assignee_id = ?)",
    );
    params.push(f.assigneeUserId);
  }
  if (f.assigneeGroupId) {
    where.push(
      "EXISTS (SELECT 1 FROM report_assignments a WHERE a.report_seq = r.seq AND a.kind = 'group' AND a.assignee_id = ?)",
    );
    params.push(f.assigneeGroupId);
  }
  visibility(where, params, actor);
  return { from, where, params, order };
}

/** Suppliers see only what is assigned to them or to their groups: enforced in SQL. */
export function visibility(where: string[], params: unknown[], actor: Actor): void {
  if (!isSupplier(actor)) return;
  const g = actor.groupIds;
  where.push(
    `EXISTS (SELECT 1 FROM report_assignments va WHERE va.report_seq = r.seq AND
      ((va.kind = 'user' AND va.assignee_id = ?)${g.length ? ` OR (va.kind = 'group' AND va.assignee_id IN (${placeholders(g.length)}))` : ''}))`,
  );
  params.push(actor.id, ...g);
}

export function listSql(b: Built, redactReporters: boolean): string {
  const reporter = redactReporters
    ? 'NULL'
    : `(SELECT trim(p.nome || ' ' || p.cognome) FROM report_reporters rr JOIN reporters p ON p.id = rr.reporter_id
         WHERE rr.report_seq = r.seq ORDER BY rr.position LIMIT 1)`;
  return `SELECT r.id, r.code, r.title, r.status, r.channel, r.priority, r.category_id, c.name AS category_name,
      r.address, r.created_at, r.updated_at, r.due_at, r.outcome_id, ${reporter} AS reporter_name
    FROM ${b.from} LEFT JOIN categories c ON c.id = r.category_id
    ${b.where.length ? 'WHERE ' + b.where.join(' AND ') : ''}
    ORDER BY ${b.order} LIMIT ? OFFSET ?`;
}

export function countSql(b: Built): string {
  return `SELECT count(*) AS n FROM ${b.from} ${b.where.length ? 'WHERE ' + b.where.join(' AND ') : ''}`;
}

type Row = Record<string, unknown>;

export function toReportRow(r: Row, now: number): ReportRow {
  const dueAt = (r.due_at as number | null) ?? null;
  const status = r.status as ReportRow['status'];
  return {
    id: r.id as string,
    code: r.code as string,
    title: r.title as string,
    status,
    channel: r.channel as ReportRow['channel'],
    priority: r.priority as ReportRow['priority'],
    categoryId: (r.category_id as string | null) ?? null,
    categoryName: (r.category_name as string | null) ?? null,
    address: r.address as string,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    dueAt,
    overdue: isOverdue(dueAt, status, now),
    outcomeId: (r.outcome_id as string | null) ?? null,
    reporterName: (r.reporter_name as string | null) || null,
  };
}

export function listReports(db: Sqlite, q: ListQuery, actor: Actor, now: number) {
  const b = buildListQuery(db, q, actor, now);
  const redact = !hasPermission(actor, 'seesReporterData');
  const rows = (stmt(db, listSql(b, redact)).all(...b.params, q.limit, q.offset) as Row[]).map((r) =>
    toReportRow(r, now),
  );
  const total = q.withTotal ? (stmt(db, countSql(b)).get(...b.params) as { n: number }).n : null;
  return { rows, total };
}
