/** `sportello mail parse FILE.eml`: one JSON object on stdout, as administrators and tests use it. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintMessageId } from '../mail/threading';
import { threadingKey } from '../mail/secrets';
import { base64Part, multipartMessage, plainMessage, textPart, tnefWith } from '../mail/testing/messages';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sportello-cli-mail-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bin = resolve(__dirname, '../../bin/sportello.mjs');
function parse(raw: Buffer, ...extra: string[]) {
  const file = join(dir, 'msg.eml');
  writeFileSync(file, raw);
  const out = execFileSync(
    process.execPath,
    [bin, 'mail', 'parse', file, '--data-dir', join(dir, 'data'), ...extra],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out) as Record<string, unknown>;
}

describe('sportello mail parse', () => {
  it('prints one JSON object with kind, sender, reporter, subject, text and attachments (winmail.dat unpacked)', () => {
    const raw = multipartMessage({
      subject: 'Perdita d’acqua',
      parts: [
        textPart('Perdita in piazza.'),
        base64Part(
          'Content-Type: application/ms-tnef\r\nContent-Disposition: attachment; filename="winmail.dat"',
          tnefWith('foto.jpg', Buffer.from('jpegdata')),
        ),
      ],
    });
    const j = parse(raw);
    expect(j).toMatchObject({
      kind: 'report',
      channel: 'email',
      sender: { name: 'Anna Neri', address: 'anna.neri@example.it' },
      reporter: { name: 'Anna Neri', address: 'anna.neri@example.it' },
      subject: 'Perdita d’acqua',
      text: 'Perdita in piazza.',
      pec: null,
    });
    expect(j.attachments).toEqual([
      { name: 'foto.jpg', type: 'image/jpeg', size: 8, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  it("recognises a reply to Sportello with the data folder's key, and says auto-replies are machine mail", () => {
    const key = threadingKey(join(dir, 'data'));
    const id = '0197a3c1-0000-7000-8000-000000000009';
    const reply = parse(
      plainMessage({ subject: 'Re: risposta', headers: { 'In-Reply-To': mintMessageId(key, id) } }),
    );
    expect(reply).toMatchObject({ kind: 'follow-up', thread: { reportId: id } });
    const auto = parse(plainMessage({ headers: { 'Auto-Submitted': 'auto-replied' } }));
    expect(auto.kind).toBe('auto-reply');
  });

  it('exits 2 with a usage message when the file is missing', () => {
    let status = 0;
    try {
      execFileSync(process.execPath, [bin, 'mail', 'parse'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
