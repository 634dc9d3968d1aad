import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttachmentView, ReportDetail } from '../../src-shared/api';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { sanitizeFileName } from './attachments-store';

let w: TestWorld;
let f: Fixture;
let reportId: string;
beforeEach(async () => {
  w = await createTestWorld({ maxAttachmentBytes: 1024 * 1024 });
  f = await buildFixture(w);
  reportId = (
    await w.ok<{ id: string }>(
      'reports.create',
      { fields: { title: 'Cassonetto rotto', channel: 'sportello', categoryId: null } },
      f.clerk,
    )
  ).id;
});
afterEach(() => w.cleanup());

describe('attachments', () => {
  it('stores by sha256, makes an image thumbnail, reads back, logs, removes', async () => {
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#c33' } })
      .png()
      .toBuffer();
    const a = await w.ok<AttachmentView>(
      'attachments.add',
      { reportId, fileName: 'foto buca.png', mime: 'image/png', dataBase64: png.toString('base64') },
      f.clerk,
    );
    expect(a).toMatchObject({ fileName: 'foto buca.png', size: png.length, hasThumb: true });
    const back = await w.ok<{ dataBase64: string }>('attachments.get', { attachmentId: a.id }, f.clerk);
    expect(Buffer.from(back.dataBase64, 'base64').equals(png)).toBe(true);
    const thumb = await w.ok<{ dataBase64: string; mime: string }>(
      'attachments.get',
      { attachmentId: a.id, thumb: true },
      f.clerk,
    );
    const meta = await sharp(Buffer.from(thumb.dataBase64, 'base64')).metadata();
    expect(meta.width).toBeLessThanOrEqual(320);
    expect(thumb.mime).toBe('image/webp');
    // Stored once, by content, under the data folder.
    expect(readdirSync(join(w.dir, 'attachments', a.sha256.slice(0, 2)))).toContain(a.sha256.slice(2));

    const d = await w.ok<ReportDetail>('reports.get', { id: reportId }, f.clerk);
    expect(d.attachments.map((x) => x.id)).toEqual([a.id]);
    expect(d.log.at(-1)).toMatchObject({ action: 'attachment_added', data: { fileName: 'foto buca.png' } });
    await w.ok('attachments.remove', { reportId, attachmentId: a.id }, f.clerk);
    expect((await w.ok<ReportDetail>('reports.get', { id: reportId }, f.clerk)).attachments).toEqual([]);
  });

  it('refuses a file over the limit with a clear message and keeps the report intact', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 1).toString('base64');
    const r = await w.core.call(
      'attachments.add',
      { reportId, fileName: 'video.mp4', mime: 'video/mp4', dataBase64: big },
      f.clerk,
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'too_large' } });
    if (!r.ok) expect(r.error.message).toMatch(/supera il limite di 1 MB/);
    expect((await w.ok<ReportDetail>('reports.get', { id: reportId }, f.clerk)).title).toBe(
      'Cassonetto rotto',
    );
  });

  it('sanitises file names: no traversal, no reserved names, no control characters', async () => {
    const a = await w.ok<AttachmentView>(
      'attachments.add',
      {
        reportId,
        fileName: '../../etc/passwd',
        mime: 'text/plain',
        dataBase64: Buffer.from('x').toString('base64'),
      },
      f.clerk,
    );
    expect(a.fileName).toBe('passwd');
    expect(sanitizeFileName('..\\..\\windows\\system32\\con.txt')).toBe('_con.txt');
    expect(sanitizeFileName('a\u0000b<>:"|?*.pdf')).toBe('a_b_______.pdf');
    expect(sanitizeFileName('...')).toBe('allegato');
    expect(sanitizeFileName('x'.repeat(300) + '.jpeg').length).toBe(200);
  });

  it('a broken image is kept without a thumbnail', async () => {
    const a = await w.ok<AttachmentView>(
      'attachments.add',
      {
        reportId,
        fileName: 'rotta.jpg',
        mime: 'image/jpeg',
        dataBase64: Buffer.from('not a jpeg').toString('base64'),
      },
      f.clerk,
    );
    expect(a.hasThumb).toBe(false);
  });

  it('a supplier cannot read attachments of reports not assigned to it', async () => {
    const a = await w.ok<AttachmentView>(
      'attachments.add',
      { reportId, fileName: 'x.txt', mime: 'text/plain', dataBase64: 'eA==' },
      f.clerk,
    );
    expect(await w.core.call('attachments.get', { attachmentId: a.id }, f.supplier)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(
      await w.core.call('attachments.add', { reportId, fileName: 'y.txt', dataBase64: 'eA==' }, f.supplier),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
