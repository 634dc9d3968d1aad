/**
 * Calls the mail screens need beyond the mailbox settings. Spread into `contract` at its end.
 * Named 'mail.*', not 'reports.*': handlers-reports claims every 'reports.*' name.
 */
import { z } from 'zod';
import { zId } from '../domain/schemas';
import { call, ok } from './call';

export const mailUiCalls = {
  /** "Segna come letta": clears the report's "Nuova risposta" (mutation report.markReplySeen). */
  'mail.markReplySeen': call(z.object({ id: zId }), ok),
  /**
   * "Mostra immagini remote": the core fetches the message's remote images (images only,
   * limited, public addresses only) and returns them as data: URLs for the sandboxed frame,
   * whose CSP, like the app's, never lets it reach the network itself.
   */
  'mail.remoteImages': call(
    z.object({ urls: z.array(z.string().max(2000)).max(30) }),
    z.object({ images: z.array(z.object({ url: z.string(), dataUrl: z.string().nullable() })) }),
  ),
} as const;
