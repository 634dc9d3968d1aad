/** Account administration that only the sync server may do (passwords live there). */
import { z } from 'zod';
import type { Sqlite } from '../db/migrate';
import { postJson } from './http';
import { getSyncState } from './sync-repo';

export async function setRemotePassword(db: Sqlite, userId: string, newPassword: string): Promise<void> {
  const s = getSyncState(db);
  if (!s?.token) throw new Error('Nessuna sessione sul server.');
  await postJson(
    s.serverUrl,
    '/sync/v1/users/password',
    { userId, newPassword },
    z.object({ ok: z.literal(true) }),
    {
      token: s.token,
    },
  );
}
