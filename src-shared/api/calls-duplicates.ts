/** Likely duplicates and their aggregation (merge, un-merge). */
import { z } from 'zod';
import { zId, zStatus } from '../domain/schemas';
import { call, ok } from './call';

export const zDuplicateView = z.object({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  address: z.string(),
  status: zStatus,
  categoryId: z.string().nullable(),
  createdAt: z.number(),
  /** Metres from the report being entered or viewed. */
  distanceM: z.number(),
  /** 0…1: words in common (a bonus in the ranking). */
  similarity: z.number(),
});
export type DuplicateView = z.infer<typeof zDuplicateView>;

export const duplicateCalls = {
  /**
   * Suggestions for a report being entered (category, place, text; nothing saved yet)
   * or viewed (reportId): same category or same parent, within the category's distance
   * and days, nearest and newest first.
   */
  'duplicates.suggest': call(
    z.union([
      z.object({ reportId: zId }),
      z.object({
        categoryId: zId,
        lat: z.number().min(-90).max(90),
        lon: z.number().min(-180).max(180),
        title: z.string().max(500).default(''),
        description: z.string().max(20_000).default(''),
      }),
    ]),
    z.object({
      rows: z.array(zDuplicateView),
      /** The window used: null when the category has suggestions off (or there is no place). */
      window: z.object({ radiusM: z.number(), days: z.number() }).nullable(),
    }),
  ),
  'duplicates.merge': call(
    z.object({
      mainId: zId,
      reportIds: z.array(zId).min(1, { message: 'Scegli almeno una segnalazione da aggregare.' }).max(50),
    }),
    ok,
  ),
  'duplicates.unmerge': call(z.object({ reportId: zId }), ok),
};
