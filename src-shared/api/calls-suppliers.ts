/**
 * Rubrica fornitori, "Inoltra" (forward a report to a supplier) and the colleague
 * notifications of the bell. Prefixes of their own: handlers-reports claims 'reports.*'.
 */
import { z } from 'zod';
import { zId } from '../domain/schemas';
import { call, idOut, ok } from './call';

export const zAddressBookView = z.object({
  id: z.string(),
  name: z.string(),
  organisation: z.string(),
  email: z.string(),
  categoryIds: z.array(z.string()),
  notes: z.string(),
  active: z.boolean(),
  updatedAt: z.number(),
});
export type AddressBookView = z.infer<typeof zAddressBookView>;

export const zNotificationView = z.object({
  /** The log entry it comes from. */
  id: z.string(),
  reportId: z.string(),
  code: z.string(),
  title: z.string(),
  kind: z.enum(['assigned', 'mention']),
  actorName: z.string(),
  /** The automation rule that acted, when a rule did (the actor is then who triggered it). */
  byRule: z.string().nullable().default(null),
  /** The group the report was given to, when the user is told as one of its members. */
  groupName: z.string().nullable(),
  /** The note's text, for a mention. */
  text: z.string().nullable(),
  at: z.number(),
  read: z.boolean(),
});
export type NotificationView = z.infer<typeof zNotificationView>;

export const supplierCalls = {
  /** Staff: the address book (administrators also see deactivated entries). */
  'addressBook.list': call(z.object({}).default({}), z.array(zAddressBookView)),
  /** Administrators (enforced by the addressBook.save mutation). Validated again there. */
  'addressBook.save': call(
    z.object({
      id: zId.optional(),
      name: z.string().max(200),
      organisation: z.string().max(200).default(''),
      email: z.string().max(254),
      categoryIds: z.array(zId).max(500).default([]),
      notes: z.string().max(2000).default(''),
      active: z.boolean().default(true),
    }),
    idOut,
  ),
  /** Active recipients for a report, those for its category first (suggested). */
  'forward.candidates': call(
    z.object({ reportId: zId }),
    z.array(z.object({ entry: zAddressBookView, suggested: z.boolean() })),
  ),
  'forward.send': call(
    z.object({
      reportId: zId,
      recipientId: zId,
      message: z.string().max(20_000).default(''),
      attachmentIds: z.array(zId).max(50).default([]),
      /** Explicit choice: reporters' data go out only for those listed here. */
      includeReporterIds: z.array(zId).max(50).default([]),
    }),
    z.object({ emailId: z.string() }),
  ),
  'notifications.list': call(
    z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }),
    z.object({ unread: z.number(), items: z.array(zNotificationView) }),
  ),
  'notifications.markRead': call(
    z.union([z.object({ ids: z.array(zId).min(1).max(500) }), z.object({ all: z.literal(true) })]),
    ok,
  ),
  /** The caller's own "avvisami anche per email". */
  'notifications.prefs.get': call(
    z.object({}).default({}),
    z.object({ notifyByEmail: z.boolean(), email: z.string().nullable() }),
  ),
  'notifications.prefs.save': call(
    z.object({ notifyByEmail: z.boolean(), email: z.string().max(254).nullable() }),
    ok,
  ),
} as const;
