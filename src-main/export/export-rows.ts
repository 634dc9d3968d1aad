/**
 * The rows an export writes: the list's own WHERE (filters + the caller's visibility,
 * from buildListQuery) and sort, with the columns a spreadsheet needs. Names of
 * categories, users, groups and outcomes are looked up in memory (they are few), so
 * the SQL per report stays a primary-key walk plus two clustered child lookups.
 */
import {
  CHANNEL_LABELS as DOMAIN_CHANNEL_LABELS,
  PRIORITY_LABELS as DOMAIN_PRIORITY_LABELS,
} from '../../src-shared/domain/labels';
import type { ReportFilters, SORT_FIELDS } from '../../src-shared/api';
import type { Actor } from '../../src-shared/domain';
import { hasPermission, isOverdue, STATUS_LABELS } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import { buildListQuery, countSql } from '../db/repos/reports-list';

export interface ExportQueryInput {
  filters: ReportFilters;
  sort: { field: (typeof SORT_FIELDS)[number]; dir: 'asc' | 'desc' };
}

export type ColumnType = 'text' | 'date' | 'datetime' | 'number';
export interface Column {
  key: keyof ExportRow;
  header: string;
  type: ColumnType;
  width: number;
}

export interface ExportRow {
  code: string;
  createdAt: number;
  title: string;
  description: string;
  status: string;
  category: string;
  channel: string;
  priority: string;
  address: string;
  lat: number | null;
  lon: number | null;
  dueAt: number | null;
  overdue: string;
  closedAt: number | null;
  outcome: string;
  assignees: string;
  reporterName: string;
  reporterEmail: string;
  reporterPhone: string;
}

/** Looked up by plain strings (rows come from SQL): the domain's labels, widened. */
export const CHANNEL_LABELS: Record<string, string> = DOMAIN_CHANNEL_LABELS;
export const PRIORITY_LABELS: Record<string, string> = DOMAIN_PRIORITY_LABELS;

const BASE_COLUMNS: Column[] = [
  { key: 'code', header: 'Codice', type: 'text', width: 13 },
  { key: 'createdAt', header: 'Data creazione', type: 'datetime', width: 17 },
  { key: 'title', header: 'Titolo', type: 'text', width: 40 },
  { key: 'description', header: 'Descrizione', type: 'text', width: 60 },
  { key: 'status', header: 'Stato', type: 'text', width: 12 },
  { key: 'category', header: 'Categoria', type: 'text', width: 30 },
  { key: 'channel', header: 'Canale', type: 'text', width: 11 },
  { key: 'priority', header: 'Priorità', type: 'text', width: 10 },
  { key: 'address', header: 'Indirizzo', type: 'text', width: 35 },
  { key: 'lat', header: 'Latitudine', type: 'number', width: 11 },
  { key: 'lon', header: 'Longitudine', type: 'number', width: 11 },
  { key: 'dueAt', header: 'Scadenza', type: 'date', width: 12 },
  { key: 'overdue', header: 'Scaduta', type: 'text', width: 8 },
  { key: 'closedAt', header: 'Data chiusura', type: 'date', width: 12 },
  { key: 'outcome', header: 'Esito', type: 'text', width: 20 },
  { key: 'assignees', header: 'Assegnata a', type: 'text', width: 30 },
];
const REPORTER_COLUMNS: Column[] = [
  { key: 'reporterName', header: 'Segnalatore', type: 'text', width: 25 },
  { key: 'reporterEmail', header: 'Email segnalatore', type: 'text', width: 28 },
  { key: 'reporterPhone', header: 'Telefono segnalatore', type: 'text', width: 16 },
];

/** Users without "vede i dati dei segnalatori" get no reporter columns at all. */
export const columnsFor = (actor: Actor): Column[] =>
  hasPermission(actor, 'seesReporterData') ? [...BASE_COLUMNS, ...REPORTER_COLUMNS] : BASE_COLUMNS;

export interface PreparedExport {
  sql: string;
  countSql: string;
  params: unknown[];
  columns: Column[];
  toRow(raw: unknown[]): ExportRow;
}

type Row = Record<string, unknown>;

