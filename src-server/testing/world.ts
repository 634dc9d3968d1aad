/**
 * Test worlds for the sync server: a real server on loopback over PGlite or a real
 * PostgreSQL, and a small replica-like HTTP client that pushes and pulls for real.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { RowChange } from '../../src-shared/sync/protocol';
import {
  PROTOCOL_VERSION,
  WIRE_SCHEMA_VERSION,
  zPullResponse,
  zPushResponse,
} from '../../src-shared/sync/protocol';
import { createServer, type ServerOptions, type SyncServer } from '../app';
import { startPostgres, type TestPostgres } from './postgres';

export type StorageKind = 'pglite' | 'postgres';
export const STORAGES: StorageKind[] = ['pglite', 'postgres'];
export const PASSWORD = 'password-di-prova';

/** One PostgreSQL cluster per test file, started lazily, stopped after the file. */
let cluster: Promise<TestPostgres> | null = null;
export function postgresCluster(): Promise<TestPostgres> {
  if (!cluster) {
    cluster = startPostgres();
    afterAll(async () => {
      await (await cluster!).stop();
      cluster = null;
    });
  }
  return cluster;
}

export interface World {
  server: SyncServer;
  /** Injected clock: tests move it. */
  clock: { now: number };
  databaseUrl: string | null;
  /** Another server process on the same storage (PostgreSQL only). */
  secondServer(): Promise<SyncServer>;
}

/** A server for the whole describe block; PGlite in a temp dir or a fresh PostgreSQL database. */
export function useWorld(kind: StorageKind, opts: Partial<ServerOptions> = {}): () => World {
  let world: World | null = null;
  const extra: SyncServer[] = [];
  if (kind === 'postgres') postgresCluster();
  beforeAll(async () => {
    const clock = { now: Date.UTC(2026, 2, 2, 9, 0, 0) };
    const databaseUrl = kind === 'postgres' ? await (await postgresCluster()).createDatabase() : null;
    const base: ServerOptions = { ...opts, clock: () => clock.now, ...(databaseUrl ? { databaseUrl } : {}) };
    const server = await createServer(base);
    world = {
      server,
      clock,
      databaseUrl,
      async secondServer() {
        if (!databaseUrl) throw new Error('A second process needs PostgreSQL.');
        const s = await createServer(base);
        extra.push(s);
        return s;
      },
    };
  });
  afterAll(async () => {
    for (const s of extra) await s.close();
    await world?.server.close();
  });
  return () => world!;
}

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

export async function post(
  url: string,
  path: string,
  body: unknown,
  token?: string | null,
): Promise<HttpAnswer> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as HttpAnswer['body'] };
}

let userCounter = 0;
/** A unique username per call, so tests sharing a server never collide. */
export const uniqueName = (prefix: string) => `${prefix}${++userCounter}-${randomUUID().slice(0, 6)}`;

/** A replica in miniature: its outbox sequence, its cursor and the rows it holds. */
export class TestReplica {
  seq = 0;
  cursor = 0;
  resets = 0;
  readonly rows = new Map<string, Record<string, unknown>>();

  constructor(
    readonly url: string,
    readonly clientId: string,
    public token: string,
    readonly userId: string,
  ) {}

  static async login(url: string, username: string, password = PASSWORD, clientId = randomUUID()) {
    const r = await post(url, '/sync/v1/login', { username, password, clientId });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    return new TestReplica(url, clientId, String(r.body.token), String(r.body.userId));
  }

  post(path: string, body: unknown) {
    return post(this.url, path, body, this.token);
  }

  /** Pushes mutations with the next sequence numbers. */
  async push(...mutations: { name: string; args: unknown }[]) {
    const batch = mutations.map((m) => ({ seq: ++this.seq, mutationId: randomUUID(), at: 0, ...m }));
    const r = await this.post('/sync/v1/push', { clientId: this.clientId, mutations: batch });
    if (r.status !== 200) throw new Error(`push: ${r.status} ${JSON.stringify(r.body)}`);
    return zPushResponse.parse(r.body);
  }

  async pullPage(limit = 5000) {
    const r = await this.post('/sync/v1/pull', { clientId: this.clientId, cursor: this.cursor, limit });
    if (r.status !== 200) throw new Error(`pull: ${r.status} ${JSON.stringify(r.body)}`);
    const page = zPullResponse.parse(r.body);
    if (page.reset) {
      this.resets++;
      this.rows.clear();
      this.cursor = 0;
      return page;
    }
    this.apply(page.changes);
    this.cursor = page.cursor;
    return page;
  }

  /** Pulls until nothing more waits (restarting after a reset). */
  async sync(limit = 5000) {
    const pages = [];
    for (let i = 0; i < 10_000; i++) {
      const page = await this.pullPage(limit);
      pages.push(page);
      if (!page.more && !page.reset) return pages;
    }
    throw new Error('pull never ended');
  }

  apply(changes: RowChange[]) {
    for (const c of changes) {
      const id = `${c.table}:${c.key}`;
      if (c.op === 'del') this.rows.delete(id);
      else this.rows.set(id, c.row!);
    }
  }

  all(table: string): Record<string, unknown>[] {
    return [...this.rows.entries()].filter(([k]) => k.startsWith(`${table}:`)).map(([, v]) => v);
  }

  get(table: string, key: string) {
    return this.rows.get(`${table}:${key}`);
  }
}

export const HELLO = {
  protocolVersion: PROTOCOL_VERSION,
  schemaVersion: WIRE_SCHEMA_VERSION,
  appVersion: 'test',
};

/** Report fields for report.create. */
export function reportArgs<E extends Record<string, unknown>>(title: string, extra: E = {} as E) {
  return {
    id: randomUUID(),
    fields: {
      title,
      description: 'Descrizione di prova',
      categoryId: null,
      address: 'Via Roma 1',
      channel: 'telefono',
    },
    ...extra,
  };
}

/** Users of every kind on a world's server, with replicas logged in. */
export async function people(server: SyncServer) {
  const names = {
    admin: uniqueName('admin'),
    op: uniqueName('oper'),
    opNoRep: uniqueName('riserv'),
    supplier: uniqueName('forn'),
  };
  await server.addUser({
    username: names.admin,
    fullName: 'Ada Amministratrice',
    password: PASSWORD,
    role: 'amministratore',
  });
  await server.addUser({
    username: names.op,
    fullName: 'Olga Operatrice',
    password: PASSWORD,
    role: 'operatore',
  });
  await server.addUser({
    username: names.opNoRep,
    fullName: 'Rino Riservato',
    password: PASSWORD,
    role: 'operatore',
    permissions: { seesReporterData: false },
  });
  await server.addUser({
    username: names.supplier,
    fullName: 'Fabio Fornitore',
    email: 'fabio@ditta.example',
    password: PASSWORD,
    role: 'fornitore',
  });
  return {
    names,
    admin: await TestReplica.login(server.url, names.admin),
    op: await TestReplica.login(server.url, names.op),
    opNoRep: await TestReplica.login(server.url, names.opNoRep),
    supplier: await TestReplica.login(server.url, names.supplier),
  };
}
