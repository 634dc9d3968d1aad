/** The contract and the router agree: every call has a handler; bad input is refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_NAMES, contract } from '../../src-shared/api';
import { MUTATIONS } from '../../src-shared/domain';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';

let w: TestWorld;
let f: Fixture;
beforeAll(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
});
afterAll(() => w.cleanup());

describe('API contract', () => {
  it.each(CALL_NAMES)(
    '%s has a handler and refuses malformed input with a validation error',
    async (name) => {
      // A number where an object is expected can never be valid input.
      const r = await w.core.call(name, 42, f.admin);
      expect(r.ok, name).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('validation');
        expect(r.error.message).toMatch(/\S/);
      }
    },
  );

  it('an unknown call is refused', async () => {
    expect(await w.core.call('reports.drop', {}, f.admin)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await w.core.call('__proto__', {}, f.admin)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('non-public calls need a session', async () => {
    const priv = CALL_NAMES.filter((n) => !contract[n].public);
    expect(priv.length).toBeGreaterThan(20);
    for (const name of priv) {
      const r = await w.core.call(name, {}, null);
      // Either the input is invalid (checked first) or the session is missing — never ok.
      expect(r.ok, name).toBe(false);
    }
    expect(await w.core.call('reports.list', {}, 'forged-token')).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
  });

  it('every mutation named in the registry is reachable from some call', () => {
    const src = Object.keys(MUTATIONS);
    expect(src).toEqual(
      expect.arrayContaining([
        'report.create',
        'report.close',
        'report.reopen',
        'report.assign',
        'report.addNote',
      ]),
    );
  });
});
