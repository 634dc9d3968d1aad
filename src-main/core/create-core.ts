/**
 * Builds the core: database, store, services, router. Tests, the browser host, the
 * CLI and the Electron shell all call this one function.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEvents, EventName } from '../../src-shared/api';
import { createUuidV7, DomainError } from '../../src-shared/domain';
import { createCheckpointer } from '../db/checkpointer';
import { migrateDatabase, openDatabase } from '../db/migrate';
import { getMeta } from '../db/repos/settings-read';
import { DEFAULT_MAX_ATTACHMENT_BYTES, createAttachmentStore } from './attachments-store';
import { actorOf, createAuthService } from './auth-service';
import type { CoreServices } from './context';
import type { Core, CoreOptions, Listener } from './core-types';
import { loadDemo } from './demo/load-demo';
import type { Handlers } from './handler-types';
import { reportHandlers } from './handlers-reports';
import { statsHandlers } from './handlers-stats';
import { appInfo, settingsHandlers, userView } from './handlers-settings';
import { createRouter } from './router';
import { createStore } from './store';
import { createSyncClient, type SyncClient } from '../sync/client';
import { getSyncState } from '../sync/sync-repo';
import { automationHandlers } from './handlers-automations';
import { duplicateHandlers } from './handlers-duplicates';
import { activityHandlers } from './handlers-activities';
import { supplierHandlers } from './handlers-suppliers';
import { syncedLogin, syncedUserSave, syncHandlers } from './handlers-sync';
import { mailHandlers } from './handlers-mail';
import { mailboxesRemoteWhenSynced } from './handlers-mail-remote';
import { createMailService } from '../mail/service';
import { createMailOutService } from '../mail-out/service';
import { mailOutHandlers } from './handlers-mailout';
import { remoteWhenSynced } from './handlers-mailout-remote';

export const DB_FILE = 'sportello.db';

function appVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

export interface CoreInternals extends Core {
  services: CoreServices;
  sync: SyncClient;
}

export async function createCore(options: CoreOptions): Promise<CoreInternals> {
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? createUuidV7(clock);
  mkdirSync(options.dataDir, { recursive: true });
  const db = openDatabase(join(options.dataDir, DB_FILE));
  migrateDatabase(db);
  const store = createStore({ db, clock, newId, captureUndo: () => getSyncState(db) !== null });
  const checkpointer = createCheckpointer(db);
  store.onChange(() => checkpointer.afterWrite());
  const auth = createAuthService(db, clock);
  const listeners = new Map<EventName, Set<Listener<EventName>>>();
  const anyListeners = new Set<(event: EventName, payload: unknown) => void>();
  const fire = <E extends EventName>(event: E, payload: ApiEvents[E]) => {
    for (const l of listeners.get(event) ?? []) (l as Listener<E>)(payload);
    for (const l of anyListeners) l(event, payload);
  };
  const files = createAttachmentStore(options.dataDir);
  const sync = createSyncClient({
    db,
    files,
    store,
    clock,
    appVersion: appVersion(),
    alone: (fn) => checkpointer.alone(fn),
    onStatus: (st) => fire('sync.status', st),
    onData: (p) => {
      checkpointer.afterWrite();
      fire('data.changed', p);
    },
  });
  const services: CoreServices = {
    db,
    store,
    files,
    fetchAttachment: (w) => sync.fetchAttachment(w),
    clock,
    newId,
    maxAttachmentBytes: options.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
    municipality: () => getMeta(db, 'municipality') ?? 'Comune',
    demo: () => getMeta(db, 'demo') === '1',
    version: appVersion(),
    allocateCode: () => (sync.isSynced() ? (year: number) => sync.provisionalCode(year) : undefined),
  };

  const userCount = () => (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  if (options.demo && userCount() === 0) await loadDemo(services, auth);

  const settings = settingsHandlers(auth);
  let stopExports: (() => Promise<void>) | null = null;
  const mail = createMailService({ services, dataDir: options.dataDir });
  // Mailboxes configured on this installation start polling; none configured, nothing runs.
  void mail.start().catch((e: unknown) => console.error('[mail] avvio non riuscito:', e));
  const mailOut = createMailOutService({
    services,
    dataDir: options.dataDir,
    cipher: mail.cipher,
    onUpdate: (reportIds) => fire('data.changed', { tables: ['mail_outbox'], reportIds }),
  });
  mailOut.start();
  const handlers: Handlers = {
    ...reportHandlers,
    ...statsHandlers(services, fire, (stop) => (stopExports = stop)),
    ...settings,
    ...syncHandlers(sync, auth),
    ...automationHandlers,
    ...duplicateHandlers,
    ...activityHandlers,
    ...mailboxesRemoteWhenSynced(mailHandlers(mail)),
    ...remoteWhenSynced(mailOutHandlers(mailOut)),
    ...supplierHandlers(mailOut),
    'auth.login': syncedLogin(sync, auth, settings['auth.login']),
    'settings.users.save': syncedUserSave(sync, settings['settings.users.save']),
    'app.info': (ctx) => ({
      ...appInfo(ctx, userCount() === 0 && !sync.isSynced()),
      mode: sync.isSynced() ? ('synced' as const) : ('standalone' as const),
    }),
    'setup.createAdmin': async (ctx, { username, fullName, password }) => {
      if (userCount() > 0 || sync.isSynced()) {
        throw new DomainError('forbidden', 'L’amministratore è già stato creato.');
      }
      const id = newId();
      const all = {
        canReply: true,
        majorEdits: true,
        seesReporterData: true,
        statistics: true,
        export: true,
      };
      // The first administrator creates itself: there is nobody else to act.
      store.mutate(
        'user.save',
        { id, username, fullName, email: null, role: 'amministratore', permissions: all, active: true },
        { id, role: 'amministratore', permissions: all, groupIds: [] },
      );
      await auth.setPassword(id, password);
      const s = await auth.login(username, password);
      return { token: s.token, expiresAt: s.expiresAt, user: userView(s.user, actorOf(db, s.user).groupIds) };
    },
  };

  const call = createRouter(services, auth, handlers, {
    validateOutput: options.validateOutput,
    onError: (name, err) => console.error(`[core] ${name} failed:`, err),
  });

  store.onChange((p) => {
    fire('data.changed', p);
    sync.notifyLocalChange();
  });
  if (sync.isSynced()) void sync.syncNow();

  return {
    dataDir: options.dataDir,
    services,
    call,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener<EventName>);
      return () => set.delete(listener as Listener<EventName>);
    },
    sync,
    onAny(listener) {
      anyListeners.add(listener);
      return () => anyListeners.delete(listener);
    },
    close() {
      // Closing twice (a shell quitting while a test cleans up) is harmless.
      if (!db.open) return;
      sync.stop();
      void mail.stop();
      void mailOut.stop();
      void stopExports?.();
      try {
        checkpointer.close();
        db.pragma('optimize');
      } finally {
        db.close();
      }
    },
  };
}
