import type { ApiEvents } from '../../../src-shared/api';
import { api } from '../api/client';

type Changed = ApiEvents['data.changed'];

/**
 * One subscription to `data.changed` for the whole app; screens read `version` (and
 * `last`) in an $effect to reload what they show.
 */
class Changes {
  version = $state(0);
  last = $state<Changed>({ tables: [], reportIds: [] });
  private off: (() => void) | null = null;
  private listeners = new Set<(c: Changed) => void>();

  start(): void {
    if (this.off) return;
    this.off = api.on('data.changed', (payload) => {
      const p: Changed = {
        tables: Array.isArray(payload?.tables) ? payload.tables : [],
        reportIds: Array.isArray(payload?.reportIds) ? payload.reportIds : [],
      };
      this.last = p;
      this.version++;
      for (const l of this.listeners) l(p);
    });
  }

  stop(): void {
    this.off?.();
    this.off = null;
  }

  subscribe(cb: (c: Changed) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}

export const changes = new Changes();
