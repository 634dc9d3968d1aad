/**
 * Attachment bytes between real replicas (SQLite files and attachment folders on disk)
 * and a real sync server (embedded PGlite) on loopback, through a TCP proxy that can
 * cut an upload half-way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatusView } from '../../src-shared/api';
import { createServer, type SyncServer } from '../../src-server/app';
import { replicaPool, TEST_PASSWORD, type Replica } from './testing/replicas';

const PASSWORD = TEST_PASSWORD;
let server: SyncServer;

beforeAll(async () => {
  server = await createServer({});
  for (const [username, fullName, role] of [
    ['admin', 'Amministratore', 'amministratore'],
    ['lucia.verdi', 'Lucia Verdi', 'operatore'],
    ['mario.rossi', 'Mario Rossi', 'operatore'],
    ['ditta.scavi', 'Scavi Srl', 'fornitore'],
  ] as const) {
    await server.addUser({ username, fullName, role, password: PASSWORD });
  }
});
afterAll(async () => {
  await server.close();
});
const pool = replicaPool(() => server.port);
const replica = pool.replica;
afterEach(() => pool.cleanup());

const newReport = (r: Replica, title: string) =>
  r.ok<{ id: string }>('reports.create', {
    fields: { title, description: '', channel: 'telefono', categoryId: null, address: 'Via Pignolo 3' },
  });

/** A PNG of noise: does not compress, so it is as big as asked. */
async function photo(side: number): Promise<Buffer> {
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const attach = (r: Replica, reportId: string, data: Buffer, fileName = 'buca.png') =>
  r.ok<{ id: string; sha256: string; hasThumb: boolean }>('attachments.add', {
    reportId,
    fileName,
    mime: 'image/png',
    dataBase64: data.toString('base64'),
  });

async function serverRows(attachmentId: string, hash: string) {
  const rows = await server.storage.query(
    `SELECT 1 FROM sync_rows WHERE tbl = 'attachments' AND key = $1 AND NOT deleted`,
    [attachmentId],
  );
  const blobs = await server.storage.query<{ data: Uint8Array }>('SELECT data FROM blobs WHERE sha256 = $1', [
    hash,
  ]);
  return { row: rows.length > 0, blob: blobs[0] ? Buffer.from(blobs[0].data) : null };
}

/** The invariant: the server never holds an attachments row whose bytes it lacks. */
async function rowsWithoutBytes(): Promise<number> {
  const [r] = await server.storage.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sync_rows a
      WHERE a.tbl = 'attachments' AND NOT a.deleted
        AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = (a.data->>'sha256'))`,
  );
  return r!.n;
}

describe('attachment bytes follow their rows', () => {
  it('an image attached on PC A opens on PC B with the same bytes and a thumbnail; stored once on the server', async () => {
    const a = await replica('lucia.verdi');
    const b = await replica('mario.rossi');
    // B may learn of A's work through a poke, before any explicit sync: listen from the start.
    const image = await photo(200);
    const announced: string[] = [];
    b.core.on('data.changed', (p) => {
      if (b.core.services.files.has(sha(image))) announced.push(...p.reportIds);
    });
    const first = await newReport(a, 'Buca in via Pignolo');
    const second = await newReport(a, 'Stessa buca, altra chiamata');
    const att = await attach(a, first.id, image);
    await attach(a, second.id, image, 'copia.png');
    expect(att.hasThumb).toBe(true);
    await a.sync();
    const [count] = await server.storage.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM blobs WHERE sha256 = $1',
      [sha(image)],
    );
    expect(count!.n).toBe(1);

    await b.sync();
    await expect
      .poll(async () => (await b.call('attachments.get', { attachmentId: att.id, thumb: false })).ok, {
        timeout: 10_000,
      })
      .toBe(true);
    const got = await b.ok<{ dataBase64: string; mime: string; fileName: string }>('attachments.get', {
      attachmentId: att.id,
      thumb: false,
    });
    expect(Buffer.from(got.dataBase64, 'base64').equals(image)).toBe(true);
    expect(got).toMatchObject({ mime: 'image/png', fileName: 'buca.png' });
    const thumb = await b.ok<{ dataBase64: string; mime: string }>('attachments.get', {
      attachmentId: att.id,
      thumb: true,
    });
    expect(thumb.mime).toBe('image/webp');
    expect((await sharp(Buffer.from(thumb.dataBase64, 'base64')).metadata()).format).toBe('webp');
    // The screen showing the report learns once the file (and its thumbnail) is there.
    expect(announced).toEqual(expect.arrayContaining([first.id, second.id]));
  });

  it('a PC lacking the file says it is being downloaded, and fetches it', async () => {
    const a = await replica('lucia.verdi');
    const b = await replica('mario.rossi');
    const doc = randomBytes(50_000);
    const { id } = await newReport(a, 'Verbale di sopralluogo');
    const att = await a.ok<{ id: string; sha256: string }>('attachments.add', {
      reportId: id,
      fileName: 'verbale.pdf',
      mime: 'application/pdf',
      dataBase64: doc.toString('base64'),
    });
    await a.sync();
    await b.sync();
    const path = join(b.core.services.files.root, att.sha256.slice(0, 2), att.sha256.slice(2));
    await expect.poll(() => existsSync(path), { timeout: 10_000 }).toBe(true);
    // As if the download had not happened yet (or the file was lost), and the server is away.
    rmSync(path);
    b.proxy.down();
    const first = await b.call('attachments.get', { attachmentId: att.id, thumb: false });
    expect(first).toEqual({
      ok: false,
      error: {
        code: 'unavailable',
        message: 'L’allegato è in fase di scaricamento dal server: riprova tra poco.',
      },
    });
    b.proxy.up();
    await expect
      .poll(async () => (await b.call('attachments.get', { attachmentId: att.id, thumb: false })).ok, {
        timeout: 15_000,
      })
      .toBe(true);
  });

  it('an upload cut half-way is retried, and the mutation reaches the server only after its bytes', async () => {
    const a = await replica('lucia.verdi');
    const { id } = await newReport(a, 'Tombino sollevato');
    await a.sync();
    const image = await photo(400);
    expect(image.length).toBeGreaterThan(300_000);
    a.proxy.cutAfter(100_000);
    const att = await attach(a, id, image);
    // The automatic push after the local change runs into the cut.
    await expect
      .poll(async () => (await a.ok<SyncStatusView>('sync.status', {})).phase, { timeout: 10_000 })
      .toBe('offline');
    expect(await serverRows(att.id, att.sha256)).toEqual({ row: false, blob: null });
    expect((await a.ok<SyncStatusView>('sync.status', {})).pending).toBeGreaterThan(0);

    const after = await a.sync();
    expect(after).toMatchObject({ phase: 'online', pending: 0 });
    const stored = await serverRows(att.id, att.sha256);
    expect(stored.row).toBe(true);
    expect(stored.blob?.equals(image)).toBe(true);
    expect(await rowsWithoutBytes()).toBe(0);
  });

  it('a fornitore’s PC gets the files of the reports assigned to it, and cannot fetch the others', async () => {
    const a = await replica('lucia.verdi');
    const s = await replica('ditta.scavi');
    const dir = await a.ok<{ users: { id: string; username: string }[] }>('directory.get', {});
    const supplierId = dir.users.find((u) => u.username === 'ditta.scavi')!.id;
    const image = await photo(120);
    const { id } = await newReport(a, 'Scavo da richiudere in via Borgo Palazzo');
    const att = await attach(a, id, image);
    await a.sync();
    await s.sync();
    const { token } = s.core.services.db.prepare('SELECT token FROM sync_state').get() as { token: string };
    const fetchAs = () =>
      fetch(`${server.url}/sync/v1/blobs/${att.sha256}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await fetchAs()).status).toBe(404);
    expect(s.core.services.files.has(att.sha256)).toBe(false);

    await a.ok('reports.assign', { id, kind: 'user', assigneeId: supplierId });
    await a.sync();
    await s.sync();
    await expect.poll(() => s.core.services.files.has(att.sha256), { timeout: 10_000 }).toBe(true);
    const got = await s.ok<{ dataBase64: string }>('attachments.get', { attachmentId: att.id, thumb: false });
    expect(Buffer.from(got.dataBase64, 'base64').equals(image)).toBe(true);
    expect((await fetchAs()).status).toBe(200);
  });
});
