/**
 * Loads the Snapshot a mutation declared it reads, from the row store. Mirrors
 * src-main/db/repos/entities.ts (the SQLite side), so a mutation sees the same shape of
 * state on the server as on a PC.
 */
import { loadDuplicateCandidates } from './duplicate-candidates';
import type { AutomationRule } from '../src-shared/domain/automations/rules';
import type { Activity } from '../src-shared/domain/activities/activity';
import type { AddressBookEntry } from '../src-shared/domain/address-book';
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
import type { RowSource } from './row-source';
import type { Queryable } from './storage/storage';

const uniq = (xs: readonly string[] | undefined) => [...new Set(xs ?? [])];

async function byKeys(q: RowSource, pairs: [string, string][]) {
  return pairs.length === 0 ? [] : q.byKeys(pairs);
}

/**
 * Reads go through a RowSource (row-source.ts), never SQL of their own: a push batch
 * answers them from its in-memory overlay, with what earlier mutations of the batch wrote.
 */
export async function loadSnapshot(q: RowSource, reads: ReadSet): Promise<Snapshot> {
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
  want('address_book', reads.addressBook);
  const rows = await byKeys(q, pairs);

  const children = [
    ...(reportIds.length === 0 ? [] : await q.owned(['report_assignments', 'report_reporters'], reportIds)),
    ...(groupIds.length === 0 ? [] : await q.owned(['group_members'], groupIds)),
  ];
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
      case 'address_book':
        s.addressBook.set(r.key, d as unknown as AddressBookEntry);
        break;
    }
  }

  // Rules on a change read the reporters' email domains.
  if (reads.automations) {
    const linked = [...s.reports.values()]
      .flatMap((r) => r.reporters.map((l) => l.reporterId))
      .filter((id) => !s.reporters.has(id));
    for (const r of await byKeys(
      q,
      uniq(linked).map((id) => ['reporters', id]),
    )) {
      s.reporters.set(r.key, r.data as unknown as Reporter);
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
    const rules = await q.all('automation_rules');
    s.rules = rules
      .map((r) => r.data as unknown as AutomationRule)
      .filter((r) => r.active)
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

  const activityReports = uniq(reads.activities);
  if (activityReports.length > 0) {
    const found = await q.owned(['report_activities'], activityReports);
    for (const { data } of found) s.activities.set(String(data.id), data as unknown as Activity);
  }

  const usernames = uniq(reads.usernames);
  if (usernames.length > 0) {
    const found = await q.byField('users', 'username', usernames);
    for (const { data } of found) s.usernames.set(String(data.username), data as unknown as User);
  }

  const emails = uniq(reads.reporterEmails?.map((e) => e.toLowerCase()));
  if (emails.length > 0) {
    const found = (await q.byField('reporters', 'email', emails))
      .map((r) => r.data as unknown as Reporter)
      .sort((a, b) => b.updatedAt - a.updatedAt);
    for (const data of found) {
      const e = data.email!.toLowerCase();
      if (!s.reportersByEmail.has(e)) s.reportersByEmail.set(e, data);
    }
  }
  if (reads.duplicatesOf) await loadDuplicateCandidates(q, s, reads.duplicatesOf);
  return s;
}

/**
 * The acting user as the server knows it: the users row and the active groups it belongs
 * to. Never what a client claims. Null when the user does not exist.
 */
export async function loadActor(q: Queryable, userId: string): Promise<(Actor & { user: User }) | null> {
  // One round trip: every push and pull starts with it.
  const [u] = await q.query<{ data: User; groups: string[] | null }>(
    `SELECT u.data, ${actorGroupsSql('$1')} AS groups
       FROM sync_rows u WHERE u.tbl = 'users' AND u.key = $1 AND NOT u.deleted`,
    [userId],
  );
  return u ? toActor(u.data, u.groups) : null;
}

/** The active groups of the user `param` names, as a text[] column (see loadActor). */
export function actorGroupsSql(param: string): string {
  return `ARRAY(
         SELECT g.key FROM sync_rows m
           JOIN sync_rows g ON g.tbl = 'groups' AND g.key = m.owner AND NOT g.deleted
          WHERE m.tbl = 'group_members' AND NOT m.deleted AND (m.data->>'userId') = ${param}
            AND (g.data->>'active')::boolean
          ORDER BY g.key)`;
}

export function toActor(user: User, groupIds: string[] | null): Actor & { user: User } {
  return {
    id: user.id,
    role: user.role,
    permissions: user.permissions,
    groupIds: groupIds ?? [],
    user,
  };
}
