/**
 * reads.duplicatesOf on the server (see src-main/db/repos/duplicates.ts for a PC): the
 * newest open reports of the same category within the largest radius an aggregation
 * rule asks for, with their reporters. Only when such a rule is active. The row store
 * has no spatial index, so this reads the category's reports by field and keeps the
 * box: fine for the rules' small radius and a municipality's categories, and the same
 * answer the PC's R*Tree gives.
 */
import type { ReadSet, Reporter, ReportReporter, Report, Snapshot } from '../src-shared/domain';
import { aggregationRadius } from '../src-shared/domain/duplicates/auto-aggregate';
import { boxAround } from '../src-shared/domain/duplicates/rank';
import type { RowSource } from './row-source';

export async function loadDuplicateCandidates(
  q: RowSource,
  s: Snapshot,
  probe: NonNullable<ReadSet['duplicatesOf']>,
): Promise<void> {
  const radiusM = aggregationRadius(s.rules);
  if (radiusM <= 0) return;
  const box = boxAround(probe.lat, probe.lon, radiusM);
  const reports = (await q.byField('reports', 'categoryId', [probe.categoryId]))
    .map((r) => r.data as unknown as Report)
    .filter(
      (r) =>
        !r.mergedInto &&
        (r.status === 'nuovo' || r.status === 'in_gestione') &&
        r.lat !== null &&
        r.lon !== null &&
        r.lat >= box.minLat &&
        r.lat <= box.maxLat &&
        r.lon >= box.minLon &&
        r.lon <= box.maxLon,
    )
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, 200);
  if (reports.length === 0) return;
  const links = new Map<string, ReportReporter[]>();
  for (const l of await q.owned(
    ['report_reporters'],
    reports.map((r) => r.id),
  )) {
    const link = l.data as unknown as ReportReporter;
    links.set(link.reportId, [...(links.get(link.reportId) ?? []), link]);
  }
  const missing = [...new Set([...links.values()].flat().map((l) => l.reporterId))].filter(
    (id) => !s.reporters.has(id),
  );
  for (const r of await q.byKeys(missing.map((id) => ['reporters', id]))) {
    s.reporters.set(r.key, r.data as unknown as Reporter);
  }
  for (const report of reports) {
    s.duplicateCandidates.push({
      report,
      assignments: [],
      reporters: (links.get(report.id) ?? []).sort((a, b) => a.position - b.position),
    });
  }
}
