import { describe, expect, it } from 'vitest';
import { draftOf, inputOf, newDraft } from './mail-form';

describe('mailbox form', () => {
  it('turns a new draft into the save input, flag mode, no empty password', () => {
    const d = { ...newDraft(), name: 'URP', host: 'imap.comune.it', username: 'urp', password: 'x' };
    const r = inputOf(d);
    expect(r).toEqual({
      ok: true,
      input: expect.objectContaining({
        name: 'URP',
        port: 993,
        pollSeconds: 120,
        processedFolder: null,
        processedFlag: '$SportelloAcquisito',
        password: 'x',
      }),
    });
    const noPass = inputOf({ ...d, password: '' });
    expect(noPass.ok && 'password' in noPass.input).toBe(false);
  });

  it('names the fields that are not numbers, and a missing move folder', () => {
    const r = inputOf({ ...newDraft(), port: '99a', pollSeconds: '', after: 'move' });
    expect(r.ok).toBe(false);
    expect(!r.ok && Object.keys(r.fields).sort()).toEqual(['pollSeconds', 'port', 'processedFolder']);
  });

  it('round-trips a stored mailbox (the password stays write-only)', () => {
    const view = {
      id: 'm1',
      name: 'PEC',
      kind: 'pec' as const,
      host: 'imaps.pec.it',
      port: 993,
      security: 'tls' as const,
      username: 'urp@pec.it',
      folder: 'INBOX',
      processedFolder: 'Acquisite',
      processedFlag: '$SportelloAcquisito',
      pollSeconds: 300,
      useIdle: false,
      reviewInbox: true,
      enabled: false,
      hasPassword: true,
      updatedAt: 1,
    };
    const d = draftOf(view);
    expect(d).toMatchObject({ after: 'move', password: '', hasPassword: true, port: '993' });
    const r = inputOf(d);
    expect(r.ok && r.input).toMatchObject({
      id: 'm1',
      processedFolder: 'Acquisite',
      enabled: false,
      reviewInbox: true,
    });
    expect(r.ok && 'password' in r.input).toBe(false);
  });
});
