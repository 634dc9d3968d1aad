import type { CallOutput } from '../../../src-shared/api';
import { api } from '../api/client';

type Dir = CallOutput<'directory.get'>;

const DIRECTORY_TABLES = ['categories', 'outcomes', 'users', 'groups', 'group_members'];

/** Users, groups, categories and outcomes: small lookups loaded once and kept fresh. */
class Directory {
  data = $state<Dir>({ users: [], groups: [], categories: [], outcomes: [] });
  loaded = $state(false);
  error = $state<string | null>(null);
  private pending: Promise<void> | null = null;

  load(force = false): Promise<void> {
    if (this.loaded && !force) return Promise.resolve();
    if (this.pending) return this.pending;
    this.pending = api.invoke('directory.get', {}).then((res) => {
      this.pending = null;
      if (res.ok) {
        this.data = res.value;
        this.loaded = true;
        this.error = null;
      } else this.error = res.error.message;
    });
    return this.pending;
  }

  /** Refresh when the change touches a lookup table (or when the core cannot say). */
  onChanged(tables: string[]): void {
    if (!this.loaded) return;
    if (tables.length === 0 || tables.some((t) => DIRECTORY_TABLES.includes(t))) void this.load(true);
  }

  categoryName = (id: string): string | null => this.data.categories.find((c) => c.id === id)?.name ?? null;
  userName = (id: string): string | null => this.data.users.find((u) => u.id === id)?.fullName ?? null;

  reset(): void {
    this.loaded = false;
    this.data = { users: [], groups: [], categories: [], outcomes: [] };
  }
}

export const directory = new Directory();
