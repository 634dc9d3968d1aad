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
} as const;
