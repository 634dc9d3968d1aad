/** From a report's facts and a template to the subject, text and HTML of one email. */
import {
  formatDateIt,
  htmlDocument,
  renderLine,
  renderText,
  textToHtml,
  type PlaceholderValues,
} from './placeholders';
import { taggedSubject, type TextTemplate } from './templates';

export interface ReportFacts {
  code: string;
  title: string;
  categoryName: string | null;
  address: string;
  outcomeLabel: string | null;
  closingNote: string | null;
  /** The moment of what the email tells (creation, taking in charge, closure, reply). */
  at: number;
  ente: string;
}

export interface RecipientFacts {
  nome: string;
  cognome: string;
}

export function placeholderValues(f: ReportFacts, r: RecipientFacts): PlaceholderValues {
  return {
    codice: f.code,
    titolo: f.title,
    nome: r.nome,
    cognome: r.cognome,
    categoria: f.categoryName ?? 'non indicata',
    indirizzo: f.address || 'non indicato',
    esito: f.outcomeLabel ?? '',
    nota: f.closingNote ?? '',
    data: formatDateIt(f.at),
    ente: f.ente,
  };
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Empty values leave no stray blanks ("Gentile ," when a reporter has no name). */
const tidy = (s: string) =>
  s
    .replace(/[ \t]+([,.;:])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

export function renderEmail(t: TextTemplate, f: ReportFacts, r: RecipientFacts): RenderedEmail {
  const values = placeholderValues(f, r);
  const subject = taggedSubject(f.code, renderLine(t.subject, values));
  const text = tidy(renderText(t.body, values));
  // The HTML is the finished text, escaped as a whole: template and values alike.
  return { subject, text: text + '\n', html: htmlDocument(subject, textToHtml(text)) };
}
