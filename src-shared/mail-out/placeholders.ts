/**
 * Placeholders of outgoing emails: `{codice}`, `{titolo}`, … are replaced by the
 * report's values. Templates are plain text written by administrators; the HTML part
 * is built from the same text, so every value (and the template's own text) is
 * escaped once, in one place, and a citizen's `<script>` in a title stays text.
 */

export const PLACEHOLDERS = [
  'codice',
  'titolo',
  'nome',
  'cognome',
  'categoria',
  'indirizzo',
  'esito',
  'nota',
  'data',
  'ente',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

export const PLACEHOLDER_LABELS: Record<Placeholder, string> = {
  codice: 'codice della segnalazione',
  titolo: 'titolo',
  nome: 'nome del segnalatore',
  cognome: 'cognome del segnalatore',
  categoria: 'categoria',
  indirizzo: 'indirizzo',
  esito: 'esito della chiusura',
  nota: 'nota di chiusura',
  data: 'data',
  ente: 'nome dell’ente',
};

const TOKEN = /\{([a-z]+)\}/g;
const KNOWN = new Set<string>(PLACEHOLDERS);

/** Placeholders a template uses that Sportello does not know (shown in the editor). */
export function unknownPlaceholders(template: string): string[] {
  const out = new Set<string>();
  for (const m of template.matchAll(TOKEN)) if (!KNOWN.has(m[1]!)) out.add(m[1]!);
  return [...out];
}

/** Plain text: placeholders replaced, unknown ones left as written. */
export function renderText(template: string, values: PlaceholderValues): string {
  return template.replace(TOKEN, (all, name: string) =>
    KNOWN.has(name) ? values[name as Placeholder] : all,
  );
}

/** One-line values (a subject): line breaks in user content become spaces. */
export function renderLine(template: string, values: PlaceholderValues): string {
  return renderText(template, values)
    .replace(/[\r\n]+/g, ' ')
    .trim();
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/**
 * The HTML part of a text template: the text is escaped, values are escaped, paragraphs
 * (blank lines) become <p>, single line breaks <br>.
 */
export function renderHtmlBody(template: string, values: PlaceholderValues): string {
  return textToHtml(renderText(template, values));
}

/** Plain text to HTML paragraphs, every character escaped. */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
}

/** A whole, self-contained HTML document (mail clients ignore external CSS). */
export function htmlDocument(title: string, bodyHtml: string): string {
  return [
    '<!doctype html>',
    '<html lang="it">',
    '<head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #1a1a1a;">',
    bodyHtml,
    '</body>',
    '</html>',
  ].join('\n');
}

const DATE_FMT = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
/** 20/11/2026, in Italian time whatever the machine's zone. */
export const formatDateIt = (ms: number) => DATE_FMT.format(ms);
