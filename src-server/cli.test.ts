import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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
    let text = '';
    child.stdout.on('data', (d) => (text += String(d)));
    const printedLine = (re: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const m = re.exec(text);
          if (m) {
            child.stdout.off('data', check);
            resolve(m);
          }
        };
        child.stdout.on('data', check);
        child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
        check();
      });
    try {
      const url = (await printedLine(/pronto: (http:\/\/\S+)/))[1]!;
      expect((await post(url, '/sync/v1/hello', HELLO)).body.ok).toBe(true);
      const admin = await TestReplica.login(url, 'ada', 'password123');
      await admin.sync();
      expect(
        admin
          .all('users')
          .map((u) => u.username)
          .sort(),
      ).toEqual(['ada', 'olga']);
      // New PCs' first download: the server publishes its snapshot in <data-dir>/snapshots.
      const version = Number((await printedLine(/Copia iniziale pronta: versione (\d+)/))[1]);
      expect(version).toBeGreaterThan(0);
      const described = JSON.parse(
        readFileSync(join(dir, 'snapshots', `snapshot-${version}.db.json`), 'utf8'),
      ) as { cursor: number; reports: number; size: number };
      expect(described.cursor).toBe(version);
      expect(statSync(join(dir, 'snapshots', `snapshot-${version}.db`)).size).toBe(described.size);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
