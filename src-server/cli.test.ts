import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { server } from '../src-main/cli/server';
import { HELLO, post, TestReplica } from './testing/world';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('sportello server', () => {
  it('user add: the first user of an empty server must be an amministratore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sportello-cli-'));
    dirs.push(dir);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await expect(
      server([
        'user',
        'add',
        '--username',
        'olga',
        '--name',
        'Olga',
        '--role',
        'operatore',
        '--password',
        'password123',
        '--data-dir',
        dir,
      ]),
    ).rejects.toThrow('Il primo utente del server deve essere un amministratore.');
    expect(
      await server([
        'user',
        'add',
        '--username',
        'ada',
        '--name',
        'Ada',
        '--password',
        'password123',
        '--data-dir',
        dir,
      ]),
    ).toBe(0);
    expect(await server(['user', 'add', '--username', 'olga', '--name', 'Olga', '--data-dir', dir])).toBe(0);
    const printed = out.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toContain('Utente ada creato sul server (amministratore).');
    expect(printed).toContain('Utente olga creato sul server (operatore).');
    expect(printed).toMatch(/Password temporanea: \S+/);
    out.mockRestore();

    // The server started from the CLI on that folder lets the administrator in.
    const child = spawn(process.execPath, ['bin/sportello.mjs', 'server', '--port', '0', '--data-dir', dir], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d) => {
          text += String(d);
          const m = /pronto: (http:\/\/\S+)/.exec(text);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
      });
      expect((await post(url, '/sync/v1/hello', HELLO)).body.ok).toBe(true);
      const admin = await TestReplica.login(url, 'ada', 'password123');
      await admin.sync();
      expect(
        admin
          .all('users')
          .map((u) => u.username)
          .sort(),
      ).toEqual(['ada', 'olga']);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
