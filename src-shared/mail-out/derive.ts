/**
 * Which citizen notifications a mutation causes, read from the changes it made (its
 * log entries), not from its name: the mail intake's report.receiveMail creates a
 * report just like report.create, and the sync server can run the very same function
 * on the mutations it applies.
 */
import type { Change } from '../domain/mutations/framework';
import type { NotificationKind } from './templates';

export interface NotificationTrigger {
  kind: NotificationKind;
  reportId: string;
}

export function deriveNotifications(changes: readonly Change[]): NotificationTrigger[] {
  const out: NotificationTrigger[] = [];
  const seen = new Set<string>();
  const add = (kind: NotificationKind, reportId: string) => {
    const key = `${kind}:${reportId}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ kind, reportId });
  };
  for (const c of changes) {
    if (c.table !== 'log_entries' || c.op !== 'put') continue;
    const { action, data, reportId } = c.row;
    if (action === 'created') add('receipt', reportId);
    else if (action === 'status_changed' && data?.before === 'nuovo' && data?.after === 'in_gestione')
      add('in_charge', reportId);
    else if (action === 'closed') add('closure', reportId);
  }
  return out;
}

/** A switch of one notification, for every category (categoryId null) or for one. */
export interface NotifyRule {
  kind: NotificationKind;
  categoryId: string | null;
  enabled: boolean;
}

/**
 * The most specific rule wins: the report's category, then its parents, then the
 * global switch; with no rule at all the notification is on.
 * @param categoryPath the report's category first, then its ancestors
 */
export function notificationEnabled(
  rules: readonly NotifyRule[],
  kind: NotificationKind,
  categoryPath: readonly string[],
): boolean {
  const mine = rules.filter((r) => r.kind === kind);
  for (const id of categoryPath) {
    const r = mine.find((x) => x.categoryId === id);
    if (r) return r.enabled;
  }
  return mine.find((x) => x.categoryId === null)?.enabled ?? true;
}
