/** Reads behind the report detail, "Vai al codice" and the dashboard. */
import type { Dashboard, LogView, ReportDetail, ReporterView } from '../../../src-shared/api';
import type { Actor, Reporter } from '../../../src-shared/domain';
import { canSeeReport, hasPermission, isOverdue, redactLogData } from '../../../src-shared/domain';
import type { Sqlite } from '../migrate';
import { getReportState } from './entities';
import { mergedReports } from './merged-read';
import { listReports, toReportRow, visibility } from './reports-list';
import { toAttachment, toLogEntry, toReporter } from './rows';
import { stmt } from './stmt';

type Row = Record<string, unknown>;

export function reporterView(r: Reporter, redact: boolean): ReporterView {
  if (redact) {
    return {
      id: r.id,
      nome: 'Dati riservati',
      cognome: '',
      email: null,
      telefono: null,
      codiceFiscale: null,
      indirizzo: null,
      redacted: true,
    };
  }
  return {
    id: r.id,
    nome: r.nome,
    cognome: r.cognome,
    email: r.email,
    telefono: r.telefono,
    codiceFiscale: r.codiceFiscale,
    indirizzo: r.indirizzo,
    redacted: false,
  };
}

function names(db: Sqlite) {
  const users = stmt(db, 'SELECT full_name FROM users WHERE id = ?');
  const groups = stmt(db, 'SELECT name FROM groups WHERE id = ?');
  return {
    user: (id: string) => ((users.get(id) as Row | undefined)?.full_name as string) ?? 'Utente sconosciuto',
    group: (id: string) => ((groups.get(id) as Row | undefined)?.name as string) ?? 'Gruppo sconosciuto',
  };
}

export function getReportDetail(db: Sqlite, id: string, actor: Actor, now: number): ReportDetail | null {
  const st = getReportState(db, id);
  if (!st || !canSeeReport(actor, st.assignments)) return null;
  const { report: r, seq } = st;
  const n = names(db);
  const redact = !hasPermission(actor, 'seesReporterData');
  const cat = r.categoryId
    ? (stmt(
        db,
        `SELECT c.name, p.name AS parent FROM categories c LEFT JOIN categories p ON p.id = c.parent_id WHERE c.id = ?`,
      ).get(r.categoryId) as Row | undefined)
    : undefined;
  const outcome = r.outcomeId
    ? (stmt(db, 'SELECT label FROM outcomes WHERE id = ?').get(r.outcomeId) as Row | undefined)
    : undefined;
  // Reports merged into this one: their reporters, attachments and log read as its own.
  const merged = mergedReports(db, id).map((m) => ({
    ...m,
    reporterIds: [] as string[],
    attachmentIds: [] as string[],
    logIds: [] as string[],
  }));
  const reporterRows = stmt(
    db,
    `SELECT p.* FROM report_reporters rr JOIN reporters p ON p.id = rr.reporter_id
     WHERE rr.report_seq = ? ORDER BY rr.position`,
  );
  const reporters = (reporterRows.all(seq) as Row[]).map((p) => reporterView(toReporter(p), redact));
  const attachmentRows = stmt(db, 'SELECT * FROM attachments WHERE report_seq = ? ORDER BY created_at, id');
  const attachments = (attachmentRows.all(seq) as Row[]).map((a) => {
    const { reportId: _r, ...v } = toAttachment(id, a);
    return v;
  });
  const logRows = stmt(db, 'SELECT * FROM log_entries WHERE report_seq = ? ORDER BY id');
  const logView = (reportId: string, e: Row): LogView => {
    const { reportId: _r, ...v } = toLogEntry(reportId, e);
    if (redact) v.data = redactLogData(v.data);
    return { ...v, actorName: n.user(v.actorId) };
  };
  const log: LogView[] = (logRows.all(seq) as Row[]).map((e) => logView(id, e));
  const seenReporters = new Set(reporters.map((p) => p.id));
  for (const m of merged) {
    for (const p of reporterRows.all(m.seq) as Row[]) {
      m.reporterIds.push(p.id as string);
      if (seenReporters.has(p.id as string)) continue;
      seenReporters.add(p.id as string);
      reporters.push(reporterView(toReporter(p), redact));
    }
    for (const a of attachmentRows.all(m.seq) as Row[]) {
      const { reportId: _r, ...v } = toAttachment(m.id, a);
      m.attachmentIds.push(v.id);
      attachments.push(v);
    }
    for (const e of logRows.all(m.seq) as Row[]) {
      m.logIds.push(e.id as string);
      log.push(logView(m.id, e));
    }
  }
  if (merged.length) {
    attachments.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    log.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  }
  const mainCode = r.mergedInto
    ? ((stmt(db, 'SELECT code FROM reports WHERE id = ?').pluck().get(r.mergedInto) as string | undefined) ??
      null)
    : null;
  const aliases = (stmt(db, 'SELECT code FROM report_codes WHERE report_id = ?').all(id) as Row[]).map(
    (x) => x.code as string,
  );
  return {
    id: r.id,
    code: r.code,
    aliases,
    title: r.title,
    description: r.description,
    categoryId: r.categoryId,
    categoryPath: cat
      ? cat.parent
        ? `${cat.parent as string} > ${cat.name as string}`
        : (cat.name as string)
      : null,
    address: r.address,
    lat: r.lat,
    lon: r.lon,
    channel: r.channel,
    status: r.status,
    outcomeId: r.outcomeId,
    outcomeLabel: (outcome?.label as string) ?? null,
    closingNote: r.closingNote,
    priority: r.priority,
    dueAt: r.dueAt,
    overdue: isOverdue(r.dueAt, r.status, now),
    mergedInto: r.mergedInto,
    mainCode,
    merged: merged.map(({ seq: _s, ...m }) => m),
    createdBy: r.createdBy,
    createdByName: n.user(r.createdBy),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    closedAt: r.closedAt,
    reporters,
    assignments: st.assignments.map((a) => ({
      kind: a.kind,
      assigneeId: a.assigneeId,
      name: a.kind === 'user' ? n.user(a.assigneeId) : n.group(a.assigneeId),
      assignedAt: a.assignedAt,
    })),
    attachments,
    log,
  };
}

