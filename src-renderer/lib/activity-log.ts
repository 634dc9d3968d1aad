/** Italian log lines for the activity entries of a report (activity_created/updated/status). */
import { formatDateTime } from './format';

export interface ActivityLogLine {
  summary: string;
  details: string[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' ? v : null);

const FIELD_LABELS: Record<string, string> = {
  title: 'titolo',
  description: 'descrizione',
  assignee: 'incaricato',
  startAt: 'data e ora',
  durationMin: 'durata',
  recurrence: 'ripetizione',
};

export function describeActivityLog(action: string, d: Record<string, unknown>): ActivityLogLine {
  const title = str(d.title) ?? '';
  const occ = num(d.occurrenceStart);
  const which =
    occ !== null ? ` (occorrenza del ${formatDateTime(occ)})` : d.series ? ' (tutta la serie)' : '';
  switch (action) {
    case 'activity_created': {
      const details: string[] = [];
      if (num(d.startAt) !== null) details.push(`Inizio: ${formatDateTime(num(d.startAt))}`);
      if (str(d.assignee)) details.push(`Incaricato: ${str(d.assignee)}`);
      if (d.recurrence) details.push('Attività ricorrente');
      return { summary: `Ha pianificato l’attività «${title}»`, details };
    }
    case 'activity_updated': {
      const fields = Array.isArray(d.fields)
        ? d.fields.filter((f): f is string => typeof f === 'string')
        : [];
      const details = fields.length
        ? [`Modificati: ${fields.map((f) => FIELD_LABELS[f] ?? f).join(', ')}`]
        : [];
      if (fields.includes('startAt') && num(d.startAt) !== null)
        details.push(`Nuovo inizio: ${formatDateTime(num(d.startAt))}`);
      return { summary: `Ha modificato l’attività «${title}»${which}`, details };
    }
    default: {
      const details = str(d.note) ? [`Nota: ${str(d.note)}`] : [];
      const label = (str(d.label) ?? '').toLowerCase();
      return { summary: `Attività «${title}»${which}: ${label}`, details };
    }
  }
}
