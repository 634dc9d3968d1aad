import type { ReportStatus } from './types';

export const STATUS_LABELS: Record<ReportStatus, string> = {
  nuovo: 'Nuovo',
  in_gestione: 'In gestione',
  chiuso: 'Chiuso',
  aggregata: 'Aggregata',
};

/**
 * The only moves a report may make. Closing needs an outcome (checked by the
 * close mutation); reopening goes back to "In gestione".
 */
const ALLOWED: Record<ReportStatus, readonly ReportStatus[]> = {
  nuovo: ['in_gestione'],
  in_gestione: ['chiuso'],
  chiuso: ['in_gestione'],
  // In and out of 'aggregata' only by report.merge / report.unmerge.
  aggregata: [],
};

export function canTransition(from: ReportStatus, to: ReportStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function transitionError(from: ReportStatus, to: ReportStatus): string {
  if (from === to) return `La segnalazione è già nello stato «${STATUS_LABELS[to]}».`;
  if (from === 'nuovo' && to === 'chiuso') {
    return 'Una segnalazione nuova va prima presa in gestione, poi chiusa.';
  }
  if (from === 'aggregata' || to === 'aggregata') {
    return 'Lo stato «Aggregata» non è un passaggio manuale: si ottiene aggregando la segnalazione a un’altra e si toglie separandola.';
  }
  if (from === 'chiuso' && to === 'nuovo') {
    return 'Una segnalazione chiusa si riapre in «In gestione», non in «Nuovo».';
  }
  return `Non è possibile passare da «${STATUS_LABELS[from]}» a «${STATUS_LABELS[to]}».`;
}

/** Statuses the list shows by default: the work still to do. */
export const OPEN_STATUSES: readonly ReportStatus[] = ['nuovo', 'in_gestione'];

/**
 * Statuses that count as work in totals and statistics: a merged report is counted
 * once, as its main report.
 */
export const COUNTED_STATUSES = ['nuovo', 'in_gestione', 'chiuso'] as const satisfies readonly ReportStatus[];
