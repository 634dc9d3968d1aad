import { describe, expect, it } from 'vitest';
import { fieldError, parseCoord, unclaimedErrors } from './field-errors';

describe('field errors', () => {
  const fields = {
    'fields.title': 'Titolo corto',
    'reporters.0.newReporter.email': 'Email non valida',
    other: 'X',
  };
  it('finds a field by path', () => {
    expect(fieldError(fields, 'fields.title')).toBe('Titolo corto');
    expect(fieldError(fields, 'title', 'fields.title')).toBe('Titolo corto');
    expect(fieldError(undefined, 'x')).toBeUndefined();
  });
  it('lists the ones no field shows', () => {
    expect(unclaimedErrors(fields, ['fields.title', 'reporters.0'])).toEqual(['X']);
  });
  it('parses coordinates with an Italian comma', () => {
    expect(parseCoord('45,4642')).toBe(45.4642);
    expect(parseCoord('')).toBeNull();
    expect(parseCoord('abc')).toBeUndefined();
    expect(parseCoord(9.19)).toBe(9.19);
  });
});
