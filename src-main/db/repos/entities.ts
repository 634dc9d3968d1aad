/** Point reads of entities, used to build mutation snapshots and API views. */
import { loadDuplicateCandidates } from './duplicates';
import type { Group, ReportState, Snapshot, ReadSet } from '../../../src-shared/domain';
import { emptySnapshot } from '../../../src-shared/domain';
import type { Sqlite } from '../migrate';
import {
  REPORT_COLS,
  toAssignment,
  toAttachment,
  toCategory,
  toGroup,
  toOutcome,
  toReport,
  toReporter,
  toUser,
  toAddressBookEntry,
} from './rows';
import { stmt } from './stmt';
import { activeRules } from './active-rules';
import { activitiesOfReport } from './activities-rows';

type Row = Record<string, unknown>;

export function reportSeq(db: Sqlite, id: string): number | undefined {
  const r = stmt(db, 'SELECT seq FROM reports WHERE id = ?').get(id) as { seq: number } | undefined;
  return r?.seq;
}

export function getReportState(db: Sqlite, id: string): (ReportState & { seq: number }) | undefined {
  const row = stmt(db, `SELECT ${REPORT_COLS} FROM reports WHERE id = ?`).get(id) as Row | undefined;
  if (!row) return undefined;
  const seq = row.seq as number;
  const assignments = (
    stmt(
      db,
      'SELECT kind, assignee_id, assigned_at, assigned_by FROM report_assignments WHERE report_seq = ?',
    ).all(seq) as Row[]
  ).map((r) => toAssignment(id, r));
  const reporters = (
    stmt(db, 'SELECT reporter_id, position FROM report_reporters WHERE report_seq = ? ORDER BY position').all(
      seq,
    ) as Row[]
  ).map((r) => ({ reportId: id, reporterId: r.reporter_id as string, position: r.position as number }));
  return { seq, report: toReport(row), assignments, reporters };
}

export function getGroup(db: Sqlite, id: string): Group | undefined {
  const row = stmt(db, 'SELECT * FROM groups WHERE id = ?').get(id) as Row | undefined;
  if (!row) return undefined;
  const members = (stmt(db, 'SELECT user_id FROM group_members WHERE group_id = ?').all(id) as Row[]).map(
    (r) => r.user_id as string,
  );
  return toGroup(row, members);
}

export function getUser(db: Sqlite, id: string) {
  const row = stmt(db, 'SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
  return row ? toUser(row) : undefined;
}

export function getUserByUsername(db: Sqlite, username: string) {
  const row = stmt(db, 'SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
  return row ? toUser(row) : undefined;
}

export function userGroupIds(db: Sqlite, userId: string): string[] {
  return (
    stmt(
      db,
      'SELECT gm.group_id FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.user_id = ? AND g.active = 1',
    ).all(userId) as Row[]
  ).map((r) => r.group_id as string);
}

/** Loads exactly what a mutation declared it reads. */
export function loadSnapshot(db: Sqlite, reads: ReadSet): Snapshot {
  const s = emptySnapshot();
  for (const id of reads.reports ?? []) {
    const r = getReportState(db, id);
    if (r) s.reports.set(id, { report: r.report, assignments: r.assignments, reporters: r.reporters });
    // A report's current category comes along: log entries name it, not just its id.
    if (r?.report.categoryId) (reads.categories ??= []).push(r.report.categoryId);
    // Rules on a change read the reporters' email domains.
    if (r && reads.automations) (reads.reporters ??= []).push(...r.reporters.map((l) => l.reporterId));
  }
  for (const id of reads.reporters ?? []) {
    const r = stmt(db, 'SELECT * FROM reporters WHERE id = ?').get(id) as Row | undefined;
    if (r) s.reporters.set(id, toReporter(r));
  }
  for (const email of reads.reporterEmails ?? []) {
    const r = stmt(db, 'SELECT * FROM reporters WHERE email = ? ORDER BY updated_at DESC LIMIT 1').get(
      email.toLowerCase(),
    ) as Row | undefined;
    if (r) s.reportersByEmail.set(email.toLowerCase(), toReporter(r));
  }
  if (reads.automations) {
    s.rules = activeRules(db);
    // What the rules' actions name, so a mutation can check it and log names.
    // Each one once: 200 rules name a handful of people.
    for (const r of s.rules) {
      for (const id of r.actions.assignUserIds) {
        if (s.users.has(id)) continue;
        const u = getUser(db, id);
        if (u) s.users.set(id, u);
      }
      for (const id of r.actions.assignGroupIds) {
        if (s.groups.has(id)) continue;
        const g = getGroup(db, id);
        if (g) s.groups.set(id, g);
      }
    }
  }
  for (const id of reads.categories ?? []) {
    const r = stmt(db, 'SELECT * FROM categories WHERE id = ?').get(id) as Row | undefined;
    if (r) s.categories.set(id, toCategory(r));
  }
  // Parents of loaded categories (rules on a parent cover its subcategories).
  for (const c of [...s.categories.values()]) {
    if (c.parentId && !s.categories.has(c.parentId)) {
      const p = stmt(db, 'SELECT * FROM categories WHERE id = ?').get(c.parentId) as Row | undefined;
      if (p) s.categories.set(c.parentId, toCategory(p));
    }
  }
  for (const id of reads.addressBook ?? []) {
    const r = stmt(db, 'SELECT * FROM address_book WHERE id = ?').get(id) as Row | undefined;
    if (r) s.addressBook.set(id, toAddressBookEntry(r));
  }
  for (const id of reads.outcomes ?? []) {
    const r = stmt(db, 'SELECT * FROM outcomes WHERE id = ?').get(id) as Row | undefined;
    if (r) s.outcomes.set(id, toOutcome(r));
  }
  for (const id of reads.users ?? []) {
    const u = getUser(db, id);
    if (u) s.users.set(id, u);
  }
  for (const name of reads.usernames ?? []) {
    const u = getUserByUsername(db, name);
    if (u) s.usernames.set(name, u);
  }
  for (const id of reads.groups ?? []) {
    const g = getGroup(db, id);
    if (g) s.groups.set(id, g);
  }
  for (const id of reads.activities ?? []) {
    const seq = reportSeq(db, id);
    if (seq !== undefined) for (const a of activitiesOfReport(db, seq, id)) s.activities.set(a.id, a);
  }
  for (const id of reads.attachments ?? []) {
    const r = stmt(
      db,
      'SELECT a.*, r.id AS report_id FROM attachments a JOIN reports r ON r.seq = a.report_seq WHERE a.id = ?',
    ).get(id) as Row | undefined;
    if (r) s.attachments.set(id, toAttachment(r.report_id as string, r));
  }
  if (reads.duplicatesOf) loadDuplicateCandidates(db, s, reads.duplicatesOf);
  return s;
}
