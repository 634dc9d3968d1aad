/** The Italian sentence of a colleague notification in the bell's list. */
import type { NotificationView } from '../../src-shared/api/calls-suppliers';

export function notificationText(
  n: Pick<NotificationView, 'kind' | 'actorName' | 'groupName' | 'code'> & { byRule?: string | null },
): string {
  const who = n.byRule ? `La regola «${n.byRule}»` : n.actorName;
  if (n.kind === 'mention') return `${who} ti ha menzionato nella segnalazione ${n.code}`;
  if (n.groupName) return `${who} ha assegnato la segnalazione ${n.code} al tuo gruppo «${n.groupName}»`;
  return `${who} ti ha assegnato la segnalazione ${n.code}`;
}

/** The badge: the count, "99+" past 99, nothing at zero. */
export const unreadBadge = (n: number) => (n <= 0 ? '' : n > 99 ? '99+' : String(n));

/** The bell's accessible name, which says the count too. */
export const bellLabel = (n: number) =>
  n === 0
    ? 'Notifiche: nessuna da leggere'
    : n === 1
      ? 'Notifiche: 1 da leggere'
      : `Notifiche: ${n} da leggere`;
