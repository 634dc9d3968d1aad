import type { Actor, User } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import type { AttachmentStore } from './attachments-store';
import type { Store } from './store';

/** What every handler may use. Built once per core. */
export interface CoreServices {
  db: Sqlite;
  store: Store;
  files: AttachmentStore;
  clock: () => number;
  newId: () => string;
  maxAttachmentBytes: number;
  municipality: () => string;
  demo: () => boolean;
  version: string;
  /**
   * Synced replicas hand out provisional codes (the server assigns the final ones);
   * undefined = this replica is its own authority (standalone).
   */
  allocateCode: () => ((year: number) => string) | undefined;
  /**
   * Synced replicas: asks the sync client to download an attachment's bytes now; false
   * when there is no server to ask (standalone).
   */
  fetchAttachment?: (w: { sha256: string; mime: string; reportId: string }) => boolean;
}

/**
 * What a host (never the renderer) adds to one call: the Electron shell passes the file
 * a person chose in the save dialog, so the core writes the export there.
 */
export interface HostCallOptions {
  /** Absolute path chosen by the person for the file `exports.start` produces. */
  saveTo?: string;
}

/** Per call: the services plus who is calling (null for public calls). */
export interface CallContext extends CoreServices {
  user: User | null;
  actor: Actor | null;
  sessionToken: string | null;
  host?: HostCallOptions;
}

export interface AuthedContext extends CallContext {
  user: User;
  actor: Actor;
}
