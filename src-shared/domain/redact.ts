/**
 * Log entries may carry citizens' personal data (a reporter's name, an email's sender
 * and recipients, a PEC's certified sender). A viewer without "vede i dati dei
 * segnalatori" gets them blanked — on the PC (reports.get) and on the server (pull), so
 * it never reaches that viewer's replica either.
 */
const PERSONAL_KEYS = [
  'name',
  'from',
  'reporter',
  'to',
  'failedAddresses',
  'pec',
  'certifiedSender',
  'email',
];

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
  return out ?? data;
}
