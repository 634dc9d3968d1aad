import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { people, reportArgs, STORAGES, useWorld, type TestReplica } from './testing/world';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function put(r: TestReplica, hash: string, data: Uint8Array, token: string | null = r.token) {
  return fetch(`${r.url}/sync/v1/blobs/${hash}`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/octet-stream',
      'x-sportello-mime': 'image/png',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: new Uint8Array(data),
  });
}

const get = (r: TestReplica, hash: string) =>
  fetch(`${r.url}/sync/v1/blobs/${hash}`, { headers: { authorization: `Bearer ${r.token}` } });

const attachment = (data: Uint8Array, fileName = 'foto.png') => ({
  id: randomUUID(),
  sha256: sha(data),
  fileName,
  mime: 'image/png',
  size: data.length,
  hasThumb: false,
});

describe.each(STORAGES)('attachment bytes on the server (%s)', (kind) => {
  const world = useWorld(kind);

  it('refuses bytes that do not match their hash, and tells which hashes it lacks', async () => {
    const { op } = await people(world().server);
    const good = randomBytes(4096);
    const hash = sha(good);
    const tampered = Buffer.from(good);
    tampered[100] = tampered[100]! ^ 0xff;

    const bad = await put(op, hash, tampered);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      ok: false,
      error: { code: 'hash_mismatch', message: expect.stringMatching(/non corrisponde/) },
    });
    const other = sha(randomBytes(8));
    expect((await op.post('/sync/v1/blobs/missing', { hashes: [hash, other] })).body).toEqual({
      missing: [hash, other],
    });

    expect((await put(op, hash, good)).status).toBe(201);
    expect((await op.post('/sync/v1/blobs/missing', { hashes: [hash, other] })).body).toEqual({
      missing: [other],
    });
    // Still refused once the hash is known: the check never depends on what is stored.
    expect((await put(op, hash, tampered)).status).toBe(400);
    expect((await put(op, hash, good, null)).status).toBe(401);
    const malformed = await op.post('/sync/v1/blobs/missing', { hashes: ['../../etc/passwd'] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error!.message).toMatch(/^Richiesta non valida/);
  });

  it('stores a file attached twice once, and answers a repeated upload without rewriting it', async () => {
    const { admin, op } = await people(world().server);
    const data = randomBytes(20_000);
    const hash = sha(data);
    expect((await put(op, hash, data)).status).toBe(201);
    expect(await put(admin, hash, data)).toMatchObject({ status: 200 });
    const r1 = reportArgs('Foto della buca');
    const r2 = reportArgs('Stessa foto, altra segnalazione');
    await op.push(
      { name: 'report.create', args: r1 },
      { name: 'report.create', args: r2 },
      { name: 'report.addAttachment', args: { reportId: r1.id, attachment: attachment(data) } },
      { name: 'report.addAttachment', args: { reportId: r2.id, attachment: attachment(data, 'copia.png') } },
    );
    const rows = await world().server.storage.query<{ n: number; created_by: string }>(
      'SELECT count(*)::int AS n, min(created_by) AS created_by FROM blobs WHERE sha256 = $1',
      [hash],
    );
    expect(rows).toEqual([{ n: 1, created_by: op.userId }]);
    const res = await get(admin, hash);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
  });

  it('lets a fornitore download only the files of reports assigned to it', async () => {
    const { admin, supplier } = await people(world().server);
    const data = randomBytes(10_000);
    const hash = sha(data);
    const report = reportArgs('Chiusino rotto');
    const att = attachment(data);
    expect((await put(admin, hash, data)).status).toBe(201);
    await admin.push(
      { name: 'report.create', args: report },
      { name: 'report.addAttachment', args: { reportId: report.id, attachment: att } },
    );

    const hidden = await get(supplier, hash);
    const unknown = await get(supplier, sha(randomBytes(16)));
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    // Same answer for "not yours" and "does not exist": nothing to learn by probing.
    expect(await hidden.json()).toEqual(await unknown.json());

    await admin.push({
      name: 'report.assign',
      args: { reportId: report.id, kind: 'user', assigneeId: supplier.userId },
    });
    const allowed = await get(supplier, hash);
    expect(allowed.status).toBe(200);
    expect(Buffer.from(await allowed.arrayBuffer()).equals(data)).toBe(true);

    // A removed attachment no longer opens the door, even to its bytes.
    await admin.push({
      name: 'report.removeAttachment',
      args: { reportId: report.id, attachmentId: att.id },
    });
    expect((await get(supplier, hash)).status).toBe(404);
    expect((await get(admin, hash)).status).toBe(404);
  });
});
