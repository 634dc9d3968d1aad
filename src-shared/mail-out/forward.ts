/**
 * The email that forwards a report to a supplier ("Inoltra"): the clerk's message, then
 * the report's data and a map link. The reporters' personal data appear only when the
 * clerk chose to include them. Plain text and HTML carry the same content; in HTML every
 * value is escaped and only the map link is a real anchor.
 */
import { mapLink } from '../domain/address-book';
import { PRIORITY_LABELS } from '../domain/labels';
import type { Priority } from '../domain/types';
import { escapeHtml, formatDateIt, htmlDocument, textToHtml } from './placeholders';
import type { RenderedEmail } from './render';
import { formatSubjectTag } from './subject';

export interface ForwardFacts {
  code: string;
  title: string;
  description: string;
  /** "Strada › Buca", or null when the report has no category. */
  category: string | null;
  address: string;
  lat: number | null;
  lon: number | null;
  priority: Priority;
  dueAt: number | null;
  ente: string;
}

export interface ForwardReporter {
  nome: string;
  cognome: string;
  email: string | null;
  telefono: string | null;
  indirizzo: string | null;
}

export interface ForwardInput {
  facts: ForwardFacts;
  recipientName: string;
  message: string;
  reporters: readonly ForwardReporter[];
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

export function forwardSubject(f: ForwardFacts): string {
  return `${formatSubjectTag(f.code)} Segnalazione ${f.code}: ${oneLine(f.title)}`;
}

/** The report's data as label/value pairs (shared by the text and the HTML part). */
function dataRows(f: ForwardFacts): [string, string][] {
  const rows: [string, string][] = [
    ['Codice', f.code],
    ['Titolo', f.title],
    ['Categoria', f.category ?? 'non indicata'],
    ['Indirizzo', f.address || 'non indicato'],
  ];
  if (f.lat !== null && f.lon !== null) rows.push(['Coordinate', `${f.lat.toFixed(6)}, ${f.lon.toFixed(6)}`]);
  rows.push(['Priorità', PRIORITY_LABELS[f.priority]]);
  rows.push(['Scadenza', f.dueAt ? formatDateIt(f.dueAt) : 'nessuna']);
  return rows;
}

function reporterLine(r: ForwardReporter): string {
  return [`${r.nome} ${r.cognome}`.trim(), r.telefono, r.email, r.indirizzo].filter(Boolean).join(' – ');
}

const CLOSING =
  'Per rispondere usi «Rispondi» lasciando invariato l’oggetto: la risposta sarà allegata alla segnalazione.';

export function renderForwardEmail(input: ForwardInput): RenderedEmail {
  const { facts: f } = input;
  const subject = forwardSubject(f);
  const map = f.lat !== null && f.lon !== null ? mapLink(f.lat, f.lon) : null;
  const greeting = `Gentile ${oneLine(input.recipientName)},`;
  const intro = `le inoltriamo la segnalazione n. ${f.code} ricevuta dal ${f.ente}.`;

  const text: string[] = [greeting, '', intro, ''];
  if (input.message) text.push(input.message, '');
  text.push('DATI DELLA SEGNALAZIONE');
  for (const [k, v] of dataRows(f)) text.push(`${k}: ${oneLine(v)}`);
  if (map) text.push(`Mappa: ${map}`);
  text.push('', 'Descrizione:', f.description || '(nessuna descrizione)', '');
  if (input.reporters.length > 0) {
    text.push('Segnalatori:');
    for (const r of input.reporters) text.push(`- ${reporterLine(r)}`);
    text.push('');
  }
  text.push(CLOSING, '', 'Cordiali saluti,', f.ente);

  const html: string[] = [
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    input.message ? textToHtml(input.message) : '',
    '<h2 style="font-size: 16px;">Dati della segnalazione</h2>',
    '<table cellpadding="4" style="border-collapse: collapse;">',
    ...dataRows(f).map(
      ([k, v]) => `<tr><th align="left" valign="top">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
    ),
    map
      ? `<tr><th align="left">Mappa</th><td><a href="${escapeHtml(map)}">Apri la posizione su OpenStreetMap</a></td></tr>`
      : '',
    '</table>',
    '<h3 style="font-size: 15px;">Descrizione</h3>',
    textToHtml(f.description || '(nessuna descrizione)'),
  ];
  if (input.reporters.length > 0) {
    html.push(
      '<h3 style="font-size: 15px;">Segnalatori</h3>',
      '<ul>',
      ...input.reporters.map((r) => `<li>${escapeHtml(reporterLine(r))}</li>`),
      '</ul>',
    );
  }
  html.push(`<p>${escapeHtml(CLOSING)}</p>`, `<p>Cordiali saluti,<br>\n${escapeHtml(f.ente)}</p>`);
  return {
    subject,
    text: text.join('\n') + '\n',
    html: htmlDocument(subject, html.filter(Boolean).join('\n')),
  };
}
