import type { CallOutput } from '../../src-shared/api';
import { api } from './api/client';

export type ReporterTrouble = CallOutput<'mailout.deliveryTrouble'>[number];

/**
 * Reporters whose email address is failing (bounce, PEC non-delivery, refused send),
 * by reporter id. Empty when there is nothing to ask or the viewer may not see
 * reporters' data (the core refuses, and the screen shows nothing rather than an error).
 */
export async function loadDeliveryTrouble(
  reporters: readonly { id: string; email: string | null; redacted?: boolean }[],
): Promise<Map<string, ReporterTrouble>> {
  const ids = reporters.filter((r) => r.email && !r.redacted).map((r) => r.id);
  if (ids.length === 0) return new Map();
  const res = await api.invoke('mailout.deliveryTrouble', { reporterIds: ids.slice(0, 100) });
  return res.ok ? new Map(res.value.map((t) => [t.reporterId, t])) : new Map();
}
