/** Test worlds: each test gets its own data folder with a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUuidV7 } from '../../src-shared/domain';
import { createCore, type CoreInternals } from '../core/create-core';
import type { CoreOptions } from '../core/core-types';

export interface TestWorld {
  core: CoreInternals;
  dir: string;
  clock: { now: number; advance(ms: number): void };
  /** Calls the API and throws on failure (for setup steps). */
  ok<T = unknown>(name: string, input: unknown, session?: string | null): Promise<T>;
  cleanup(): void;
}

export async function createTestWorld(opts: Partial<CoreOptions> = {}): Promise<TestWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'sportello-test-'));
  const clock = {
    now: Date.UTC(2026, 10, 20, 9, 0, 0),
    advance(ms: number) {
      this.now += ms;
    },
  };
  const core = await createCore({
    dataDir: dir,
    clock: () => clock.now,
    newId: createUuidV7(() => clock.now),
    validateOutput: true,
    ...opts,
  });
  return {
    core,
    dir,
    clock,
    async ok<T>(name: string, input: unknown, session: string | null = null): Promise<T> {
      const r = await core.call(name, input, session);
      if (!r.ok) throw new Error(`${name} failed: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    },
    cleanup() {
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
