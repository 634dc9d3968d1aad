import { describe, expect, it } from 'vitest';
import { REPORT_STATUSES } from './types';
import { canTransition, transitionError } from './status';

describe('status machine', () => {
  const allowed = new Set(['nuovo>in_gestione', 'in_gestione>chiuso', 'chiuso>in_gestione']);
  for (const from of REPORT_STATUSES) {
    for (const to of REPORT_STATUSES) {
      const key = `${from}>${to}`;
      it(`${key} is ${allowed.has(key) ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(allowed.has(key));
        if (!allowed.has(key))
          expect(transitionError(from, to)).toMatch(/[àèéìòù]|Non è possibile|prima|già|riapre/);
      });
    }
  }
});
