import { describe, expect, it } from 'vitest';
import {
  boxAround,
  categoryFamily,
  distanceM,
  duplicateWindow,
  rankDuplicates,
  textSimilarity,
  words,
} from './rank';

const DAY = 86_400_000;

describe('duplicate ranking', () => {
  it('distances on the sphere: a degree of meridian, and across Bergamo', () => {
    // 2πR/360 with the mean Earth radius.
    expect(distanceM(45, 9, 46, 9)).toBeCloseTo(111_195, -1);
    // A degree of longitude shrinks with the latitude (cos 45.7° ≈ 0.698).
    expect(distanceM(45.7, 9, 45.7, 10) / 111_195).toBeCloseTo(Math.cos((45.7 * Math.PI) / 180), 2);
    // Piazza Vecchia to Porta Nuova, Bergamo: about 1.05 km.
    expect(distanceM(45.70385, 9.66245, 45.69602, 9.67197)).toBeGreaterThan(1_000);
    expect(distanceM(45.70385, 9.66245, 45.69602, 9.67197)).toBeLessThan(1_200);
  });

  it('the box holds the whole circle', () => {
    const b = boxAround(45.70385, 9.66245, 250);
    for (let deg = 0; deg < 360; deg += 15) {
      const a = (deg * Math.PI) / 180;
      // A point 249 m away in direction `deg` (small-distance approximation).
      const lat = 45.70385 + (249 * Math.cos(a)) / 111_195;
      const lon = 9.66245 + (249 * Math.sin(a)) / (111_195 * Math.cos((45.70385 * Math.PI) / 180));
      expect(lat >= b.minLat && lat <= b.maxLat && lon >= b.minLon && lon <= b.maxLon).toBe(true);
    }
  });

  it('per-category window: defaults, 0 turns it off, no category no suggestions', () => {
    expect(duplicateWindow({ duplicateRadiusM: null, duplicateDays: null })).toEqual({
      radiusM: 250,
      days: 30,
    });
    expect(duplicateWindow({ duplicateRadiusM: 80, duplicateDays: 7 })).toEqual({ radiusM: 80, days: 7 });
    expect(duplicateWindow({ duplicateRadiusM: 0, duplicateDays: 7 })).toBeNull();
    expect(duplicateWindow(undefined)).toBeNull();
  });

  it('words: accents, case, plurals and filler words fold together', () => {
    expect(textSimilarity(words('Buche profonde in città'), words('buca profonda citta'))).toBe(1);
    expect(words('Buongiorno, segnalo della sporcizia')).toEqual(new Set(['sporcizi']));
    expect(textSimilarity(words('Lampione spento'), words('Rifiuti abbandonati'))).toBe(0);
  });

  it('same family: the category, its parent, the parent’s children', () => {
    const cats = [
      { id: 'strada', parentId: null },
      { id: 'buca', parentId: 'strada' },
      { id: 'marciapiede', parentId: 'strada' },
      { id: 'verde', parentId: null },
      { id: 'albero', parentId: 'verde' },
    ];
    expect(categoryFamily('buca', cats).sort()).toEqual(['buca', 'marciapiede', 'strada']);
    expect(categoryFamily('strada', cats).sort()).toEqual(['buca', 'marciapiede', 'strada']);
  });

  it('inside the circle and the window only; nearer and newer first', () => {
    const at = Date.UTC(2026, 10, 20);
    const c = (id: string, northM: number, daysAgo: number) => ({
      id,
      categoryId: 'buca',
      lat: 45.7 + northM / 111_195,
      lon: 9.66,
      createdAt: at - daysAgo * DAY,
      title: '',
      description: '',
    });
    const ranked = rankDuplicates(
      { categoryId: 'buca', lat: 45.7, lon: 9.66, at, around: false, text: '' },
      { radiusM: 250, days: 30 },
      [c('far', 260, 1), c('old', 10, 31), c('near-old', 20, 20), c('mid-new', 100, 0), c('near-new', 20, 1)],
    );
    expect(ranked.map((r) => r.candidate.id)).toEqual(['near-new', 'mid-new', 'near-old']);
  });
});
