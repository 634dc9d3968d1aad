/**
 * Likely duplicates, the pure part: which reports are close enough in place, time and
 * category to be the same problem, and in which order to offer them. The runtime finds
 * the candidates (an R*Tree on a PC, see src-main/db/repos/duplicates.ts); this decides.
 */
import type { Category } from '../types';

export const DEFAULT_DUPLICATE_RADIUS_M = 250;
export const DEFAULT_DUPLICATE_DAYS = 30;
const DAY = 86_400_000;

/** The category's window; null when suggestions are off for it (radius 0). */
export function duplicateWindow(
  category: Pick<Category, 'duplicateRadiusM' | 'duplicateDays'> | undefined,
): { radiusM: number; days: number } | null {
  if (!category) return null;
  const radiusM = category.duplicateRadiusM ?? DEFAULT_DUPLICATE_RADIUS_M;
  if (radiusM <= 0) return null;
  return { radiusM, days: category.duplicateDays ?? DEFAULT_DUPLICATE_DAYS };
}

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** A box around a point that contains the circle of radiusM (with 1% to spare). */
export function boxAround(lat: number, lon: number, radiusM: number) {
  const dLat = (radiusM * 1.01) / 111_320;
  const dLon = (radiusM * 1.01) / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  return { minLat: lat - dLat, maxLat: lat + dLat, minLon: lon - dLon, maxLon: lon + dLon };
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Words that say nothing about which problem it is. */
const STOP = new Set([
  'della',
  'delle',
  'dello',
  'degli',
  'nella',
  'nelle',
  'sulla',
  'sulle',
  'alla',
  'alle',
  'dalla',
  'anche',
  'sono',
  'molto',
  'questa',
  'questo',
  'quella',
  'quello',
  'ancora',
  'dopo',
  'prima',
  'segnalo',
  'segnala',
  'segnalazione',
  'buongiorno',
  'buonasera',
  'grazie',
  'cordiali',
  'saluti',
  'via',
  'piazza',
]);

export function words(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of fold(text).split(/[^\p{L}\p{N}]+/u)) {
    if (w.length < 4 || STOP.has(w)) continue;
    // A crude Italian stem: the final vowel goes, and the h of -che/-ghe plurals, so
    // "buche" and "buca", "lampione" and "lampioni", "città" and "citta" meet.
    out.add(w.replace(/[aeiou]$/, '').replace(/([cg])h$/, '$1'));
  }
  return out;
}

/** Jaccard similarity of two texts' words, 0…1. */
export function textSimilarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const w of a) if (b.has(w)) common++;
  return common / (a.size + b.size - common);
}

export interface DuplicateProbe {
  categoryId: string;
  lat: number;
  lon: number;
  /** When the report was (or is being) made: the window is the days before it… */
  at: number;
  /** …and, for a report already saved, the days after it too. */
  around: boolean;
  text: string;
}

export interface DuplicateCandidate {
  id: string;
  categoryId: string | null;
  lat: number | null;
  lon: number | null;
  createdAt: number;
  title: string;
  description: string;
}

export interface RankedDuplicate<C> {
  candidate: C;
  distanceM: number;
  ageDays: number;
  similarity: number;
  score: number;
}

/**
 * Keeps the candidates inside the circle and the window, nearest and newest first, with
 * similar words as a bonus: score = distance/radius + age/window − similarity/2.
 */
export function rankDuplicates<C extends DuplicateCandidate>(
  probe: DuplicateProbe,
  window: { radiusM: number; days: number },
  candidates: readonly C[],
): RankedDuplicate<C>[] {
  const mine = words(probe.text);
  const from = probe.at - window.days * DAY;
  const to = probe.around ? probe.at + window.days * DAY : probe.at;
  const out: RankedDuplicate<C>[] = [];
  for (const c of candidates) {
    if (c.lat === null || c.lon === null || c.createdAt < from || c.createdAt > to) continue;
    const d = distanceM(probe.lat, probe.lon, c.lat, c.lon);
    if (d > window.radiusM) continue;
    const ageDays = Math.abs(probe.at - c.createdAt) / DAY;
    const similarity = textSimilarity(mine, words(`${c.title} ${c.description}`));
    out.push({
      candidate: c,
      distanceM: d,
      ageDays,
      similarity,
      score: d / window.radiusM + ageDays / window.days - similarity / 2,
    });
  }
  return out.sort((a, b) => a.score - b.score || b.candidate.createdAt - a.candidate.createdAt);
}

/** The category ids that count as "the same": the category, its parent and the parent's children. */
export function categoryFamily(categoryId: string, categories: readonly Pick<Category, 'id' | 'parentId'>[]) {
  const me = categories.find((c) => c.id === categoryId);
  const root = me?.parentId ?? categoryId;
  return [root, ...categories.filter((c) => c.parentId === root).map((c) => c.id)];
}
