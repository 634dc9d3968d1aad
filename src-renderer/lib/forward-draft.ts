/** What the «Inoltra» dialog shows of the email: the report's data as the supplier gets them. */
import type { ReportDetail } from '../../src-shared/api';
import { mapLink } from '../../src-shared/domain/address-book';
import { PRIORITY_LABELS } from '../../src-shared/domain/labels';
import { formatDateIt } from '../../src-shared/mail-out/placeholders';

export function forwardSummary(
  r: Pick<
    ReportDetail,
    'code' | 'title' | 'description' | 'categoryPath' | 'address' | 'lat' | 'lon' | 'priority' | 'dueAt'
  >,
): string[] {
  const lines = [
    `Codice: ${r.code}`,
    `Titolo: ${r.title}`,
    `Categoria: ${r.categoryPath ?? 'non indicata'}`,
    `Indirizzo: ${r.address || 'non indicato'}`,
  ];
  if (r.lat !== null && r.lon !== null) lines.push(`Mappa: ${mapLink(r.lat, r.lon)}`);
  lines.push(`Priorità: ${PRIORITY_LABELS[r.priority]}`);
  lines.push(`Scadenza: ${r.dueAt ? formatDateIt(r.dueAt) : 'nessuna'}`);
  const d = r.description.trim().replace(/\s+/g, ' ');
  lines.push(`Descrizione: ${d ? (d.length > 120 ? `${d.slice(0, 117)}…` : d) : '(nessuna)'}`);
  return lines;
}
