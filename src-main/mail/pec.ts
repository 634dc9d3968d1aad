/**
 * PEC (posta elettronica certificata). The provider wraps every message in a signed
 * transport envelope (`X-Trasporto: posta-certificata`) carrying the original as
 * postacert.eml and the transmission data as daticert.xml; receipts carry
 * `X-Ricevuta`. An anomaly envelope (`X-Trasporto: errore`) wraps a message that failed
 * the provider's checks.
 */
import { decodeBody, first, partText, walkOwn, type MimeNode } from './mime-tree';

export interface PecData {
  /** 'trasporto' | 'anomalia' | the X-Ricevuta value ('accettazione', 'avvenuta-consegna', …). */
  type: string;
  /** Address that sent the message through PEC (daticert <mittente>, or the envelope's "Per conto di"). */
  certifiedSender: string | null;
  /** Provider's identifier of the transmission (daticert <identificativo>). */
  identificativo: string | null;
  /** Message-ID the transmission refers to (daticert <msgid> or X-Riferimento-Message-ID). */
  refMessageId: string | null;
  gestore: string | null;
  /** "gg/mm/aaaa hh:mm:ss (zona)" as the provider wrote it. */
  data: string | null;
  oggetto: string | null;
  destinatari: string[];
  /** daticert's errore attribute ('nessuno' when fine) and errore-esteso. */
  errore: string | null;
  erroreEsteso: string | null;
  /** 'completa' | 'breve' | 'sintetica' for receipts. */
  tipoRicevuta: string | null;
}

export const PEC_RECEIPT_TYPES = [
  'accettazione',
  'non-accettazione',
  'presa-in-carico',
  'avvenuta-consegna',
  'posta-certificata',
  'errore-consegna',
  'preavviso-errore-consegna',
  'rilevazione-virus',
] as const;

export const PEC_RECEIPT_LABELS: Record<string, string> = {
  accettazione: 'Ricevuta di accettazione',
  'non-accettazione': 'Avviso di non accettazione',
  'presa-in-carico': 'Ricevuta di presa in carico',
  'avvenuta-consegna': 'Ricevuta di avvenuta consegna',
  'errore-consegna': 'Avviso di mancata consegna',
  'preavviso-errore-consegna': 'Preavviso di mancata consegna',
  'rilevazione-virus': 'Avviso di rilevazione virus',
};

export type PecRole =
  | { role: 'envelope'; anomaly: boolean; inner: MimeNode | null; innerRaw: Buffer | null }
  | { role: 'receipt'; receipt: string }
  | { role: 'none' };

export function pecRole(tree: MimeNode): PecRole {
  const ricevuta = first(tree.headers, 'x-ricevuta')?.trim().toLowerCase();
  if (ricevuta) return { role: 'receipt', receipt: ricevuta };
  const trasporto = first(tree.headers, 'x-trasporto')?.trim().toLowerCase();
  if (trasporto === 'posta-certificata' || trasporto === 'errore') {
    const part =
      findPart(
        tree,
        (n) => n.contentType === 'message/rfc822' && /^postacert\.eml$/i.test(n.fileName ?? ''),
      ) ?? findPart(tree, (n) => n.contentType === 'message/rfc822');
    return {
      role: 'envelope',
      anomaly: trasporto === 'errore',
      inner: part?.message ?? null,
      innerRaw: part ? decodeBody(part) : null,
    };
  }
  return { role: 'none' };
}

function findPart(tree: MimeNode, pred: (n: MimeNode) => boolean): MimeNode | null {
  for (const n of walkOwn(tree)) if (pred(n)) return n;
  return null;
}

const tag = (xml: string, name: string): string | null => {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'i').exec(xml);
  return m ? unescapeXml(m[1]!.trim()) : null;
};
const attr = (xml: string, el: string, name: string): string | null => {
  const m = new RegExp(`<${el}\\b[^>]*\\b${name}="([^"]*)"`, 'i').exec(xml);
  return m ? unescapeXml(m[1]!) : null;
};
const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Reads daticert.xml (when present) and the envelope headers. */
export function pecData(tree: MimeNode, type: string): PecData {
  const dc = findPart(tree, (n) => /^daticert\.xml$/i.test(n.fileName ?? ''));
  const xml = dc ? partText(dc) : '';
  const fromHeader = first(tree.headers, 'from') ?? '';
  const perConto = /per conto di:?\s*([^\s"<>]+@[^\s"<>]+)/i.exec(fromHeader)?.[1] ?? null;
  const giorno = tag(xml, 'giorno');
  const ora = tag(xml, 'ora');
  const zona = attr(xml, 'data', 'zona');
  const destinatari: string[] = [];
  for (const m of xml.matchAll(/<destinatari\b[^>]*>([\s\S]*?)<\/destinatari>/gi))
    destinatari.push(unescapeXml(m[1]!.trim()));
  const refHeader = first(tree.headers, 'x-riferimento-message-id');
  return {
    type,
    certifiedSender: (tag(xml, 'mittente') ?? perConto)?.toLowerCase() ?? null,
    identificativo: tag(xml, 'identificativo'),
    refMessageId: tag(xml, 'msgid') ?? refHeader ?? null,
    gestore: tag(xml, 'gestore-emittente'),
    data: giorno ? `${giorno} ${ora ?? ''}${zona ? ` (${zona})` : ''}`.trim() : null,
    oggetto: tag(xml, 'oggetto'),
    destinatari,
    errore: attr(xml, 'postacert', 'errore'),
    erroreEsteso: tag(xml, 'errore-esteso'),
    tipoRicevuta:
      attr(xml, 'ricevuta', 'tipo') ?? first(tree.headers, 'x-tiporicevuta')?.toLowerCase() ?? null,
  };
}

/** daticert.xml and smime.p7s are the provider's, not the citizen's: kept in the .eml only. */
export const isPecServicePart = (fileName: string) =>
  /^(daticert\.xml|smime\.p7s|postacert\.eml)$/i.test(fileName);
