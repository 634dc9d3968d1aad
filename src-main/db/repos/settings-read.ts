import type { Category, Group, Outcome, User } from '../../../src-shared/domain';
import type { Sqlite } from '../migrate';
import { toCategory, toGroup, toOutcome, toUser } from './rows';
import { stmt } from './stmt';

type Row = Record<string, unknown>;

export const listCategories = (db: Sqlite): Category[] =>
  (stmt(db, 'SELECT * FROM categories ORDER BY sort_order, name').all() as Row[]).map(toCategory);

export const listOutcomes = (db: Sqlite): Outcome[] =>
  (stmt(db, 'SELECT * FROM outcomes ORDER BY sort_order, label').all() as Row[]).map(toOutcome);

export const listUsers = (db: Sqlite): User[] =>
  (stmt(db, 'SELECT * FROM users ORDER BY full_name').all() as Row[]).map(toUser);

export function listGroups(db: Sqlite): Group[] {
  const members = new Map<string, string[]>();
  for (const m of stmt(db, 'SELECT group_id, user_id FROM group_members').all() as Row[]) {
    const list = members.get(m.group_id as string) ?? [];
    list.push(m.user_id as string);
    members.set(m.group_id as string, list);
  }
  return (stmt(db, 'SELECT * FROM groups ORDER BY name').all() as Row[]).map((g) =>
    toGroup(g, members.get(g.id as string) ?? []),
  );
}

export function groupIdsByUser(db: Sqlite): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of stmt(db, 'SELECT group_id, user_id FROM group_members').all() as Row[]) {
    const list = out.get(m.user_id as string) ?? [];
    list.push(m.group_id as string);
    out.set(m.user_id as string, list);
  }
  return out;
}

export function getMeta(db: Sqlite, key: string): string | undefined {
  return (stmt(db, 'SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined)?.value as
    string | undefined;
}

export function setMeta(db: Sqlite, key: string, value: string): void {
  stmt(db, 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
}
