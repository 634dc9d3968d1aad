/** `sportello export` acts as a user: filters, redaction and permissions apply. */
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { exportCommand, parseDay } from './export';

let w: TestWorld;
let f: Fixture;
beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
  for (const [title, channel] of [
    ['Buca in via Roma', 'telefono'],
    ['Lampione spento', 'email'],
  ] as const) {
    await w.ok(
      'reports.create',
      {
        fields: { title, categoryId: f.bucaId, channel },
        reporters: [
          {
            reporterId: crypto.randomUUID(),
            newReporter: { nome: 'Anna', cognome: 'Neri', email: 'anna@example.it' },
          },
        ],
      },
      f.clerk,
    );
  }
});
afterEach(() => w.cleanup());

const read = (file: string) =>
  parse(readFileSync(file, 'utf8'), { bom: true, delimiter: ';', columns: true }) as Record<string, string>[];

describe('sportello export', () => {
  it('exports the filtered reports as the given user, redacted for users without reporter data', async () => {
    const out = join(w.dir, 'out.csv');
    expect(
      await exportCommand(['--format', 'csv', '--out', out, '--data-dir', w.dir, '--channel', 'email']),
    ).toBe(0);
    const rows = read(out);
    expect(rows.map((r) => r.Titolo)).toEqual(['Lampione spento']);
    expect(rows[0]!.Segnalatore).toBe('Anna Neri');

    const red = join(w.dir, 'red.csv');
    expect(
      await exportCommand([
        '--format',
        'csv',
        '--out',
        red,
        '--data-dir',
        w.dir,
        '--username',
        'giulia.bianchi',
      ]),
    ).toBe(0);
    expect(read(red)).toHaveLength(2);
    expect(readFileSync(red, 'utf8')).not.toMatch(/Neri|anna@example/);
  });

  it('refuses a user without "esportazione" and bad arguments', async () => {
    const out = join(w.dir, 'no.csv');
    await expect(
      exportCommand(['--format', 'csv', '--out', out, '--data-dir', w.dir, '--username', 'ditta.asfalti']),
    ).rejects.toThrow(/esportazione/);
    await expect(exportCommand(['--format', 'doc', '--out', out, '--data-dir', w.dir])).rejects.toThrow(
      /--format/,
    );
    expect(parseDay('01/07/2026', false)).toBe(Date.UTC(2026, 5, 30, 22));
    expect(parseDay('2026-01-01', true)).toBe(Date.UTC(2026, 0, 1, 23));
  });
});