/** A code (final or alias) → report id. */
export function findByCode(db: Sqlite, code: string): { id: string; code: string } | null {
  const r = stmt(db, 'SELECT id, code FROM reports WHERE code = ?').get(code) as Row | undefined;
  if (r) return { id: r.id as string, code: r.code as string };
  const a = stmt(
    db,
    'SELECT r.id, r.code FROM report_codes rc JOIN reports r ON r.id = rc.report_id WHERE rc.code = ?',
  ).get(code) as Row | undefined;
  return a ? { id: a.id as string, code: a.code as string } : null;
}

export function dashboard(db: Sqlite, actor: Actor, now: number): Dashboard {
  const where: string[] = [];
  const params: unknown[] = [];
  visibility(where, params, actor);
  const w = where.length ? where.join(' AND ') : '1';
  const byStatus = { nuovo: 0, in_gestione: 0, chiuso: 0 };
  for (const row of stmt(
    db,
    `SELECT r.status, count(*) AS n FROM reports r WHERE ${w} GROUP BY r.status`,
  ).all(...params) as Row[]) {
    if ((row.status as string) in byStatus) byStatus[row.status as keyof typeof byStatus] = row.n as number;
  }
  const overdue = (
    stmt(
      db,
      `SELECT count(*) AS n FROM reports r INDEXED BY reports_open_due
       WHERE r.status IN ('nuovo','in_gestione') AND r.due_at IS NOT NULL AND r.due_at < ? AND ${w}`,
    ).get(now, ...params) as Row
  ).n as number;
  const mineWhere = `EXISTS (SELECT 1 FROM report_assignments a WHERE a.report_seq = r.seq AND
      ((a.kind = 'user' AND a.assignee_id = ?)${actor.groupIds.length ? ` OR (a.kind = 'group' AND a.assignee_id IN (${actor.groupIds.map(() => '?').join(',')}))` : ''}))`;
  const mineParams = [actor.id, ...actor.groupIds];
  const mine = (
    stmt(
      db,
      `SELECT count(*) AS n FROM reports r WHERE r.status IN ('nuovo','in_gestione') AND ${w} AND ${mineWhere}`,
    ).get(...params, ...mineParams) as Row
  ).n as number;
  const myOverdue = (
    stmt(
      db,
      `SELECT count(*) AS n FROM reports r WHERE r.status IN ('nuovo','in_gestione') AND r.due_at < ? AND ${w} AND ${mineWhere}`,
    ).get(now, ...params, ...mineParams) as Row
  ).n as number;
  const base = {
    filters: {
      q: '',
      statuses: ['nuovo', 'in_gestione', 'chiuso'] as ('nuovo' | 'in_gestione' | 'chiuso')[],
      categoryIds: [],
      assigneeUserId: null,
      assigneeGroupId: null,
      channels: [],
      outcomeIds: [],
      from: null,
      to: null,
      overdue: false,
    },
    sort: { field: 'createdAt' as const, dir: 'desc' as const },
    offset: 0,
    limit: 8,
    withTotal: false,
  };
  const latest = listReports(db, base, actor, now).rows;
  const myLatest = (
    stmt(
      db,
      `SELECT r.id, r.code, r.title, r.status, r.channel, r.priority, r.category_id, c.name AS category_name,
         r.address, r.created_at, r.updated_at, r.due_at, r.outcome_id, NULL AS reporter_name
       FROM reports r LEFT JOIN categories c ON c.id = r.category_id
       WHERE r.status IN ('nuovo','in_gestione') AND ${w} AND ${mineWhere}
       ORDER BY r.created_at DESC LIMIT 8`,
    ).all(...params, ...mineParams) as Row[]
  ).map((r) => toReportRow(r, now));
  return { byStatus, overdue, mine, myOverdue, latest, myLatest };
}
