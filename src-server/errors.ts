/** Refusals with an HTTP status, a stable code and an Italian message shown as is. */
import type { z } from 'zod';
import { zodMessage } from '../src-main/core/zod-errors';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const errorBody = (code: string, message: string) => ({
  ok: false as const,
  error: { code, message },
});

/** Validates a request body with a protocol schema: 400 with an Italian message otherwise. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw new HttpError(400, 'validation', `Richiesta non valida: ${zodMessage(r.error)}`);
  return r.data;
}

export const MESSAGES = {
  tooOld: 'Questa versione di Sportello è troppo vecchia per il server: aggiornala.',
  serverTooOld:
    "Il server Sportello è più vecchio di questa versione dell'app: chiedi all'amministratore di aggiornarlo.",
  noToken: 'Accesso richiesto: effettua il login.',
  badSession: 'Sessione non valida o revocata: accedi di nuovo.',
  expired: 'Sessione scaduta: accedi di nuovo.',
  disabled: 'Il tuo account è disattivato: rivolgiti a un amministratore.',
  badLogin: 'Nome utente o password errati.',
  wrongClient: 'Questo dispositivo non corrisponde alla sessione: accedi di nuovo.',
  internal: 'Errore interno del server: riprova più tardi.',
} as const;
