/**
 * The messages of the mail-in benchmark, generated one at a time from a seed (never a
 * whole batch in memory): mixed charsets and transfer encodings, encoded-word subjects,
 * half with an HTML alternative, a tenth with a 1 MB attachment (distinct bytes each,
 * so the attachment store really writes them).
 */
import { createRng, type Rng } from '../core/demo/prng';

const CHARSETS = ['utf-8', 'iso-8859-1', 'windows-1252', 'iso-8859-15'] as const;
const STREETS = ['via Roma', 'piazza Garibaldi', 'corso Italia', 'via dei Mille', 'viale Mazzini'];
const TOPICS = [
  'buca profonda sull’asfalto',
  'lampione spento da giorni',
  'rifiuti abbandonati accanto al cassonetto',
  'albero pericolante dopo il temporale',
  'perdita d’acqua dal marciapiede',
  'semaforo guasto all’incrocio',
];
const NAMES = ['Anna Neri', 'Luca Bianchi', 'Giulia Russo', 'Niccolò Ferrari', 'Chiara Esposito'];

export const MB_ATTACHMENT = 1024 * 1024;

function encode(text: string, charset: string): Buffer {
  // Every character used here exists in the Latin charsets (à è é ì ò ù ’ → ').
  return charset === 'utf-8' ? Buffer.from(text, 'utf8') : Buffer.from(text.replace(/’/g, "'"), 'latin1');
}

function qp(bytes: Buffer): string {
  let out = '';
  let line = 0;
  for (const b of bytes) {
    const ch =
      b === 0x0a
        ? '\n'
        : b === 0x0d
          ? ''
          : b >= 33 && b <= 126 && b !== 61
            ? String.fromCharCode(b)
            : b === 32
              ? ' '
              : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    if (ch === '\n') {
      out += '\r\n';
      line = 0;
      continue;
    }
    if (line + ch.length > 75) {
      out += '=\r\n';
      line = 0;
    }
    out += ch;
    line += ch.length;
  }
  return out;
}

const b64lines = (b: Buffer) => b.toString('base64').replace(/.{76}/g, '$&\r\n');

function textPart(type: 'plain' | 'html', text: string, charset: string, rng: Rng): string {
  const bytes = encode(text, charset);
  const cte = rng.pick(['8bit', 'quoted-printable', 'base64'] as const);
  const body =
    cte === 'base64' ? b64lines(bytes) : cte === 'quoted-printable' ? qp(bytes) : bytes.toString('latin1');
  return `Content-Type: text/${type}; charset=${charset}\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n${body}\r\n`;
}

function encodedWord(s: string, charset: string, rng: Rng): string {
  if (!/[^\x20-\x7e]/.test(s)) return s;
  return rng.chance(0.5)
    ? `=?${charset}?B?${encode(s, charset).toString('base64')}?=`
    : `=?${charset}?Q?${[...encode(s, charset)].map((b) => (b > 32 && b < 127 && b !== 61 && b !== 63 && b !== 95 ? String.fromCharCode(b) : b === 32 ? '_' : `=${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')}?=`;
}

/** Message number `i` of the run: the same bytes every time for the same seed. */
export function benchMessage(seed: number, i: number): Buffer {
  const rng = createRng(seed * 1_000_003 + i);
  const charset = rng.pick(CHARSETS);
  const name = rng.pick(NAMES);
  const topic = rng.pick(TOPICS);
  const street = `${rng.pick(STREETS)} ${1 + rng.int(120)}`;
  const subject = `Segnalazione: ${topic} in ${street} (${i})`;
  const paragraphs = Array.from(
    { length: 2 + rng.int(6) },
    () =>
      `Buongiorno, vorrei segnalare ${topic} in ${street}. È così da più di una settimana e nessuno è ancora intervenuto; la situazione è pericolosa per i pedoni e per chi passa in bicicletta.`,
  );
  const text = `${paragraphs.join('\n\n')}\n\nCordiali saluti,\n${name}`;
  const html = rng.chance(0.5)
    ? `<html><body><p>${paragraphs.join('</p><p>')}</p><p>Cordiali saluti,<br><b>${name}</b></p><img src="https://tracker.example.com/p.gif"></body></html>`
    : null;
  const withFile = i % 10 === 0;
  const b = `=_bench_${i}`;
  let body: string;
  let type: string;
  const alt = html
    ? `Content-Type: multipart/alternative; boundary="${b}a"\r\n\r\n--${b}a\r\n${textPart('plain', text, charset, rng)}--${b}a\r\n${textPart('html', html, charset, rng)}--${b}a--\r\n`
    : textPart('plain', text, charset, rng);
  if (withFile) {
    const file = Buffer.from(rng.bytes(MB_ATTACHMENT));
    type = `multipart/mixed; boundary="${b}"`;
    body = `--${b}\r\n${alt}--${b}\r\nContent-Type: application/pdf; name="foto-${i}.pdf"\r\nContent-Disposition: attachment; filename*=utf-8''documentazione%20citt%C3%A0%20${i}.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64lines(file)}\r\n--${b}--\r\n`;
  } else {
    const sep = alt.indexOf('\r\n\r\n');
    type = alt.slice('Content-Type: '.length, alt.indexOf('\r\n'));
    const cte = /Content-Transfer-Encoding: (\S+)/.exec(alt.slice(0, sep))?.[1];
    body = alt.slice(sep + 4);
    if (cte) type += `\r\nContent-Transfer-Encoding: ${cte}`;
  }
  const head = [
    `From: ${encodedWord(name, charset, rng)} <cittadino${i % 2000}@example.it>`,
    'To: urp@comune.example.it',
    `Subject: ${encodedWord(subject, charset, rng)}`,
    `Date: Fri, 20 Nov 2026 ${String(8 + (i % 10)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00 +0100`,
    `Message-ID: <bench-${seed}-${i}@posta.example.it>`,
    'MIME-Version: 1.0',
    `Content-Type: ${type}`,
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}
