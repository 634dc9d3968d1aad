/** The administrator's command line, run as `sportello` would run it, on a real data folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCore } from '../core/create-core';
import { main } from './main';

let dir: string;
let out: string;
let err: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sportello-cli-'));
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

async function canLogin(username: string, password: string) {
  const core = await createCore({ dataDir: dir });
  try {
    return (await core.call('auth.login', { username, password }, null)).ok;
  } finally {
    core.close();
  }
}

describe('sportello CLI', () => {
  it('--help explains the commands in Italian', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(out).toMatch(/Uso: sportello <comando>/);
    expect(out).toMatch(/reset-password/);
  });

  it('user add creates an administrator who can log in; reset-password replaces the password', async () => {
    const code = await main([
      'user',
      'add',
      '--username',
      'Anna.Neri',
      '--name',
      'Anna Neri',
      '--role',
      'amministratore',
      '--password',
      'prima-password',
      '--data-dir',
      dir,
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/anna\.neri creato/);
    expect(await canLogin('anna.neri', 'prima-password')).toBe(true);

    expect(await main(['reset-password', '--username', 'anna.neri', '--data-dir', dir])).toBe(0);
    const temp = out.match(/Password temporanea: (\S+)/)?.[1];
    expect(temp).toBeTruthy();
    expect(await canLogin('anna.neri', 'prima-password')).toBe(false);
    expect(await canLogin('anna.neri', temp!)).toBe(true);
  });

  it('refuses bad input with a clear message and a non-zero exit code', async () => {
    expect(await main(['user', 'add', '--username', 'x', '--data-dir', dir])).toBe(2);
    expect(err).toMatch(/--name/);
    expect(
      await main([
        'user',
        'add',
        '--username',
        'pino',
        '--name',
        'Pino',
        '--role',
        'capo',
        '--data-dir',
        dir,
      ]),
    ).toBe(2);
    expect(err).toMatch(/Ruolo non valido/);
    expect(await main(['reset-password', '--username', 'nessuno', '--data-dir', dir])).toBe(1);
    expect(err).toMatch(/non trovato/);
    expect(await main(['volare'])).toBe(2);
  });
});
