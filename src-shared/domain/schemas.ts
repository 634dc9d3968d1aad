/**
 * zod schemas for the domain's inputs. Shared by mutations (args) and the API contract,
 * so the renderer, the core and the server validate with the very same rules.
 */
import { z } from 'zod';
import { checkCodiceFiscale } from './codice-fiscale';
import { ASSIGNEE_KINDS, CHANNELS, OUTCOME_KINDS, PRIORITIES, REPORT_STATUSES, ROLES } from './types';

export const zId = z.string().uuid({ message: 'Identificativo non valido.' });
export const zStatus = z.enum(REPORT_STATUSES);
export const zChannel = z.enum(CHANNELS);
export const zPriority = z.enum(PRIORITIES);
export const zRole = z.enum(ROLES);
export const zOutcomeKind = z.enum(OUTCOME_KINDS);
export const zAssigneeKind = z.enum(ASSIGNEE_KINDS);

const trimmed = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label}: al massimo ${max} caratteri.` });

export const zTitle = trimmed(200, 'Titolo').min(3, { message: 'Il titolo deve avere almeno 3 caratteri.' });
export const zDescription = trimmed(20_000, 'Descrizione');
export const zAddress = trimmed(300, 'Indirizzo');
export const zLat = z.number().min(-90).max(90).nullable();
export const zLon = z.number().min(-180).max(180).nullable();

const zOptText = (max: number, label: string) =>
  trimmed(max, label)
    .nullable()
    .transform((v) => (v ? v : null));

export const zEmail = z
  .string()
  .trim()
  .max(254)
  .nullable()
  .transform((v) => (v ? v.toLowerCase() : null))
  .refine((v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), {
    message: 'Indirizzo email non valido.',
  });

export const zPhone = z
  .string()
  .trim()
  .max(40)
  .nullable()
  .transform((v) => (v ? v.replace(/[^\d+]/g, '') : null))
  .refine((v) => v === null || /^\+?\d{5,15}$/.test(v), { message: 'Numero di telefono non valido.' });

export const zCodiceFiscale = z
  .string()
  .nullable()
  .transform((v, ctx) => {
    if (!v || !v.trim()) return null;
    const r = checkCodiceFiscale(v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    }
    return r.value;
  });

export const zReporterInput = z
  .object({
    nome: trimmed(100, 'Nome'),
    cognome: trimmed(100, 'Cognome'),
    email: zEmail.default(null),
    telefono: zPhone.default(null),
    codiceFiscale: zCodiceFiscale.default(null),
    indirizzo: zOptText(300, 'Indirizzo').default(null),
  })
  .refine((r) => r.nome || r.cognome || r.email || r.telefono, {
    message: 'Indica almeno nome, cognome, email o telefono del segnalatore.',
  });
export type ReporterInput = z.output<typeof zReporterInput>;

/** A reporter on a new report: either one from the rubrica or a new entry. */
export const zReporterRef = z.object({
  reporterId: zId,
  /** Present when the reporter is new: it enters the rubrica under reporterId. */
  newReporter: zReporterInput.optional(),
});

export const zReportFields = z.object({
  title: zTitle,
  description: zDescription.default(''),
  categoryId: zId.nullable(),
  address: zAddress.default(''),
  lat: zLat.default(null),
  lon: zLon.default(null),
  channel: zChannel,
  priority: zPriority.default('normale'),
});

export const zReportPatch = z
  .object({
    title: zTitle,
    description: zDescription,
    categoryId: zId.nullable(),
    address: zAddress,
    lat: zLat,
    lon: zLon,
    channel: zChannel,
    priority: zPriority,
    dueAt: z.number().int().nullable(),
  })
  .partial();
export type ReportPatch = z.output<typeof zReportPatch>;

export const zPermissions = z.object({
  canReply: z.boolean(),
  majorEdits: z.boolean(),
  seesReporterData: z.boolean(),
  statistics: z.boolean(),
  export: z.boolean(),
});

export const zUsername = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,38}[a-z0-9]$/, {
    message: 'Nome utente: da 3 a 40 caratteri tra lettere minuscole, cifre, punto, trattino.',
  });

export const zPassword = z
  .string()
  .min(8, { message: 'La password deve avere almeno 8 caratteri.' })
  .max(200);

export const zNoteText = trimmed(10_000, 'Nota').min(1, { message: 'La nota è vuota.' });
