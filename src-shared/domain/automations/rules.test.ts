import { describe, expect, it } from 'vitest';
import {
  inTimeWindow,
  matchingRules,
  pointInPolygon,
  romeClock,
  zRuleActions,
  zRuleConditions,
  type AutomationRule,
  type RuleSubject,
} from './rules';

// Bergamo: Città Alta inside its Venetian walls (approximate polygon, real coordinates).
const CITTA_ALTA: [number, number][] = [
  [45.7068, 9.6584],
  [45.7058, 9.6705],
  [45.7019, 9.6718],
  [45.6997, 9.6652],
  [45.701, 9.6578],
];
const PIAZZA_VECCHIA: [number, number] = [45.7037, 9.6623];
const PORTA_NUOVA: [number, number] = [45.6945, 9.6706]; // Città Bassa, outside the walls

const STRADA = '01900000-0000-7000-8000-0000000000a1';
const BUCA = '01900000-0000-7000-8000-0000000000a2';
const VERDE = '01900000-0000-7000-8000-0000000000a3';
const LUCIA = '01900000-0000-7000-8000-0000000000b1';

function rule(
  over: Omit<Partial<AutomationRule>, 'conditions' | 'actions'> & { conditions?: object; actions?: object },
): AutomationRule {
  return {
    id: '01900000-0000-7000-8000-0000000000c1',
    name: 'Regola',
    description: '',
    active: true,
    sortOrder: 0,
    onUpdate: false,
    updatedAt: 0,
    ...over,
    conditions: zRuleConditions.parse(over.conditions ?? {}),
    actions: zRuleActions.parse(over.actions ?? {}),
  };
}

function subject(over: Partial<RuleSubject> = {}): RuleSubject {
  return {
    categoryId: BUCA,
    parentCategoryId: STRADA,
    lat: PIAZZA_VECCHIA[0],
    lon: PIAZZA_VECCHIA[1],
    channel: 'telefono',
    title: 'Buca profonda',
    description: 'Davanti alla biblioteca',
    reporterEmails: [],
    at: Date.UTC(2026, 10, 25, 10, 0),
    ...over,
  };
}

describe('conditions', () => {
  it('an area drawn on the map: real points inside and outside Città Alta', () => {
    expect(pointInPolygon(...PIAZZA_VECCHIA, CITTA_ALTA)).toBe(true);
    expect(pointInPolygon(...PORTA_NUOVA, CITTA_ALTA)).toBe(false);
    const r = rule({ conditions: { area: CITTA_ALTA } });
    expect(matchingRules([r], subject(), 'create')).toHaveLength(1);
    expect(matchingRules([r], subject({ lat: PORTA_NUOVA[0], lon: PORTA_NUOVA[1] }), 'create')).toHaveLength(
      0,
    );
    expect(matchingRules([r], subject({ lat: null, lon: null }), 'create')).toHaveLength(0);
  });

  it('a parent category covers its subcategories, not the other way round', () => {
    const onStrada = rule({ conditions: { categoryIds: [STRADA] } });
    const onBuca = rule({ conditions: { categoryIds: [BUCA] } });
    expect(matchingRules([onStrada], subject(), 'create')).toHaveLength(1);
    expect(matchingRules([onBuca], subject(), 'create')).toHaveLength(1);
    expect(
      matchingRules([onBuca], subject({ categoryId: STRADA, parentCategoryId: null }), 'create'),
    ).toHaveLength(0);
    expect(
      matchingRules([onStrada], subject({ categoryId: VERDE, parentCategoryId: null }), 'create'),
    ).toHaveLength(0);
  });

  it('time windows are Rome time, across midnight and across the DST change', () => {
    const night = { days: [5], from: '22:00', to: '06:00' }; // Friday night
    // Friday 27 Nov 2026 23:30 in Rome (CET, UTC+1) = 22:30 UTC
    expect(inTimeWindow(Date.UTC(2026, 10, 27, 22, 30), night)).toBe(true);
    // Saturday 05:59 Rome = 04:59 UTC: still Friday's window
    expect(inTimeWindow(Date.UTC(2026, 10, 28, 4, 59), night)).toBe(true);
    // Saturday 06:00 Rome: over
    expect(inTimeWindow(Date.UTC(2026, 10, 28, 5, 0), night)).toBe(false);
    // Thursday 23:30 Rome: not Friday
    expect(inTimeWindow(Date.UTC(2026, 10, 26, 22, 30), night)).toBe(false);
    // Summer time (CEST, UTC+2): Sunday 29 March 2026 03:30 Rome = 01:30 UTC, just after the change
    expect(romeClock(Date.UTC(2026, 2, 29, 1, 30))).toEqual({ day: 7, minutes: 3 * 60 + 30 });
    const office = { days: [1, 2, 3, 4, 5], from: '08:00', to: '14:00' };
    // Monday 30 March 2026 08:00 CEST = 06:00 UTC
    expect(inTimeWindow(Date.UTC(2026, 2, 30, 6, 0), office)).toBe(true);
    expect(inTimeWindow(Date.UTC(2026, 2, 30, 5, 59), office)).toBe(false);
  });

  it('words in the text (accents folded), channels and the reporter’s email domain', () => {
    const words = rule({ conditions: { words: ['citta alta', 'pericolo'] } });
    expect(
      matchingRules([words], subject({ description: 'Grande pericolo in via Gombito' }), 'create'),
    ).toHaveLength(1);
    expect(matchingRules([words], subject({ title: 'Buca in Città Alta' }), 'create')).toHaveLength(1);
    expect(
      matchingRules([words], subject({ title: 'Buca', description: 'in città' }), 'create'),
    ).toHaveLength(0);
    const phone = rule({ conditions: { channels: ['telefono'] } });
    expect(matchingRules([phone], subject({ channel: 'email' }), 'create')).toHaveLength(0);
    const police = rule({ conditions: { emailDomains: ['comune.bergamo.it'] } });
    expect(
      matchingRules([police], subject({ reporterEmails: ['agente@polizia.comune.bergamo.it'] }), 'create'),
    ).toHaveLength(1);
    expect(
      matchingRules([police], subject({ reporterEmails: ['x@comune.bergamo.it.evil.com'] }), 'create'),
    ).toHaveLength(0);
  });

  it('runs active rules in order; update-only rules need onUpdate', () => {
    const first = rule({ id: 'a', name: 'Prima', sortOrder: 1, actions: { assignUserIds: [LUCIA] } });
    const second = rule({ id: 'b', name: 'Seconda', sortOrder: 2, onUpdate: true });
    const off = rule({ id: 'c', name: 'Spenta', sortOrder: 0, active: false });
    expect(matchingRules([second, off, first], subject(), 'create').map((r) => r.name)).toEqual([
      'Prima',
      'Seconda',
    ]);
    expect(matchingRules([second, off, first], subject(), 'update').map((r) => r.name)).toEqual(['Seconda']);
  });
});
