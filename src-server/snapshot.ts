/**
 * Loads the Snapshot a mutation declared it reads, from the row store. Mirrors
 * src-main/db/repos/entities.ts (the SQLite side), so a mutation sees the same shape of
 * state on the server as on a PC.
 */
import type { AutomationRule } from '../src-shared/domain/automations/rules';
import type {
  Actor,
  Assignment,
  Attachment,
  Category,
  Group,
  Outcome,
  ReadSet,
  Report,
  Reporter,
  ReportReporter,
  Snapshot,
  User,
} from '../src-shared/domain';
import { emptySnapshot } from '../src-shared/domain';
import type { Queryable } from './storage/storage';

type DataRow = { tbl: string; key: string; owner: string | null; data: Record<string, unknown> };

const uniq = (xs: readonly string[] | undefined) => [...new Set(xs ?? [])];

async function byKeys(q: Queryable, pairs: [string, string][]): Promise<DataRow[]> {
  if (pairs.length === 0) return [];
  return q.query<DataRow>(
    `SELECT tbl, key, owner, data FROM sync_rows
      WHERE NOT deleted AND (tbl, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
}

export async function loadSnapshot(q: Queryable, reads: ReadSet): Promise<Snapshot> {
  const s = emptySnapshot();
  const reportIds = uniq(reads.reports);
  const groupIds = uniq(reads.groups);
  const pairs: [string, string][] = [];
  const want = (tbl: string, ids: string[] | undefined) => {
    for (const id of uniq(ids)) pairs.push([tbl, id]);
  };
  want('reports', reportIds);
  want('reporters', reads.reporters);
  want('categories', reads.categories);
  want('outcomes', reads.outcomes);
  want('users', reads.users);
  want('groups', groupIds);
  want('attachments', reads.attachments);
  const rows = await byKeys(q, pairs);

  const children =
    reportIds.length + groupIds.length === 0
      ? []
      : await q.query<DataRow>(
          `SELECT tbl, key, owner, data FROM sync_rows
            WHERE NOT deleted
              AND ((tbl IN ('report_assignments', 'report_reporters') AND owner = ANY($1::text[]))
                OR (tbl = 'group_members' AND owner = ANY($2::text[])))`,
          [reportIds, groupIds],
        );
  const assignments = new Map<string, Assignment[]>();
  const links = new Map<string, ReportReporter[]>();
  const members = new Map<string, string[]>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => m.set(k, [...(m.get(k) ?? []), v]);
  for (const c of children) {
    if (c.tbl === 'report_assignments') push(assignments, c.owner!, c.data as unknown as Assignment);
    else if (c.tbl === 'report_reporters') push(links, c.owner!, c.data as unknown as ReportReporter);
    else push(members, c.owner!, String(c.data.userId));
  }

  for (const r of rows) {
    const d = r.data;
    switch (r.tbl) {
      case 'reports':
        s.reports.set(r.key, {
          report: d as unknown as Report,
          assignments: assignments.get(r.key) ?? [],
          reporters: (links.get(r.key) ?? []).sort((a, b) => a.position - b.position),
        });
        break;
      case 'reporters':
        s.reporters.set(r.key, d as unknown as Reporter);
        break;
      case 'categories':
        s.categories.set(r.key, d as unknown as Category);
        break;
      case 'outcomes':
        s.outcomes.set(r.key, d as unknown as Outcome);
        break;
      case 'users':
        s.users.set(r.key, d as unknown as User);
        break;
      case 'groups':
        s.groups.set(r.key, {
          ...(d as unknown as Omit<Group, 'memberIds'>),
          memberIds: members.get(r.key) ?? [],
        });
        break;
      case 'attachments':
        s.attachments.set(r.key, d as unknown as Attachment);
        break;
    }
  }

  // A report's current category comes along: log entries name it, not just its id.
  const missingCategories = [...s.reports.values()]
    .map((r) => r.report.categoryId)
    .filter((id): id is string => !!id && !s.categories.has(id));
  for (const r of await byKeys(
    q,
    uniq(missingCategories).map((id) => ['categories', id]),
  )) {
    s.categories.set(r.key, r.data as unknown as Category);
  }

  // Parents of loaded categories: a rule on a parent covers its subcategories.
  const parents = [...s.categories.values()]
    .map((c) => c.parentId)
    .filter((id): id is string => !!id && !s.categories.has(id));
  for (const r of await byKeys(
    q,
    uniq(parents).map((id) => ['categories', id]),
  )) {
    s.categories.set(r.key, r.data as unknown as Category);
  }

  if (reads.automations) {
    const rules = await q.query<{ data: AutomationRule }>(
      `SELECT data FROM sync_rows WHERE tbl = 'automation_rules' AND NOT deleted AND (data->>'active')::boolean`,
    );
    s.rules = rules
      .map((r) => r.data)
      .sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name));
    const named: [string, string][] = [];
    for (const r of s.rules) {
      for (const id of r.actions.assignUserIds) if (!s.users.has(id)) named.push(['users', id]);
      for (const id of r.actions.assignGroupIds) if (!s.groups.has(id)) named.push(['groups', id]);
    }
    for (const r of await byKeys(q, named)) {
      if (r.tbl === 'users') s.users.set(r.key, r.data as unknown as User);
      // Group members are not needed to assign a group.
      else s.groups.set(r.key, { ...(r.data as unknown as Omit<Group, 'memberIds'>), memberIds: [] });
    }
  }

  const usernames = uniq(reads.usernames);
  if (usernames.length > 0) {
    const found = await q.query<{ data: User }>(
      `SELECT data FROM sync_rows WHERE tbl = 'users' AND NOT deleted AND (data->>'username') = ANY($1::text[])`,
      [usernames],
    );
    for (const { data } of found) s.usernames.set(data.username, data);
  }

  const emails = uniq(reads.reporterEmails?.map((e) => e.toLowerCase()));
  if (emails.length > 0) {
    const found = await q.query<{ data: Reporter }>(
      `SELECT data FROM sync_rows WHERE tbl = 'reporters' AND NOT deleted AND (data->>'email') = ANY($1::text[])
        ORDER BY (data->>'updatedAt')::bigint DESC`,
      [emails],
    );
    for (const { data } of found) {
      const e = data.email!.toLowerCase();
      if (!s.reportersByEmail.has(e)) s.reportersByEmail.set(e, data);
    }
  }
  return s;
}

/**
 * The acting user as the server knows it: the users row and the active groups it belongs
 * to. Never what a client claims. Null when the user does not exist.
 */
export async function loadActor(q: Queryable, userId: string): Promise<(Actor & { user: User }) | null> {
  const [u] = await q.query<{ data: User }>(
    `SELECT data FROM sync_rows WHERE tbl = 'users' AND key = $1 AND NOT deleted`,
    [userId],
  );
  if (!u) return null;
  const groups = await q.query<{ key: string }>(
    `SELECT g.key FROM sync_rows m
       JOIN sync_rows g ON g.tbl = 'groups' AND g.key = m.owner AND NOT g.deleted
      WHERE m.tbl = 'group_members' AND NOT m.deleted AND (m.data->>'userId') = $1
        AND (g.data->>'active')::boolean
      ORDER BY g.key`,
    [userId],
  );
  return {
    id: u.data.id,
    role: u.data.role,
    permissions: u.data.permissions,
    groupIds: groups.map((g) => g.key),
    user: u.data,
  };
}
