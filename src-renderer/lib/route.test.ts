import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './route';

describe('routes', () => {
  it('parses hashes', () => {
    expect(parseRoute('')).toEqual({ name: 'dashboard' });
    expect(parseRoute('#/segnalazioni')).toEqual({ name: 'list' });
    expect(parseRoute('#/segnalazioni/nuova')).toEqual({ name: 'new' });
    expect(parseRoute('#/segnalazioni/abc')).toEqual({ name: 'detail', id: 'abc' });
    expect(parseRoute('#/impostazioni/utenti')).toEqual({ name: 'settings', tab: 'utenti' });
    expect(parseRoute('#/impostazioni/boh')).toEqual({ name: 'settings', tab: 'categorie' });
    expect(parseRoute('#/sincronizzazione')).toEqual({ name: 'sync' });
    expect(parseRoute('#/caselle-email')).toEqual({ name: 'mailboxes' });
    expect(parseRoute('#/da-revisionare')).toEqual({ name: 'mailReview' });
    expect(parseRoute('#/altro')).toEqual({ name: 'notFound' });
  });
  it('round-trips', () => {
    for (const h of [
      '#/cruscotto',
      '#/segnalazioni',
      '#/segnalazioni/nuova',
      '#/segnalazioni/x1',
      '#/impostazioni/esiti',
      '#/sincronizzazione',
      '#/caselle-email',
      '#/da-revisionare',
    ]) {
      expect(routeHref(parseRoute(h))).toBe(h);
    }
  });
});
