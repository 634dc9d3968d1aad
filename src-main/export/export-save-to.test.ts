/**
 * Exports written where the person chose (the desktop save dialog hands the core a path
 * through HostCallOptions): the file lands there whole or not at all, a cancelled
 * export leaves what was there untouched, and the renderer cannot name a path itself.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExportStatus } from '../../src-shared/api/calls-stats';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';

let w: TestWorld;
let f: Fixture;
let chosen: string;
const ALL = { statuses: ['nuovo', 'in_gestione', 'chiuso'] };

beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
  chosen = mkdtempSync(join(tmpdir(), 'sportello-scelta-'));
  for (let i = 0; i < 30; i++) {
    await w.ok(
      'reports.create',
      { fields: { title: `Buca numero ${i}`, channel: 'telefono', categoryId: f.bucaId } },
      f.clerk,
    );
  }
});
afterEach(() => {
  w.cleanup();
  rmSync(chosen, { recursive: true, force: true });
});

async function start(input: object, saveTo?: string) {
  const r = await w.core.call('exports.start', input, f.clerk, saveTo ? { saveTo } : undefined);
  return r;
}
async function done(exportId: string): Promise<ExportStatus> {
  for (;;) {
    const s = await w.ok<ExportStatus>('exports.status', { exportId }, f.clerk);
    if (s.state !== 'running') return s;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('exports saved where the person chose', () => {
  it('writes the whole file at the chosen path and says so in the status', async () => {
    const target = join(chosen, 'buche di novembre.csv');
    const r = await start({ format: 'csv', filters: ALL }, target);
    if (!r.ok) throw new Error(r.error.message);
    const s = await done((r.value as { exportId: string }).exportId);
    expect(s).toMatchObject({
      state: 'done',
      path: target,
      fileName: 'buche di novembre.csv',
      userChosePath: true,
    });
    const text = readFileSync(target, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    for (let i = 0; i < 30; i++) expect(text).toContain(`Buca numero ${i}`);
    expect(s.bytes).toBe(readFileSync(target).length);
    // Nothing half-written stays beside it, nothing went to the data folder.
    expect(readdirSync(chosen)).toEqual(['buche di novembre.csv']);
    expect(readdirSync(join(w.dir, 'exports'))).toEqual([]);
  });

  it('a cancelled export leaves the file already there untouched and no part file', async () => {
    const target = join(chosen, 'riepilogo.xlsx');
    writeFileSync(target, 'versione precedente');
    const r = await start({ format: 'xlsx', filters: ALL }, target);
    if (!r.ok) throw new Error(r.error.message);
    const exportId = (r.value as { exportId: string }).exportId;
    await w.ok('exports.cancel', { exportId }, f.clerk);
    const s = await done(exportId);
    expect(s.state).toBe('cancelled');
    expect(readFileSync(target, 'utf8')).toBe('versione precedente');
    expect(readdirSync(chosen)).toEqual(['riepilogo.xlsx']);
  });

  it('refuses a folder it cannot write to, in Italian, before starting', async () => {
    const target = join(chosen, 'non-esiste', 'x.csv');
    const r = await start({ format: 'csv', filters: ALL }, target);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('validation');
      expect(r.error.message).toContain(dirname(target));
    }
    expect(existsSync(dirname(target))).toBe(false);
  });

  it('the renderer cannot choose a path: an input field naming one is ignored', async () => {
    const target = join(chosen, 'furbo.csv');
    const r = await start({ format: 'csv', filters: ALL, saveTo: target, path: target });
    if (!r.ok) throw new Error(r.error.message);
    const s = await done((r.value as { exportId: string }).exportId);
    expect(s.state).toBe('done');
    expect(s.userChosePath).toBe(false);
    expect(dirname(s.path)).toBe(join(w.dir, 'exports'));
    expect(existsSync(target)).toBe(false);
  });
});
