import { describe, expect, it } from 'vitest';
import { bellLabel, notificationText, unreadBadge } from './notification-text';

describe('notification texts', () => {
  it('says who did what, in Italian', () => {
    const base = { actorName: 'Lucia Verdi', code: '2026-000012', groupName: null };
    expect(notificationText({ ...base, kind: 'assigned' })).toBe(
      'Lucia Verdi ti ha assegnato la segnalazione 2026-000012',
    );
    expect(notificationText({ ...base, kind: 'assigned', groupName: 'Manutenzione' })).toBe(
      'Lucia Verdi ha assegnato la segnalazione 2026-000012 al tuo gruppo «Manutenzione»',
    );
    expect(notificationText({ ...base, kind: 'assigned', byRule: 'Buche a Lucia' })).toBe(
      'La regola «Buche a Lucia» ti ha assegnato la segnalazione 2026-000012',
    );
    expect(notificationText({ ...base, kind: 'mention' })).toBe(
      'Lucia Verdi ti ha menzionato nella segnalazione 2026-000012',
    );
  });
  it('badge and label follow the unread count', () => {
    expect([0, 1, 42, 100].map(unreadBadge)).toEqual(['', '1', '42', '99+']);
    expect(bellLabel(0)).toBe('Notifiche: nessuna da leggere');
    expect(bellLabel(3)).toBe('Notifiche: 3 da leggere');
  });
});
