import type { z } from 'zod';

/** One readable Italian sentence from a zod error (field messages are already Italian). */
export function zodMessage(err: z.ZodError): string {
  const first = err.issues[0];
  if (!first) return 'Dati non validi.';
  const msg = first.message;
  // zod's own English defaults get a generic Italian message with the field name.
  if (
    /^(Invalid|Expected|Required|Too|String must|Number must|Array must)/i.test(msg) ||
    msg.includes('expected')
  ) {
    const path = first.path.join('.');
    return path ? `Valore non valido nel campo «${path}».` : 'Dati non validi.';
  }
  return msg;
}

export function zodFields(err: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of err.issues) {
    const k = i.path.join('.');
    if (!(k in out)) out[k] = zodMessage({ issues: [i] } as z.ZodError);
  }
  return out;
}
