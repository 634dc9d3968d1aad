/**
 * PCs for sync tests: each a real core on its own SQLite file, connected to the test
 * server through its own cuttable proxy, with a session. `cleanup()` closes them all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyncStatusView } from '../../../src-shared/api';
import { createCore, type CoreInternals } from '../../core/create-core';
import { startProxy, type Proxy } from './proxy';

export const TEST_PASSWORD = 'password-di-prova';

export interface Replica {
  core: CoreInternals;
  dir: string;
  proxy: Proxy;
  session: string;
  call(name: string, input: unknown): ReturnType<CoreInternals['call']>;
  ok<T = unknown>(name: string, input: unknown): Promise<T>;
  sync(): Promise<SyncStatusView>;
}

export function replicaPool(serverPort: () => number, password = TEST_PASSWORD) {
  const dirs: string[] = [];
  const open: CoreInternals[] = [];
  const proxies: Proxy[] = [];

  /**
   * A new PC connected as `username`, or — with `existing` — the same PC started again
   * (its data folder and link kept), logging in as a clerk would.
   */
  async function replica(username: string, existing?: { dir: string; proxy: Proxy }): Promise<Replica> {
    const dir = existing?.dir ?? mkdtempSync(join(tmpdir(), 'sportello-replica-'));
    if (!existing) dirs.push(dir);
    const proxy = existing?.proxy ?? (await startProxy({ host: '127.0.0.1', port: serverPort() }));
    if (!existing) proxies.push(proxy);
    const core = await createCore({ dataDir: dir, validateOutput: true });
    open.push(core);
    const r = existing
      ? await core.call('auth.login', { username, password }, null)
      : await core.call('sync.connect', { serverUrl: proxy.url, username, password }, null);
    if (!r.ok) throw new Error(`${existing ? 'login' : 'connect'}: ${r.error.message}`);
    const session = (r.value as { token: string }).token;
    const rep: Replica = {
      core,
      dir,
      proxy,
      session,
      call: (name, input) => core.call(name, input, rep.session),
      async ok<T>(name: string, input: unknown) {
        const res = await core.call(name, input, rep.session);
        if (!res.ok) throw new Error(`${name}: ${res.error.code} ${res.error.message}`);
        return res.value as T;
      },
      sync: () => rep.ok<SyncStatusView>('sync.now', {}),
    };
    return rep;
  }

  return {
    replica,
    /** Remembers a folder to remove at cleanup (for cores a test builds by hand). */
    track(dir: string, core?: CoreInternals) {
      dirs.push(dir);
      if (core) open.push(core);
    },
    async cleanup() {
      for (const c of open.splice(0)) c.close();
      for (const p of proxies.splice(0)) await p.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}
