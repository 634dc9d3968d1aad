import { describe, expect, it } from 'vitest';
import { reviewInputOf } from './review-form';

describe('review form', () => {
  it('needs a category; coordinates both or neither, decimal comma accepted', () => {
    expect(reviewInputOf({ categoryId: null, address: '', lat: '', lon: '' })).toEqual({
      ok: false,
      errors: { categoryId: 'Scegli la categoria.' },
    });
    expect(reviewInputOf({ categoryId: 'c', address: ' Via Po 3 ', lat: '45,07', lon: '7.69' })).toEqual({
      ok: true,
      input: { categoryId: 'c', address: 'Via Po 3', lat: 45.07, lon: 7.69 },
    });
    expect(reviewInputOf({ categoryId: 'c', address: '', lat: '45', lon: '' })).toMatchObject({
      ok: false,
      errors: { lon: 'Indica entrambe le coordinate o nessuna.' },
    });
    expect(reviewInputOf({ categoryId: 'c', address: '', lat: '95', lon: 'x' })).toMatchObject({
      ok: false,
      errors: { lat: expect.stringContaining('Latitudine'), lon: expect.stringContaining('Longitudine') },
    });
  });
});
