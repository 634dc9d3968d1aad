/** Italian log lines for aggregation: merged into, merged here, separated. */
import type { LogLine } from './log-text';

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

export const MERGE_ACTIONS = ['merged_into', 'merged', 'unmerged', 'unmerged_from'] as const;

export function describeMergeLog(action: string, d: Record<string, unknown>): LogLine {
  switch (action) {
    case 'merged_into':
      return {
        summary: `Ha aggregato la segnalazione alla ${str(d.mainCode) ?? 'principale'}`,
        details: str(d.label) ? [`Stato: ${str(d.label)}`] : [],
      };
    case 'merged':
      return {
        summary: `Ha aggregato qui la segnalazione ${str(d.code) ?? ''}`.trim(),
        details: str(d.title) ? [`«${str(d.title)}»`] : [],
      };
    case 'unmerged':
      return {
        summary: 'Ha separato la segnalazione da quella principale',
        details: str(d.label) ? [`Stato: ${str(d.label)}`] : [],
      };
    default:
      return {
        summary: `Ha separato la segnalazione ${str(d.code) ?? ''}`.trim(),
        details: str(d.title) ? [`«${str(d.title)}»`] : [],
      };
  }
}
