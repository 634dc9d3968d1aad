/**
 * Log entries may carry citizens' personal data (a reporter's name, an email's sender
 * and recipients, a PEC's certified sender). A viewer without "vede i dati dei
 * segnalatori" gets them blanked — on the PC (reports.get) and on the server (pull), so
 * it never reaches that viewer's replica either.
 */
import { maskAddresses } from '../mail-out/mask';

const PERSONAL_KEYS = [
  'name',
  'from',
  'reporter',
  'to',
  'failedAddresses',
  // A PEC receipt's recipients (pec_receipt keeps the receipt's fields at the top level).
  'destinatari',
  'pec',
  'certifiedSender',
  'email',
];

/** Free text from mail servers that may quote an address. */
const QUOTING_KEYS = ['diagnostic', 'erroreEsteso', 'subject'];

export function redactLogData(data: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!data) return data;
  let out: Record<string, unknown> | null = null;
  for (const k of PERSONAL_KEYS) {
    if (!(k in data)) continue;
    // 'name' is personal only when it names a reporter (assignments name colleagues).
    if (k === 'name' && !('reporterId' in data)) continue;
    out ??= { ...data };
    out[k] = null;
  }
  // Delivery reports quote the recipient ("550 <anna@x.it>: no such user"): masked, not blanked.
  for (const k of QUOTING_KEYS) {
    const v = data[k];
    if (typeof v !== 'string' || !v.includes('@')) continue;
    out ??= { ...data };
    out[k] = maskAddresses(v);
  }
  return out ?? data;
}
