import type { Sqlite } from '../db/migrate';

const BUSINESS_TABLES = [
  'report_assignments',
  'report_reporters',
  'attachments',
  'log_entries',
  'report_activities',
  'report_codes',
  'reports',
  'reporters',
  'categories',
  'outcomes',
  'users',
  'groups',
  'group_members',
  'automation_rules',
  'address_book',
  'notification_reads',
  'outbox',
  'code_counters',
  'sessions',
  'credentials',
];

/**
 * Empties the replica's business data before a (re)bootstrap from the server. The
 * caller makes sure nothing pending is lost (the outbox is empty or already pushed).
 */
export function wipeReplica(db: Sqlite): void {
  for (const t of BUSINESS_TABLES) db.prepare(`DELETE FROM ${t}`).run();
  db.prepare('DELETE FROM reports_fts').run();
}
