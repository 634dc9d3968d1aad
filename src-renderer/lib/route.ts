/** Hash routes: pure parsing so it can be tested without a window. */
export type Route =
  | { name: 'dashboard' }
  | { name: 'list' }
  | { name: 'new' }
  | { name: 'detail'; id: string }
  | { name: 'settings'; tab: SettingsTab }
  | { name: 'sync' }
  | { name: 'map' }
  | { name: 'stats' }
  | { name: 'mailboxes' }
  | { name: 'mailReview' }
  | { name: 'activities'; view: 'elenco' | 'settimana' | 'mese' }
  | { name: 'notFound' };

export const SETTINGS_TABS = [
  'categorie',
  'esiti',
  'utenti',
  'gruppi',
  'mappa',
  'posta',
  'automazioni',
  'rubrica',
] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number];

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\?.*$/, '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || parts[0] === 'cruscotto') return { name: 'dashboard' };
  if (parts[0] === 'segnalazioni') {
    if (parts.length === 1) return { name: 'list' };
    if (parts[1] === 'nuova') return { name: 'new' };
    return { name: 'detail', id: parts[1]! };
  }
  if (parts[0] === 'sincronizzazione') return { name: 'sync' };
  if (parts[0] === 'mappa') return { name: 'map' };
  if (parts[0] === 'statistiche') return { name: 'stats' };
  if (parts[0] === 'caselle-email') return { name: 'mailboxes' };
  if (parts[0] === 'da-revisionare') return { name: 'mailReview' };
  if (parts[0] === 'attivita') {
    const view = parts[1] === 'settimana' || parts[1] === 'mese' ? parts[1] : 'elenco';
    return { name: 'activities', view };
  }
  if (parts[0] === 'impostazioni') {
    const tab = (SETTINGS_TABS as readonly string[]).includes(parts[1] ?? '')
      ? (parts[1] as SettingsTab)
      : 'categorie';
    return { name: 'settings', tab };
  }
  return { name: 'notFound' };
}

export function routeHref(r: Route): string {
  switch (r.name) {
    case 'dashboard':
      return '#/cruscotto';
    case 'list':
      return '#/segnalazioni';
    case 'new':
      return '#/segnalazioni/nuova';
    case 'map':
      return '#/mappa';
    case 'stats':
      return '#/statistiche';
    case 'detail':
      return `#/segnalazioni/${encodeURIComponent(r.id)}`;
    case 'settings':
      return `#/impostazioni/${r.tab}`;
    case 'sync':
      return '#/sincronizzazione';
    case 'mailboxes':
      return '#/caselle-email';
    case 'mailReview':
      return '#/da-revisionare';
    case 'activities':
      return r.view === 'elenco' ? '#/attivita' : `#/attivita/${r.view}`;
    default:
      return '#/cruscotto';
  }
}
