import { describe, expect, it } from 'vitest';
import { describeLog } from './log-text';

describe('describeLog', () => {
  it('renders field changes with readable values', () => {
    const line = describeLog(
      {
        action: 'updated',
        text: null,
        data: {
          changes: [
            { field: 'priority', label: 'Priorità', before: 'normale', after: 'urgente' },
            { field: 'categoryId', label: 'Categoria', before: null, after: 'c1' },
          ],
        },
      },
      { categoryName: (id) => (id === 'c1' ? 'Buche' : null) },
    );
    expect(line.summary).toBe('Ha modificato 2 campi');
    expect(line.details).toEqual(['Priorità: Normale → Urgente', 'Categoria: — → Buche']);
  });

  it('renders closing, reopening and assignment', () => {
    expect(
      describeLog({ action: 'closed', text: null, data: { outcomeLabel: 'Risolto', closingNote: 'Fatto' } }),
    ).toEqual({
      summary: 'Ha chiuso la segnalazione',
      details: ['Esito: Risolto', 'Nota di chiusura: Fatto'],
    });
    expect(
      describeLog({ action: 'reopened', text: null, data: { reason: 'Di nuovo rotto' } }).details,
    ).toEqual(['Motivo: Di nuovo rotto']);
    expect(describeLog({ action: 'assigned', text: null, data: { name: 'Ufficio tecnico' } }).summary).toBe(
      'Ha assegnato la segnalazione a Ufficio tecnico',
    );
    expect(describeLog({ action: 'mystery', text: null, data: null }).summary).toBe('Operazione: mystery');
  });
});

describe('recorded names in field changes', () => {
  it('prefers the category names recorded in the entry', () => {
    const line = describeLog({
      action: 'updated',
      text: null,
      data: {
        changes: [
          {
            field: 'categoryId',
            label: 'Categoria',
            before: 'a',
            after: 'b',
            beforeText: 'Buca',
            afterText: 'Marciapiede',
          },
        ],
      },
    });
    expect(line.details).toEqual(['Categoria: Buca → Marciapiede']);
  });
});
