/** Calls of the sync client: status, connecting a PC to a server, refused-work notices. */
import { z } from 'zod';
import { call, ok } from './call';
import { zSessionView } from './views';

export const zSyncStatus = z.object({
  phase: z.enum([
    'standalone',
    'online',
    'offline',
    'syncing',
    'bootstrapping',
    'unauthenticated',
    'update_required',
  ]),
  serverUrl: z.string().nullable(),
  pending: z.number(),
  lastSyncAt: z.number().nullable(),
  message: z.string().nullable(),
  progress: z.object({ rows: z.number(), total: z.number().nullable() }).nullable(),
  notices: z.number(),
});
export type SyncStatusView = z.infer<typeof zSyncStatus>;

export const zNoticeView = z.object({
  id: z.string(),
  at: z.number(),
  reportId: z.string().nullable(),
  reportCode: z.string().nullable(),
  what: z.string(),
  message: z.string(),
});
export type NoticeView = z.infer<typeof zNoticeView>;

export const syncCalls = {
  'sync.status': call(z.object({}).default({}), zSyncStatus, { public: true }),
  /**
   * Connects this PC to a municipality's server: logs in there, then replaces the
   * local replica with the server's (a PC that has local data must say so explicitly).
   */
  'sync.connect': call(
    z.object({
      serverUrl: z
        .string()
        .trim()
        .url({ message: 'Indirizzo del server non valido (es. https://sportello.comune.it).' })
        .refine((u) => /^https?:\/\//.test(u), {
          message: 'L’indirizzo deve iniziare con http:// o https://.',
        }),
      username: z.string().trim().toLowerCase().min(1).max(40),
      password: z.string().min(1).max(200),
      replaceLocalData: z.boolean().default(false),
    }),
    zSessionView,
    { public: true },
  ),
  'sync.now': call(z.object({}).default({}), zSyncStatus),
  'sync.notices': call(z.object({}).default({}), z.array(zNoticeView)),
  'sync.acknowledge': call(z.object({ id: z.string().min(1).max(200) }), ok),
};