/** Built on the core's connection (lookups, FTS probe); run on any connection to the same file. */
export function prepareExport(
  db: Sqlite,
  input: ExportQueryInput,
  actor: Actor,
  now: number,
): PreparedExport {
  const b = buildListQuery(
    db,
    { filters: input.filters, sort: input.sort, offset: 0, limit: 1, withTotal: false },
    actor,
    now,
  );
  const withReporter = hasPermission(actor, 'seesReporterData');
  const categories = new Map<string, string>();
  const cats = db.prepare('SELECT id, parent_id, name FROM categories').all() as Row[];
  const byId = new Map(cats.map((c) => [c.id as string, c]));
  for (const c of cats) {
    const parent = c.parent_id ? byId.get(c.parent_id as string) : undefined;
    categories.set(
      c.id as string,
      parent ? `${parent.name as string} > ${c.name as string}` : (c.name as string),
    );
  }
  const outcomes = new Map(
    (db.prepare('SELECT id, label FROM outcomes').all() as Row[]).map((o) => [
      o.id as string,
      o.label as string,
    ]),
  );
  const people = new Map<string, string>();
  for (const u of db.prepare('SELECT id, full_name FROM users').all() as Row[])
    people.set(`user:${u.id as string}`, u.full_name as string);
  for (const g of db.prepare('SELECT id, name FROM groups').all() as Row[])
    people.set(`group:${g.id as string}`, g.name as string);

  const reporter = withReporter
    ? // The first reporter by position; min() instead of ORDER BY … LIMIT 1 spares a sorter per row.
      `(SELECT trim(p.nome || ' ' || p.cognome) || char(31) || coalesce(p.email, '') || char(31) || coalesce(p.telefono, '')
         FROM report_reporters rr JOIN reporters p ON p.id = rr.reporter_id
         WHERE rr.report_seq = r.seq AND rr.position = (SELECT min(x.position) FROM report_reporters x WHERE x.report_seq = r.seq))`
    : 'NULL';
  const where = b.where.length ? 'WHERE ' + b.where.join(' AND ') : '';
  // The category sort needs the categories join; every other order works on reports alone.
  const from =
    input.sort.field === 'category' ? `${b.from} LEFT JOIN categories c ON c.id = r.category_id` : b.from;
  const sql = `SELECT r.code, r.created_at, r.title, r.description, r.status, r.category_id, r.channel, r.priority,
      r.address, r.lat, r.lon, r.due_at, r.closed_at, r.outcome_id,
      (SELECT group_concat(a.kind || ':' || a.assignee_id, '|') FROM report_assignments a WHERE a.report_seq = r.seq) AS assignees,
      ${reporter} AS reporter
    FROM ${from} ${where} ORDER BY ${b.order}`;

  const toRow = (x: unknown[]): ExportRow => {
    const status = x[4] as string;
    const dueAt = (x[11] as number | null) ?? null;
    let rn = '';
    let re = '';
    let rp = '';
    if (x[15]) {
      const parts = (x[15] as string).split('\u001f');
      rn = parts[0] ?? '';
      re = parts[1] ?? '';
      rp = parts[2] ?? '';
    }
    return {
      code: x[0] as string,
      createdAt: x[1] as number,
      title: x[2] as string,
      description: x[3] as string,
      status: STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status,
      category: x[5] ? (categories.get(x[5] as string) ?? '') : '',
      channel: CHANNEL_LABELS[x[6] as string] ?? (x[6] as string),
      priority: PRIORITY_LABELS[x[7] as string] ?? (x[7] as string),
      address: x[8] as string,
      lat: (x[9] as number | null) ?? null,
      lon: (x[10] as number | null) ?? null,
      dueAt,
      overdue: isOverdue(dueAt, status, now) ? 'Sì' : 'No',
      closedAt: (x[12] as number | null) ?? null,
      outcome: x[13] ? (outcomes.get(x[13] as string) ?? '') : '',
      assignees: x[14]
        ? (x[14] as string)
            .split('|')
            .map((k) => people.get(k) ?? 'Sconosciuto')
            .join(', ')
        : '',
      reporterName: rn,
      reporterEmail: re,
      reporterPhone: rp,
    };
  };
  return { sql, countSql: countSql(b), params: b.params, columns: columnsFor(actor), toRow };
}
