import { describe, expect, it } from 'vitest';
import {
  blankDraft,
  draftOf,
  errorUnder,
  inputOf,
  reorder,
  ruleSummary,
  type Names,
  type RuleView,
} from './rule-draft';

const names: Names = {
  category: (id) => ({ c1: 'Strada › Buca' })[id] ?? '?',
  user: (id) => ({ u1: 'Lucia Verdi' })[id] ?? '?',
  group: () => 'Ufficio Strade',
  recipient: () => 'Asfalti Srl',
  template: () => 'Presa in carico',
};

const view = (id: string, sortOrder: number, extra: Partial<RuleView> = {}): RuleView => ({
  ...inputOf(blankDraft(sortOrder)),
  id,
  name: id,
  description: '',
  active: true,
  onUpdate: false,
  sortOrder,
  conditions: {
    categoryIds: [],
    area: null,
    timeWindow: null,
    channels: [],
    words: [],
    emailDomains: [],
  },
  actions: {
    assignUserIds: [],
    assignGroupIds: [],
    takeInCharge: false,
    priority: null,
    daysToClose: null,
    note: null,
    forwardToRecipientId: null,
    replyTemplateId: null,
    aggregate: null,
  },
  ...extra,
});

describe('rule draft', () => {
  it('turns the typed lists into the schema’s arrays and back', () => {
    const d = {
      ...blankDraft(10),
      name: '  Buche  ',
      words: 'buca, voragine;\n asfalto',
      emailDomains: 'comune.bergamo.it',
      useTime: true,
      days: [5, 1],
      from: '22:00',
      to: '06:00',
      priority: 'alta' as const,
      note: '  ',
      area: [
        [45.7, 9.66],
        [45.71, 9.66],
        [45.71, 9.67],
      ] as [number, number][],
    };
    const input = inputOf(d);
    expect(input.name).toBe('Buche');
    expect(input.conditions.words).toEqual(['buca', 'voragine', 'asfalto']);
    expect(input.conditions.timeWindow).toEqual({ days: [1, 5], from: '22:00', to: '06:00' });
    expect(input.actions.note).toBeNull();
    expect(input.actions.priority).toBe('alta');
    const back = draftOf({ ...view('r1', 10), conditions: input.conditions as RuleView['conditions'] });
    expect(back.words).toBe('buca, voragine, asfalto');
    expect(back.area).toHaveLength(3);
    expect(inputOf({ ...d, useTime: false, area: [] }).conditions).toMatchObject({
      timeWindow: null,
      area: null,
    });
  });

  it('summarises a rule as SE … ALLORA …', () => {
    const r = view('r1', 10, {
      conditions: { ...view('x', 0).conditions, categoryIds: ['c1'], channels: ['telefono'] },
      actions: { ...view('x', 0).actions, assignUserIds: ['u1'], takeInCharge: true },
    });
    expect(ruleSummary(r, names)).toBe(
      'SE categoria Strada › Buca e canale Telefono ALLORA assegna a Lucia Verdi, metti in gestione',
    );
    expect(ruleSummary(view('y', 0), names)).toBe('SE ogni segnalazione ALLORA —');
    const agg = view('z', 0, {
      actions: { ...view('x', 0).actions, aggregate: { radiusM: 50, hours: 24, sameReporterEmail: true } },
    });
    expect(ruleSummary(agg, names)).toBe(
      'SE ogni segnalazione ALLORA aggrega al duplicato dello stesso segnalatore entro 50 m e 24 ore',
    );
  });

  it('moving a rule renumbers the list and saves only what changed', () => {
    const rules = [view('a', 10), view('b', 20), view('c', 30)];
    expect(reorder(rules, 2, -1).map((x) => [x.rule.id, x.sortOrder])).toEqual([
      ['c', 20],
      ['b', 30],
    ]);
    expect(reorder(rules, 0, -1)).toEqual([]);
    // Equal orders (rules saved with the default 0) get distinct ones.
    const flat = [view('a', 0), view('b', 0)];
    expect(reorder(flat, 0, 1).map((x) => [x.rule.id, x.sortOrder])).toEqual([
      ['b', 10],
      ['a', 20],
    ]);
  });

  it('finds the error under a field’s path', () => {
    const fields = { 'conditions.words.1': 'Parola troppo corta.', 'actions.daysToClose': 'Almeno 1.' };
    expect(errorUnder(fields, 'conditions.words')).toBe('Parola troppo corta.');
    expect(errorUnder(fields, 'actions.daysToClose')).toBe('Almeno 1.');
    expect(errorUnder(fields, 'conditions.word')).toBeUndefined();
    expect(errorUnder(undefined, 'conditions.area')).toBeUndefined();
  });
});
