/**
 * Which merged report an item shown on a main report comes from (its reporters,
 * attachments and log entries are read through): that report's code, or null for the
 * main report's own. Such items are changed on their own report (after «Separa»).
 */
import type { ReportDetail } from '../../src-shared/api';

export function mergedOrigin(
  report: Pick<ReportDetail, 'merged'>,
  kind: 'reporter' | 'attachment' | 'log',
  id: string,
): string | null {
  const key = kind === 'reporter' ? 'reporterIds' : kind === 'attachment' ? 'attachmentIds' : 'logIds';
  return report.merged.find((m) => m[key].includes(id))?.code ?? null;
}
