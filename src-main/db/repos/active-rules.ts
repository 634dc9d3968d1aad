/**
 * The active automation rules, parsed once and reused while they are unchanged: every
 * report mutation reads them all (200 rules are 400 JSON documents), and they change a
 * few times a year.
 *
 * Unchanged means: no write through applyChange since (the counter below: every
 * mutation, pull and rebase writes rules that way, even twice in one millisecond) and
 * the same count/sums of the table (what catches the other writers: the bootstrap's
 * bulk writer, a wipe, a rolled-back transaction). The parsed rules are shared
 * read-only between mutations.
 */
import type { AutomationRule } from '../../../src-shared/domain/automations/rules';
import type { Sqlite } from '../migrate';
import { toRule } from './rows';
import { stmt } from './stmt';

const cache = new WeakMap<Sqlite, { key: string; rules: AutomationRule[] }>();
const writes = new WeakMap<Sqlite, number>();

/** Called by applyChange for every write to automation_rules. */
export function rulesChanged(db: Sqlite): void {
  writes.set(db, (writes.get(db) ?? 0) + 1);
}

export function activeRules(db: Sqlite): AutomationRule[] {
  const k = stmt(
    db,
    `SELECT count(*) AS n, total(updated_at) AS t, total(active) AS a, total(on_update) AS u,
            total(sort_order) AS o, total(length(conditions) + length(actions) + length(name)) AS l
       FROM automation_rules`,
  ).get() as { n: number; t: number; a: number; u: number; o: number; l: number };
  const key = `${writes.get(db) ?? 0}:${k.n}:${k.t}:${k.a}:${k.u}:${k.o}:${k.l}`;
  const hit = cache.get(db);
  if (hit && hit.key === key) return hit.rules;
  const rules = (
    stmt(db, 'SELECT * FROM automation_rules WHERE active = 1 ORDER BY sort_order, name').all() as Record<
      string,
      unknown
    >[]
  ).map(toRule);
  cache.set(db, { key, rules });
  return rules;
}
