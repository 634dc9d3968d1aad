import type { FastifyRequest } from 'fastify';
import type { AppliedHook } from './apply';
import type { Session } from './auth';
import type { PokeHub } from './poke';
import type { SnapshotSource } from './routes-snapshot';
import type { Storage } from './storage/storage';

/** What the route modules share. */
export interface ServerContext {
  storage: Storage;
  clock: () => number;
  pokes: PokeHub;
  minClientSchemaVersion: number;
  serverVersion: string;
  /** The request's session (Authorization: Bearer …), or a 401 with an Italian message. */
  auth: (req: FastifyRequest) => Promise<Session>;
  /** Run in the push transaction per applied mutation (the server's mail-out). */
  onApplied?: AppliedHook;
  /** The bootstrap snapshots this server publishes (routes-snapshot.ts), if any. */
  snapshots?: SnapshotSource;
  /** After a push committed (the mail sender looks for what it queued). */
  afterPush?: () => void;
}
