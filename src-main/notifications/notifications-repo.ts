/**
 * In-app colleague notifications, derived on each PC from the replicated log: the
 * 'assigned' entries naming the user or one of their groups, and the notes that
 * @mention them, written by someone else. Nothing new is replicated (a synced PC gets
 * the same entries by pull); only the "read" marker is stored, locally, per user.
 * Both reads use partial indexes of migration 0008 (log_entries_assigned, _mentions).
 */
import type { Actor } from '../../src-shared/domain';
import { canSeeReport, isSupplier } from '../../src-shared/domain';
import type { NotificationView } from '../../src-shared/api/calls-suppliers';
import { noticesOfEntry } from '../../src-shared/mail-out/colleague';
import type { Sqlite } from '../db/migrate';
import { toAssignment, toLogEntry } from '../db/repos/rows';
import { stmt } from '../db/repos/stmt';

/** Older notifications are not shown: a new PC does not greet a user with years of them. */
export const NOTIFICATION_WINDOW_MS = 30 * 86_400_000;
/** The badge shows "99+" past 99: counting further would be work for nothing. */
const SCAN_LIMIT = 100;

type Row = Record<string, unknown>;

const COLS = 'l.*, r.id AS report_id, r.code AS report_code, r.title AS report_title';

function candidates(db: Sqlite, actor: Actor, since: number): Row[] {
  // One walk per assignee (the user, each of their groups): each reads the index in
  // time order and stops after SCAN_LIMIT rows, however busy a group is.
  const byAssignee = stmt(
    db,
    `SELECT ${COLS} FROM log_entries l JOIN reports r ON r.seq = l.report_seq
      WHERE l.action = 'assigned' AND json_extract(l.data, '$.assigneeId') = ?
        AND l.at >= ? AND l.actor_id <> ?
      ORDER BY l.at DESC LIMIT ?`,
  );
  const out: Row[] = [];
  for (const id of [actor.id, ...actor.groupIds])
    out.push(...(byAssignee.all(id, since, actor.id, SCAN_LIMIT) as Row[]));
  const mentioned = stmt(
    db,
    `SELECT ${COLS} FROM log_entries l JOIN reports r ON r.seq = l.report_seq
      WHERE l.mentions IS NOT NULL AND l.at >= ? AND l.actor_id <> ?
        AND EXISTS (SELECT 1 FROM json_each(l.mentions) WHERE value = ?)
      ORDER BY l.at DESC LIMIT ?`,
  ).all(since, actor.id, actor.id, SCAN_LIMIT) as Row[];
  return [...out, ...mentioned];
}

export function listNotifications(
  db: Sqlite,
  actor: Actor,
  now: number,
  limit: number,
): { unread: number; items: NotificationView[] } {
  const since = now - NOTIFICATION_WINDOW_MS;
  const myGroups = new Set(actor.groupIds);
  const seen = new Set<string>();
  const found: {
    entry: ReturnType<typeof toLogEntry>;
    row: Row;
    kind: 'assigned' | 'mention';
    groupId: string | null;
  }[] = [];
  for (const row of candidates(db, actor, since)) {
    const entry = toLogEntry(row.report_id as string, row);
    if (seen.has(entry.id)) continue;
    // The same rule as the emails: the user directly, or as a member of the group.
    const mine = noticesOfEntry(entry, (g) => (myGroups.has(g) ? [actor.id] : [])).find(
      (n) => n.userId === actor.id,
    );
    if (!mine) continue;
    seen.add(entry.id);
    found.push({ entry, row, kind: mine.kind, groupId: mine.groupId });
  }
  found.sort((a, b) => b.entry.at - a.entry.at || (a.entry.id < b.entry.id ? 1 : -1));
  found.length = Math.min(found.length, SCAN_LIMIT);

  const readIds = new Set(
    (
      stmt(
        db,
        'SELECT entry_id FROM notification_reads WHERE user_id = ? AND entry_id IN (SELECT value FROM json_each(?))',
      ).all(actor.id, JSON.stringify(found.map((f) => f.entry.id))) as { entry_id: string }[]
    ).map((r) => r.entry_id),
  );
  const userName = stmt(db, 'SELECT full_name FROM users WHERE id = ?');
  const groupName = stmt(db, 'SELECT name FROM groups WHERE id = ?');
  const supplier = isSupplier(actor);
  const assignmentsOf = stmt(
    db,
    'SELECT kind, assignee_id, assigned_at, assigned_by FROM report_assignments WHERE report_seq = ?',
  );
  const items: NotificationView[] = [];
  let unread = 0;
  for (const f of found) {
    // A fornitore hears only of reports it may open (a mention elsewhere stays invisible).
    if (supplier) {
      const assignments = (assignmentsOf.all(f.row.report_seq) as Row[]).map((a) =>
        toAssignment(f.entry.reportId, a),
      );
      if (!canSeeReport(actor, assignments)) continue;
    }
    const read = readIds.has(f.entry.id);
    if (!read) unread++;
    if (items.length >= limit) continue;
    items.push({
      id: f.entry.id,
      reportId: f.entry.reportId,
      code: f.row.report_code as string,
      title: f.row.report_title as string,
      kind: f.kind,
      actorName:
        (userName.get(f.entry.actorId) as { full_name: string } | undefined)?.full_name ?? 'Sportello',
      byRule: typeof f.entry.data?.byRule === 'string' ? f.entry.data.byRule : null,
      groupName: f.groupId
        ? ((groupName.get(f.groupId) as { name: string } | undefined)?.name ?? null)
        : null,
      text: f.kind === 'mention' ? f.entry.text : null,
      at: f.entry.at,
      read,
    });
  }
  return { unread, items };
}

export function markNotificationsRead(db: Sqlite, userId: string, entryIds: readonly string[], now: number) {
  const ins = stmt(
    db,
    'INSERT OR IGNORE INTO notification_reads (user_id, entry_id, read_at) VALUES (?, ?, ?)',
  );
  db.transaction(() => {
    for (const id of entryIds) ins.run(userId, id, now);
  })();
}
