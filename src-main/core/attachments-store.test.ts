import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAttachmentStore } from './attachments-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sportello-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const files = (root: string) =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));

describe('attachment store (writes off the main thread)', () => {
  it('the same bytes stored many times at once end up as one intact file, no temporary left', async () => {
    const store = createAttachmentStore(dir);
    const data = Buffer.alloc(3 * 1024 * 1024, 7);
    const sha = createHash('sha256').update(data).digest('hex');
    const out = await Promise.all(Array.from({ length: 20 }, () => store.put(data, 'application/pdf')));
    expect(new Set(out.map((o) => o.sha256))).toEqual(new Set([sha]));
    expect(files(store.root)).toHaveLength(1);
    expect(store.has(sha)).toBe(true);
    expect(store.read(sha).equals(data)).toBe(true);
  });

  it('different files written at once are all in place when their puts resolve', async () => {
    const store = createAttachmentStore(dir);
    const many = Array.from({ length: 50 }, (_, i) => Buffer.from(`allegato ${i} `.repeat(1000 + i)));
    const out = await Promise.all(many.map((d) => store.put(d, 'text/plain')));
    out.forEach((o, i) =>
      expect(readFileSync(join(store.root, o.sha256.slice(0, 2), o.sha256.slice(2))).equals(many[i]!)).toBe(
        true,
      ),
    );
    expect(files(store.root)).toHaveLength(50);
  });

  it('a write that fails rejects its put and leaves nothing behind', async () => {
    // A file where the attachments folder should be: every write fails.
    writeFileSync(join(dir, 'attachments'), 'non una cartella');
    const store = createAttachmentStore(dir);
    await expect(store.put(Buffer.from('dati'), 'text/plain')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['attachments']);
  });
});
